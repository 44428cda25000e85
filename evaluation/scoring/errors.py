"""The failures a contributor is told about: a coarse kind and a reason that leaks nothing of the data."""

from __future__ import annotations

from enum import StrEnum


class FailureClass(StrEnum):
    FORMAT = "format"  # the file is not a loadable model of an accepted format
    INPUT_SHAPE = "input_shape"  # the model does not take the challenge's inputs
    OUTPUT = "output"  # wrong output shape, dtype, or non-finite values
    TIMEOUT = "timeout"
    OUT_OF_MEMORY = "out_of_memory"
    CRASH = "crash"  # the run died in a way we cannot attribute more precisely
    INFRASTRUCTURE = "infrastructure"  # our fault: it does not count against the contributor's limits


class ScoringError(Exception):
    """A submission could not be scored; `reason` is safe to show to its contributor."""

    def __init__(self, failure: FailureClass, reason: str) -> None:
        super().__init__(reason)
        self.failure = failure
        self.reason = reason

    @property
    def is_contributors_fault(self) -> bool:
        return self.failure != FailureClass.INFRASTRUCTURE
