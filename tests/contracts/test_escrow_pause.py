"""A guardian can pause payouts, but cannot freeze them for ever or let a winner's claim window run out."""

from __future__ import annotations

from tests.contracts.helpers import EscrowLab, fresh_address, results, reverts

DAY = 86_400
PAUSE_DURATION = 3 * DAY
PAUSE_COOLDOWN = 7 * DAY
MIN_CLAIM_WINDOW = 7 * DAY


def _awarded(lab: EscrowLab, payouts: dict[str, int], *, window: int = MIN_CLAIM_WINDOW) -> int:
    challenge_id = lab.open_challenge()
    lab.fund(challenge_id, sum(payouts.values()))
    lab.attest(challenge_id, results("final"))
    lab.award(challenge_id, results("final"), payouts, window=window)
    return challenge_id


def _block_time(lab: EscrowLab) -> int:
    return lab.client.latest_timestamp()


def test_the_guardian_cannot_pause_again_the_second_a_pause_ends(plain_lab: EscrowLab) -> None:
    lab, guardian = plain_lab, plain_lab.actors.guardian
    lab.escrow.pause(sender=guardian)
    pause_end = _block_time(lab) + PAUSE_DURATION
    lab.chain.set_next_timestamp(pause_end)  # the first unpaused second
    with reverts("PauseCoolingDown") as error:
        lab.escrow.pause(sender=guardian)
    assert error.value.revert.args == {"nextPauseAt": pause_end + PAUSE_COOLDOWN}
    lab.chain.set_next_timestamp(pause_end + PAUSE_COOLDOWN - 1)
    with reverts("PauseCoolingDown"):
        lab.escrow.pause(sender=guardian)
    lab.chain.set_next_timestamp(pause_end + PAUSE_COOLDOWN)
    lab.escrow.pause(sender=guardian)
    assert lab.escrow.paused()


def test_a_pause_moves_the_claim_deadline_back_by_the_time_spent_paused(plain_lab: EscrowLab) -> None:
    lab, guardian, early, late = plain_lab, plain_lab.actors.guardian, fresh_address("a"), fresh_address("b")
    challenge_id = _awarded(lab, {early: 400, late: 600})
    awarded_deadline = lab.escrow.claim_deadline(challenge_id)
    assert awarded_deadline == lab.escrow.challenge(challenge_id).claim_deadline

    lab.chain.advance(DAY)
    lab.escrow.pause(sender=guardian)
    paused_at = _block_time(lab)
    lab.chain.advance(DAY)  # paused for a day now, and the deadline has moved with it
    assert lab.escrow.claim_deadline(challenge_id) == awarded_deadline + DAY
    lab.as_owner("unpause")  # the DAO lifts it early: only the time actually paused counts
    moved_deadline = lab.escrow.claim_deadline(challenge_id)
    assert moved_deadline == awarded_deadline + (_block_time(lab) - paused_at)

    lab.chain.set_next_timestamp(awarded_deadline + 1)  # the deadline the award set is past
    lab.escrow.claim(sender=lab.actors.relayer, challenge_id=challenge_id, account=early)
    assert lab.token.balance_of(early) == 400
    lab.chain.set_next_timestamp(moved_deadline)
    with reverts("ClaimWindowStillOpen"):
        lab.escrow.sweep_unclaimed(sender=lab.actors.relayer, challenge_id=challenge_id)
    lab.chain.set_next_timestamp(moved_deadline + 1)
    lab.escrow.sweep_unclaimed(sender=lab.actors.relayer, challenge_id=challenge_id)
    assert lab.token.balance_of(lab.escrow.treasury()) == 600


def test_a_guardian_pausing_whenever_it_can_never_expires_a_prize(plain_lab: EscrowLab) -> None:
    lab, guardian, winner = plain_lab, plain_lab.actors.guardian, fresh_address("winner")
    challenge_id = _awarded(lab, {winner: 1_000}, window=30 * DAY)
    awarded_deadline = lab.escrow.claim_deadline(challenge_id)
    pauses = 0
    # A hostile guardian pauses again the first second it may, for the whole window the award set.
    while _block_time(lab) <= awarded_deadline:
        lab.escrow.pause(sender=guardian)
        pauses += 1
        lab.chain.advance_to(lab.escrow.next_pause_at() - 1)
        assert not lab.escrow.paused()
        lab.chain.advance_to(lab.escrow.next_pause_at())
    assert pauses >= 3
    # Past the deadline the award set, every unpaused second of the window is still there.
    assert lab.escrow.claim_deadline(challenge_id) == awarded_deadline + pauses * PAUSE_DURATION
    with reverts("ClaimWindowStillOpen"):
        lab.escrow.sweep_unclaimed(sender=lab.actors.relayer, challenge_id=challenge_id)
    lab.escrow.claim(sender=lab.actors.relayer, challenge_id=challenge_id, account=winner)
    assert lab.token.balance_of(winner) == 1_000
