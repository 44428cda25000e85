"""The failures a contributor is told about: a coarse class, and a fixed text per class.

Trust boundary: what a contributor reads is chosen here, on the trusted side, from the class alone. The
detail of a failure (a shape, a dtype, an exception's text) may come from the model or the sandboxed
process, so it goes to the worker's log and never into a contributor-facing reason: a hostile model
could otherwise put hidden rows into its output's shape and read them back in the failure reason.
"""

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


# The only classes the sandboxed process may report: it can never claim a failure is ours.
CONTRIBUTOR_FAILURES = frozenset(FailureClass) - {FailureClass.INFRASTRUCTURE}

FAILURE_TEXTS: dict[FailureClass, str] = {
    FailureClass.FORMAT: (
        "The model file could not be loaded: use safetensors weights (float32) for one of the challenge's "
        "architectures, or a self-contained ONNX graph of standard operators."
    ),
    FailureClass.INPUT_SHAPE: (
        "The model did not accept the challenge's inputs: it must take one batch of rows of the "
        "challenge's input shape and dtype."
    ),
    FailureClass.OUTPUT: (
        "The model's output was not usable: it must return one row of the challenge's output shape per "
        "input, as finite numbers."
    ),
    FailureClass.TIMEOUT: "The run took longer than the challenge's time limit.",
    FailureClass.OUT_OF_MEMORY: "The run was stopped: it used more memory or CPU than allowed.",
    FailureClass.CRASH: "The model crashed the runtime.",
    FailureClass.INFRASTRUCTURE: (
        "The evaluation failed on our side; this submission does not count against your limits."
    ),
}


class ScoringError(Exception):
    """A submission could not be scored.

    `reason` is the fixed text of the failure class, safe to show to the contributor; `detail` is for
    the worker's log only, and may carry values that the model or the sandbox produced.
    """

    def __init__(self, failure: FailureClass, detail: str = "") -> None:
        super().__init__(detail or FAILURE_TEXTS[failure])
        self.failure = failure
        self.detail = detail

    @property
    def reason(self) -> str:
        return FAILURE_TEXTS[self.failure]

    @property
    def is_contributors_fault(self) -> bool:
        return self.failure != FailureClass.INFRASTRUCTURE
