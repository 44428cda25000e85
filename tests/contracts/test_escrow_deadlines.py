"""Every deadline, at its last second and the second after: what is allowed flips exactly there."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from governance.chain.errors import ContractRevertError
from tests.contracts.helpers import EscrowLab, fresh_address, results

WINNER = fresh_address("winner")


@dataclass(frozen=True)
class Boundary:
    """An action, the deadline it meets, and its outcome at that second and the next (None: succeeds)."""

    prepare: Callable[[EscrowLab], int]  # returns the challenge id, in the state the action needs
    deadline: Callable[[EscrowLab, int], int]
    action: Callable[[EscrowLab, int], object]
    at_deadline: str | None
    after: str | None


def _open(lab: EscrowLab) -> int:
    challenge_id = lab.open_challenge()
    lab.fund(challenge_id, 1_000)
    return challenge_id


def _attested(lab: EscrowLab) -> int:
    challenge_id = _open(lab)
    lab.attest(challenge_id, results("final"))
    return challenge_id


def _awarded(lab: EscrowLab) -> int:
    challenge_id = _attested(lab)
    lab.award(challenge_id, results("final"), {WINNER: 600})
    return challenge_id


def _submission_deadline(lab: EscrowLab, challenge_id: int) -> int:
    return lab.escrow.challenge(challenge_id).submission_deadline


def _award_deadline(lab: EscrowLab, challenge_id: int) -> int:
    return lab.escrow.challenge(challenge_id).award_deadline


def _attest(lab: EscrowLab, challenge_id: int) -> None:
    signed = lab.attestations(challenge_id, results("final"), lab.actors.evaluators[:2])
    signers = sorted(signed, key=lambda item: int(item.signer, 16))
    lab.relay_attestation(
        challenge_id, results("final"), [a.signer for a in signers], [a.signature for a in signers]
    )


def _attested_with_a_funder_ready(lab: EscrowLab) -> int:
    challenge_id = _attested(lab)
    funder = lab.actors.funders[0]
    lab.token.mint(sender=funder, to=funder.address, amount=1)
    lab.token.approve(sender=funder, spender=lab.escrow.address, amount=1)
    return challenge_id


def _fund_more(lab: EscrowLab, challenge_id: int) -> None:
    lab.escrow.fund(sender=lab.actors.funders[0], challenge_id=challenge_id, amount=1)


BOUNDARIES = {
    "commit": Boundary(
        _open,
        _submission_deadline,
        lambda lab, cid: lab.escrow.commit(
            sender=lab.actors.relayer, challenge_id=cid, submission_hashes=[b"\x01" * 32]
        ),
        None,
        "WrongState",
    ),
    "attest": Boundary(_open, _submission_deadline, _attest, "WrongState", None),
    "fund": Boundary(_attested_with_a_funder_ready, _award_deadline, _fund_more, None, "AwardDeadlinePassed"),
    "award": Boundary(
        _attested,
        _award_deadline,
        lambda lab, cid: lab.award(cid, results("final"), {WINNER: 600}),
        None,
        "AwardDeadlinePassed",
    ),
    "public cancel": Boundary(
        _attested,
        _award_deadline,
        lambda lab, cid: lab.escrow.cancel(sender=lab.actors.outsider, challenge_id=cid),
        "CancelNotAllowed",
        None,
    ),
    "claim": Boundary(
        _awarded,
        lambda lab, cid: lab.escrow.claim_deadline(cid),
        lambda lab, cid: lab.escrow.claim(sender=lab.actors.relayer, challenge_id=cid, account=WINNER),
        None,
        "ClaimWindowClosed",
    ),
    "sweep": Boundary(
        _awarded,
        lambda lab, cid: lab.escrow.claim_deadline(cid),
        lambda lab, cid: lab.escrow.sweep_unclaimed(sender=lab.actors.relayer, challenge_id=cid),
        "ClaimWindowStillOpen",
        None,
    ),
}


def _outcome_at(lab: EscrowLab, timestamp: int, action: Callable[[], object]) -> str | None:
    """What `action` does when its block is mined at exactly `timestamp`; the chain is left as it was."""
    snapshot = lab.chain.snapshot()
    lab.chain.set_next_timestamp(timestamp)
    try:
        action()
    except ContractRevertError as error:
        return error.name
    finally:
        lab.chain.revert(snapshot)
    return None


@pytest.mark.parametrize("name", list(BOUNDARIES))
def test_a_deadline_flips_between_its_last_second_and_the_next(plain_lab: EscrowLab, name: str) -> None:
    boundary = BOUNDARIES[name]
    lab = plain_lab
    challenge_id = boundary.prepare(lab)
    deadline = boundary.deadline(lab, challenge_id)
    assert lab.client.latest_timestamp() < deadline

    def act() -> object:
        return boundary.action(lab, challenge_id)

    assert (_outcome_at(lab, deadline, act), _outcome_at(lab, deadline + 1, act)) == (
        boundary.at_deadline,
        boundary.after,
    )
