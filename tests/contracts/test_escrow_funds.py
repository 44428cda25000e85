"""Where the money goes: unawarded prizes back to funders pro rata, surplus skimmed, nothing owed after the end."""

from __future__ import annotations

from governance.chain.deploy import TOKEN_UNIT
from governance.chain.escrow import ChallengeState
from tests.contracts.helpers import CLAIM_WINDOW, EscrowLab, fresh_address, results, reverts

FUNDING = {0: 700, 1: 200, 2: 101}  # funder index -> amount; 1,001 in all, so shares do not divide evenly


def _funded_by_three(lab: EscrowLab) -> int:
    challenge_id = lab.open_challenge()
    for index, amount in FUNDING.items():
        lab.fund(challenge_id, amount, funder=lab.actors.funders[index])
    return challenge_id


def test_what_an_award_leaves_goes_back_to_the_funders_pro_rata(plain_lab: EscrowLab) -> None:
    lab, winner = plain_lab, fresh_address("winner")
    challenge_id = _funded_by_three(lab)
    funders = [lab.actors.funders[i].address for i in FUNDING]
    with reverts("WrongState"):  # nothing to give back before the award
        lab.escrow.refund(sender=lab.actors.relayer, challenge_id=challenge_id, funder=funders[0])
    lab.attest(challenge_id, results("final"))
    lab.award(challenge_id, results("final"), {winner: 600})
    remainder = sum(FUNDING.values()) - 600

    paid = []
    for index, funder in zip(FUNDING, funders, strict=True):
        lab.escrow.refund(sender=lab.actors.relayer, challenge_id=challenge_id, funder=funder)
        paid.append(lab.token.balance_of(funder))
        exact_share = FUNDING[index] * remainder / sum(FUNDING.values())
        assert abs(paid[-1] - exact_share) < 1
        assert lab.escrow.funded(challenge_id=challenge_id, funder=funder) == 0
    assert sum(paid) == remainder  # rounding loses nothing and creates nothing
    with reverts("NothingToRefund"):
        lab.escrow.refund(sender=lab.actors.relayer, challenge_id=challenge_id, funder=funders[0])

    lab.chain.advance(CLAIM_WINDOW + 1)
    lab.escrow.sweep_unclaimed(sender=lab.actors.relayer, challenge_id=challenge_id)
    assert lab.token.balance_of(lab.escrow.treasury()) == 600  # the unclaimed prize, nothing of the rest
    assert lab.token.balance_of(lab.escrow.address) == 0 == lab.escrow.total_held()


def test_a_cancelled_challenge_nobody_funded_refunds_nothing(plain_lab: EscrowLab) -> None:
    challenge_id = plain_lab.open_challenge()
    plain_lab.as_owner("cancel", challenge_id)
    funder = plain_lab.actors.funders[0].address
    assert plain_lab.escrow.refundable(challenge_id=challenge_id, funder=funder) == 0
    with reverts("NothingToRefund"):
        plain_lab.escrow.refund(sender=plain_lab.actors.relayer, challenge_id=challenge_id, funder=funder)


def test_tokens_sent_by_mistake_can_be_skimmed_but_nothing_owed(plain_lab: EscrowLab) -> None:
    lab, winner, careless = plain_lab, fresh_address("winner"), plain_lab.actors.funders[2]
    challenge_id = lab.open_challenge()
    lab.fund(challenge_id, 1_000)
    lab.token.mint(sender=careless, to=careless.address, amount=55)
    lab.token.transfer(sender=careless, to=lab.escrow.address, amount=55)  # not through fund()
    with reverts("OwnableUnauthorizedAccount"):
        lab.client.transact(lab.escrow.contract.functions.skim(), sender=lab.actors.outsider)
    lab.as_owner("skim")
    assert lab.token.balance_of(lab.escrow.treasury()) == 55
    assert lab.token.balance_of(lab.escrow.address) == lab.escrow.total_held() == 1_000
    with reverts("NothingToSkim"):
        lab.as_owner("skim")
    lab.attest(challenge_id, results("final"))
    lab.award(challenge_id, results("final"), {winner: 1_000})
    lab.escrow.claim(sender=lab.actors.relayer, challenge_id=challenge_id, account=winner)
    assert lab.token.balance_of(winner) == 1_000


def test_nothing_is_owed_once_a_challenge_is_finalized(plain_lab: EscrowLab) -> None:
    lab, sleeper = plain_lab, fresh_address("sleeper")
    challenge_id = lab.open_challenge()
    lab.fund(challenge_id, 1_000)
    lab.attest(challenge_id, results("final"))
    lab.award(challenge_id, results("final"), {sleeper: 1_000})
    assert lab.escrow.owed(challenge_id=challenge_id, account=sleeper) == 1_000
    lab.chain.advance(CLAIM_WINDOW + 1)
    lab.escrow.sweep_unclaimed(sender=lab.actors.relayer, challenge_id=challenge_id)
    assert lab.escrow.state(challenge_id) == ChallengeState.FINALIZED
    assert lab.escrow.owed(challenge_id=challenge_id, account=sleeper) == 0


def test_ownership_moves_only_when_the_new_owner_accepts(plain_lab: EscrowLab) -> None:
    lab, owner, successor = plain_lab, plain_lab.owner, plain_lab.actors.members[0]
    token = lab.client.deploy(
        "ClueToken", "T", "T", [owner.address], [TOKEN_UNIT], owner.address, sender=owner
    )
    for address in (lab.escrow.address, token):
        contract = lab.client.contract("ClueToken" if address == token else "PrizeEscrow", address)
        lab.client.transact(contract.functions.transferOwnership(successor.address), sender=owner)
        assert lab.client.call(contract.functions.owner()) == owner.address  # a typo would not lose it
        assert lab.client.call(contract.functions.pendingOwner()) == successor.address
        with reverts("OwnableUnauthorizedAccount"):
            lab.client.transact(contract.functions.acceptOwnership(), sender=lab.actors.outsider)
        lab.client.transact(contract.functions.acceptOwnership(), sender=successor)
        assert lab.client.call(contract.functions.owner()) == successor.address
