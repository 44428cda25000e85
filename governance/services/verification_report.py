"""What a verification reports: one outcome per check, with why, in words chosen by the platform; and how
a check that reads the chain reports a node that does not answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from governance.services.trust_common import CHAIN_UNAVAILABLE, logger

if TYPE_CHECKING:
    from governance.chain.escrow import PrizeEscrow
    from governance.selectors.verification import VerificationEvidence


class Outcome(StrEnum):
    HOLDS = "holds"
    FAILS = "does not hold"
    NOT_YET = "not yet"  # the step has not happened yet (not committed, not attested)
    UNCHECKED = "cannot be checked now"  # the chain did not answer
    NOT_APPLICABLE = "not applicable"


@dataclass(frozen=True)
class Check:
    """One check: a stable key, what it checks, its outcome, and why, in plain words."""

    key: str
    title: str
    outcome: Outcome
    why: str

    def as_dict(self) -> dict[str, str]:
        return {"key": self.key, "title": self.title, "outcome": self.outcome.value, "why": self.why}


@dataclass(frozen=True)
class VerificationReport:
    """Every check of one submission or clue, in the order they build on each other."""

    kind: str
    pk: int
    content_hash: str
    checks: tuple[Check, ...]

    @property
    def holds(self) -> bool:
        """True only when every check holds (or does not apply)."""
        return all(c.outcome in (Outcome.HOLDS, Outcome.NOT_APPLICABLE) for c in self.checks)

    @property
    def failures(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.outcome == Outcome.FAILS)

    @property
    def exit_code(self) -> int:
        """0: everything holds; 1: something does not hold; 2: nothing fails, something is not checked yet."""
        return 0 if self.holds else 1 if self.failures else 2

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.pk,
            "content_hash": self.content_hash,
            "holds": self.holds,
            "checks": [check.as_dict() for check in self.checks],
        }


UNREACHABLE = "The chain could not be reached, so this was not checked."


def chain_check(
    key: str,
    title: str,
    check: Callable[[str, str, VerificationEvidence, PrizeEscrow], Check],
    evidence: VerificationEvidence,
    escrow: PrizeEscrow | None,
) -> Check:
    """Run a check that reads the escrow; a node that does not answer makes it unchecked, never a failure."""
    if evidence.escrow is None:
        return Check(key, title, Outcome.NOT_YET, "The challenge is not in the escrow yet.")
    if escrow is None:
        return Check(key, title, Outcome.UNCHECKED, UNREACHABLE)
    try:
        return check(key, title, evidence, escrow)
    except CHAIN_UNAVAILABLE as error:
        kind, pk = evidence.kind, evidence.pk
        logger.info("verifying %s %s: the chain did not answer: %s", kind, pk, type(error).__name__)
        return Check(key, title, Outcome.UNCHECKED, UNREACHABLE)
