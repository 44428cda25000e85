"""PrizeEscrow pitfalls, each failing path asserting its custom error."""

from __future__ import annotations

from governance.chain.errors import decode_revert
from governance.chain.escrow import ChallengeState
from tests.contracts.helpers import CLAIM_WINDOW, EscrowLab, fresh_address, results, reverts

POOL = 1_000
PAUSE_DURATION = 3 * 86_400


def _awarded(lab: EscrowLab, payouts: dict[str, int], *, pool: int = POOL) -> int:
    challenge_id = lab.open_challenge()
    lab.fund(challenge_id, pool)
    lab.attest(challenge_id, results("final"))
    lab.award(challenge_id, results("final"), payouts)
    return challenge_id


def test_a_double_claim_pays_once(plain_lab: EscrowLab) -> None:
    winner = fresh_address("winner")
    challenge_id = _awarded(plain_lab, {winner: 400})
    plain_lab.escrow.claim(sender=plain_lab.actors.relayer, challenge_id=challenge_id, account=winner)
    with reverts("NothingToClaim"):
        plain_lab.escrow.claim(sender=plain_lab.actors.relayer, challenge_id=challenge_id, account=winner)
    plain_lab.escrow.claim_batch(
        sender=plain_lab.actors.relayer, challenge_id=challenge_id, accounts=[winner, winner]
    )
    assert plain_lab.token.balance_of(winner) == 400


def test_a_reentrant_claim_is_stopped(hostile_lab: EscrowLab) -> None:
    lab, winner = hostile_lab, fresh_address("winner")
    challenge_id = _awarded(lab, {winner: 300, fresh_address("other"): 300})
    # The token calls claim() again from inside the transfer, as an ERC-777 hook could.
    reenter = lab.escrow.contract.encode_abi("claim", args=[challenge_id, winner])
    lab.client.transact(lab.token.contract.functions.setHook(lab.escrow.address, reenter), sender=lab.owner)
    lab.escrow.claim(sender=lab.actors.relayer, challenge_id=challenge_id, account=winner)
    functions = lab.token.contract.functions
    assert lab.client.call(functions.hookSucceeded()) is False
    assert decode_revert(lab.client.call(functions.hookReturnData())).name == "ReentrancyGuardReentrantCall"
    assert lab.token.balance_of(winner) == 300
    assert lab.token.balance_of(lab.escrow.address) == POOL - 300


def test_a_blocked_recipient_does_not_block_the_others(hostile_lab: EscrowLab) -> None:
    lab, blocked, fine = hostile_lab, fresh_address("blocked"), fresh_address("fine")
    challenge_id = _awarded(lab, {blocked: 500, fine: 500})
    lab.client.transact(lab.token.contract.functions.setBlocked(blocked, True), sender=lab.owner)

    receipt = lab.escrow.claim_batch(
        sender=lab.actors.relayer, challenge_id=challenge_id, accounts=[blocked, fine]
    )
    failed = lab.escrow.events(receipt, "ClaimFailed")
    assert [(e["account"], e["amount"]) for e in failed] == [(blocked, 500)]
    assert lab.token.balance_of(fine) == 500
    assert lab.escrow.owed(challenge_id=challenge_id, account=blocked) == 500  # still owed, not lost
    with reverts("RecipientBlocked"):
        lab.escrow.claim(sender=lab.actors.relayer, challenge_id=challenge_id, account=blocked)

    lab.client.transact(lab.token.contract.functions.setBlocked(blocked, False), sender=lab.owner)
    lab.escrow.claim(sender=lab.actors.relayer, challenge_id=challenge_id, account=blocked)
    assert lab.token.balance_of(blocked) == 500


def test_fee_on_transfer_funding_credits_what_arrived(hostile_lab: EscrowLab) -> None:
    lab = hostile_lab
    lab.client.transact(lab.token.contract.functions.setFee(100), sender=lab.owner)  # 1%
    challenge_id = lab.open_challenge()
    lab.fund(challenge_id, 10_000)
    assert lab.escrow.challenge(challenge_id).escrowed == 9_900
    assert lab.escrow.funded(challenge_id=challenge_id, funder=lab.actors.funders[0].address) == 9_900
    assert lab.token.balance_of(lab.escrow.address) == 9_900


def test_an_award_cannot_draw_on_another_challenges_pool(plain_lab: EscrowLab) -> None:
    lab = plain_lab
    small = lab.open_challenge()
    big = lab.open_challenge()
    lab.fund(small, 100)
    lab.fund(big, 10_000)
    lab.attest(small, results("small"))
    with reverts("AwardExceedsEscrow") as error:
        lab.award(small, results("small"), {fresh_address("greedy"): 101})
    assert error.value.revert.args == {"id": small, "total": 101, "escrowed": 100}
    assert lab.escrow.challenge(big).awarded == 0


def test_results_and_recipients_cannot_change_after_attestation(plain_lab: EscrowLab) -> None:
    lab, winner = plain_lab, fresh_address("winner")
    challenge_id = lab.open_challenge()
    lab.fund(challenge_id, POOL)
    lab.attest(challenge_id, results("honest"))
    with reverts("WrongState") as error:
        lab.attest(challenge_id, results("rigged"))
    assert "Attested" in str(error.value)
    with reverts("ResultsHashMismatch"):
        lab.award(challenge_id, results("rigged"), {winner: POOL})
    lab.award(challenge_id, results("honest"), {winner: POOL})
    with reverts("WrongState"):
        lab.award(challenge_id, results("honest"), {fresh_address("thief"): POOL})
    assert lab.escrow.owed(challenge_id=challenge_id, account=winner) == POOL


def test_the_guardian_can_pause_but_never_move_funds(plain_lab: EscrowLab) -> None:
    lab, guardian, winner = plain_lab, plain_lab.actors.guardian, fresh_address("winner")
    challenge_id = _awarded(lab, {winner: 600})
    lab.escrow.pause(sender=guardian)
    with reverts("PauseCoolingDown"):
        lab.escrow.pause(sender=guardian)  # cannot stretch a pause
    for function, args in (
        ("award", (challenge_id, results("final"), [guardian.address], [1], CLAIM_WINDOW)),
        ("cancel", (challenge_id,)),
        ("setEvaluators", ([guardian.address], 1)),
        ("setGuardian", (guardian.address,)),
        ("unpause", ()),
        ("skim", ()),
        ("reopenResults", (challenge_id,)),
        ("transferOwnership", (guardian.address,)),
    ):
        expected = "WrongState" if function == "cancel" else "OwnableUnauthorizedAccount"
        with reverts(expected):
            lab.client.transact(lab.escrow.contract.get_function_by_name(function)(*args), sender=guardian)
    with reverts("EscrowPaused"):
        lab.escrow.claim(sender=guardian, challenge_id=challenge_id, account=winner)
    with reverts("EscrowPaused"):
        lab.escrow.sweep_unclaimed(sender=guardian, challenge_id=challenge_id)
    assert lab.token.balance_of(lab.escrow.address) == POOL
    assert lab.token.balance_of(guardian.address) == 0

    lab.chain.advance(PAUSE_DURATION)  # the pause ends by itself
    lab.escrow.claim(sender=lab.actors.relayer, challenge_id=challenge_id, account=winner)
    assert lab.token.balance_of(winner) == 600


def test_only_the_owner_lifts_a_pause_early(plain_lab: EscrowLab) -> None:
    plain_lab.escrow.pause(sender=plain_lab.actors.guardian)
    challenge_id = plain_lab.open_challenge()
    with reverts("EscrowPaused"):
        plain_lab.fund(challenge_id, 10)
    plain_lab.as_owner("unpause")
    plain_lab.fund(challenge_id, 10)
    with reverts("NotGuardian"):
        plain_lab.escrow.pause(sender=plain_lab.actors.outsider)


def test_attestation_needs_enough_distinct_current_evaluators(plain_lab: EscrowLab) -> None:
    lab = plain_lab
    first, second, third = lab.actors.evaluators
    challenge_id = lab.open_challenge()
    early = lab.attestations(challenge_id, results("early"), [first, second])
    with reverts("WrongState"):  # submissions still open
        lab.escrow.attest_results(
            sender=lab.actors.relayer,
            challenge_id=challenge_id,
            results_hash=results("early"),
            attestations=early,
        )
    lab.chain.advance(3601)
    with reverts("NotEnoughSignatures"):
        lab.attest(challenge_id, results("r"), signers=[first])
    with reverts("SignerNotEvaluator"):
        lab.attest(challenge_id, results("r"), signers=[first, lab.actors.outsider])
    twice = lab.attestations(challenge_id, results("r"), [first, first])
    with reverts("SignersNotAscending"):
        lab.escrow.attest_results(
            sender=lab.actors.relayer,
            challenge_id=challenge_id,
            results_hash=results("r"),
            attestations=twice,
        )
    lab.as_owner("setEvaluators", [second.address, third.address], 2)
    with reverts("SignerNotEvaluator"):  # a removed evaluator no longer counts
        lab.attest(challenge_id, results("r"), signers=[first, second])
    lab.attest(challenge_id, results("r"), signers=[second, third])
    assert lab.escrow.state(challenge_id) == ChallengeState.ATTESTED


def test_cancel_then_every_funder_takes_back_exactly_its_share(plain_lab: EscrowLab) -> None:
    lab = plain_lab
    alice, bob = lab.actors.funders[0], lab.actors.funders[1]
    challenge_id = lab.open_challenge(open_for=3600, award_within=3600)
    lab.fund(challenge_id, 700, funder=alice)
    lab.fund(challenge_id, 300, funder=bob)
    with reverts("CancelNotAllowed"):  # only the DAO, until the award deadline
        lab.escrow.cancel(sender=lab.actors.outsider, challenge_id=challenge_id)
    lab.chain.advance(7201)
    lab.escrow.cancel(sender=lab.actors.outsider, challenge_id=challenge_id)  # stale: anyone may
    with reverts("WrongState"):
        lab.escrow.fund(sender=alice, challenge_id=challenge_id, amount=1)
    lab.escrow.refund(sender=lab.actors.relayer, challenge_id=challenge_id, funder=alice.address)
    lab.escrow.refund(sender=lab.actors.relayer, challenge_id=challenge_id, funder=bob.address)
    with reverts("NothingToRefund"):
        lab.escrow.refund(sender=lab.actors.relayer, challenge_id=challenge_id, funder=bob.address)
    assert (lab.token.balance_of(alice.address), lab.token.balance_of(bob.address)) == (700, 300)
    assert lab.token.balance_of(lab.escrow.address) == 0


def test_unclaimed_prizes_go_to_the_treasury_and_the_unawarded_rest_to_the_funder(
    plain_lab: EscrowLab,
) -> None:
    lab, claimer, sleeper = plain_lab, fresh_address("claimer"), fresh_address("sleeper")
    funder = lab.actors.funders[0].address
    challenge_id = _awarded(lab, {claimer: 500, sleeper: 300})
    lab.escrow.claim(sender=lab.actors.relayer, challenge_id=challenge_id, account=claimer)
    with reverts("ClaimWindowStillOpen"):
        lab.escrow.sweep_unclaimed(sender=lab.actors.relayer, challenge_id=challenge_id)
    lab.chain.advance(CLAIM_WINDOW + 1)
    with reverts("ClaimWindowClosed"):
        lab.escrow.claim(sender=lab.actors.relayer, challenge_id=challenge_id, account=sleeper)
    treasury_before = lab.token.balance_of(lab.escrow.treasury())
    lab.escrow.sweep_unclaimed(sender=lab.actors.relayer, challenge_id=challenge_id)
    assert lab.token.balance_of(lab.escrow.treasury()) - treasury_before == 300  # unclaimed only
    assert lab.escrow.state(challenge_id) == ChallengeState.FINALIZED
    with reverts("WrongState"):
        lab.escrow.sweep_unclaimed(sender=lab.actors.relayer, challenge_id=challenge_id)
    # The 200 nobody was awarded belong to the funder, even after the challenge is finalized.
    lab.escrow.refund(sender=lab.actors.relayer, challenge_id=challenge_id, funder=funder)
    assert lab.token.balance_of(funder) == 200
    assert lab.token.balance_of(lab.escrow.address) == 0


def test_an_award_is_checked_before_anything_is_credited(plain_lab: EscrowLab) -> None:
    lab, winner = plain_lab, fresh_address("winner")
    challenge_id = lab.open_challenge()
    lab.fund(challenge_id, POOL)
    lab.attest(challenge_id, results("final"))
    zero, itself = "0x" + "00" * 20, lab.escrow.address
    cases = [
        ("InvalidRecipient", (challenge_id, results("final"), [winner, zero], [1, 1], CLAIM_WINDOW)),
        ("InvalidRecipient", (challenge_id, results("final"), [winner, itself], [1, 1], CLAIM_WINDOW)),
        ("ZeroAward", (challenge_id, results("final"), [winner], [0], CLAIM_WINDOW)),
        ("LengthMismatch", (challenge_id, results("final"), [winner], [1, 2], CLAIM_WINDOW)),
        ("RecipientCountOutOfRange", (challenge_id, results("final"), [], [], CLAIM_WINDOW)),
        (
            "RecipientCountOutOfRange",
            (challenge_id, results("final"), [winner] * 101, [1] * 101, CLAIM_WINDOW),
        ),
        ("ClaimWindowOutOfRange", (challenge_id, results("final"), [winner], [1], 60)),
        # The shortest window outlasts the longest pause: a window a pause could swallow is refused.
        ("ClaimWindowOutOfRange", (challenge_id, results("final"), [winner], [1], PAUSE_DURATION)),
        ("ChallengeNotFound", (99, results("final"), [winner], [1], CLAIM_WINDOW)),
    ]
    for error_name, args in cases:
        with reverts(error_name):
            lab.as_owner("award", *args)
    assert lab.escrow.owed(challenge_id=challenge_id, account=winner) == 0


def test_challenges_need_sensible_deadlines(plain_lab: EscrowLab) -> None:
    now = plain_lab.client.latest_timestamp()
    cycle = plain_lab.escrow.governance_cycle()
    cases = (
        ("InvalidDeadlines", now - 1, now + 10 * cycle),
        # The award deadline must leave a whole vote: delay, period, late-quorum extension, timelock delay.
        ("AwardDeadlineTooSoon", now + 100, now + 100),
        ("AwardDeadlineTooSoon", now + 100, now + 100 + cycle - 1),
    )
    for error_name, submission, award in cases:
        with reverts(error_name):
            plain_lab.escrow.create_challenge(
                sender=plain_lab.actors.outsider,
                spec_hash=b"\x01" * 32,
                submission_deadline=submission,
                award_deadline=award,
            )
    challenge_id = plain_lab.escrow.create_challenge(
        sender=plain_lab.actors.outsider,
        spec_hash=b"\x01" * 32,
        submission_deadline=now + 100,
        award_deadline=now + 100 + cycle,
    )
    assert plain_lab.escrow.challenge(challenge_id).award_deadline == now + 100 + cycle
