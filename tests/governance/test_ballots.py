"""Relayed ballots: every check runs before any gas is paid; a good ballot is counted on chain."""

from __future__ import annotations

from typing import Any

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount

from governance.chain.anvil import DevChain
from governance.chain.client import ChainClient
from governance.chain.eip712 import Eip712Domain, sign_typed_data
from governance.chain.governor import Ballot, VoteSupport
from governance.models import ChainDeployment, OutgoingTransaction, RelayedBallot
from governance.services import ballots
from governance.services.ballots import (
    ballot_relay,
    ballot_typed_data,
    ballots_relay_waiting,
    signed_ballot_parse,
)
from governance.services.relaying import RelayRefused
from tests.contracts.helpers import MEMBER_STAKE, Dao
from tests.governance.dao_fixtures import *  # noqa: F403
from tests.governance.dao_fixtures import send_outbox_row

pytestmark = pytest.mark.django_db


def signed(
    deployment: ChainDeployment,
    proposal_id: int,
    voter: LocalAccount,
    *,
    support: VoteSupport = VoteSupport.FOR,
    reason: str | None = None,
    signer: LocalAccount | None = None,
    domain: Eip712Domain | None = None,
) -> ballots.SignedBallot:
    """What a browser posts: the typed data served by the platform, signed by `signer` (the voter)."""
    document = ballot_typed_data(
        deployment=deployment, proposal_id=proposal_id, voter=voter.address, support=support, reason=reason
    )
    if domain is not None:
        document["domain"] = domain.as_dict()
    signature = sign_typed_data(signer or voter, document)
    body: dict[str, Any] = {
        "voter": voter.address,
        "support": int(support),
        "nonce": str(document["message"]["nonce"]),
        "signature": "0x" + signature.hex(),
    }
    if reason is not None:
        body["reason"] = reason
    return signed_ballot_parse(proposal_id=str(proposal_id), data=body)


def refused(message: str, deployment: ChainDeployment, ballot: ballots.SignedBallot) -> None:
    with pytest.raises(RelayRefused) as refusal:
        ballot_relay(deployment=deployment, signed=ballot)
    assert refusal.value.message == message


def test_a_good_ballot_is_stored_relayed_and_counted_with_the_voters_weight(
    dao: Dao, deployment: ChainDeployment, open_proposal: int, client: ChainClient
) -> None:
    voter = dao.actors.members[2]
    row = ballot_relay(
        deployment=deployment, signed=signed(deployment, open_proposal, voter, reason="good for the DAO")
    )

    assert (row.status, row.voter, row.support, row.reason) == (
        "relaying",
        voter.address,
        1,
        "good for the DAO",
    )
    assert row.outgoing is not None and row.outgoing.function == "castVoteWithReasonAndParamsBySig"
    assert row.outgoing.purpose == f"ballot:{deployment.pk}:{open_proposal}:{voter.address}"
    assert dao.governor.proposal_votes(open_proposal) == (0, 0, 0)  # nothing sent before the outbox runs

    send_outbox_row(client, row.outgoing, dao.actors.relayer)
    assert dao.governor.proposal_votes(open_proposal) == (0, MEMBER_STAKE, 0)
    assert dao.governor.has_voted(proposal_id=open_proposal, voter=voter.address)


def test_the_same_ballot_sent_twice_is_one_row_and_another_ballot_of_the_voter_is_refused(
    dao: Dao, deployment: ChainDeployment, open_proposal: int
) -> None:
    voter = dao.actors.members[2]
    ballot = signed(deployment, open_proposal, voter)
    first = ballot_relay(deployment=deployment, signed=ballot)
    assert ballot_relay(deployment=deployment, signed=ballot).pk == first.pk

    refused(
        ballots.ALREADY_VOTED,
        deployment,
        signed(deployment, open_proposal, voter, support=VoteSupport.AGAINST),
    )
    assert RelayedBallot.objects.count() == 1 and OutgoingTransaction.objects.count() == 1


def test_a_voter_who_already_voted_directly_is_refused(
    dao: Dao, deployment: ChainDeployment, open_proposal: int
) -> None:
    voter = dao.actors.members[2]
    ballot = signed(deployment, open_proposal, voter)
    dao.governor.cast_vote(sender=voter, proposal_id=open_proposal, support=VoteSupport.AGAINST)

    refused(ballots.ALREADY_VOTED, deployment, ballot)
    assert not RelayedBallot.objects.exists() and not OutgoingTransaction.objects.exists()


def test_a_ballot_signed_by_another_key_is_refused(
    dao: Dao, deployment: ChainDeployment, open_proposal: int
) -> None:
    forged = signed(deployment, open_proposal, dao.actors.members[2], signer=dao.actors.members[3])

    refused(ballots.FORGED, deployment, forged)
    assert not RelayedBallot.objects.exists() and not OutgoingTransaction.objects.exists()


@pytest.mark.parametrize("wrong", ["chain", "contract", "name"])
def test_a_ballot_signed_for_another_domain_is_refused(
    dao: Dao, deployment: ChainDeployment, open_proposal: int, wrong: str
) -> None:
    real = dao.governor.domain()
    domain = Eip712Domain(
        name="Other Governor" if wrong == "name" else real.name,
        version=real.version,
        chain_id=1 if wrong == "chain" else real.chain_id,
        verifying_contract=dao.deployment.token if wrong == "contract" else real.verifying_contract,
    )

    refused(
        ballots.FORGED, deployment, signed(deployment, open_proposal, dao.actors.members[2], domain=domain)
    )
    assert not OutgoingTransaction.objects.exists()


def test_a_voter_without_power_at_the_snapshot_is_refused_and_nothing_is_sent(
    dao: Dao, deployment: ChainDeployment, open_proposal: int, client: ChainClient
) -> None:
    stranger = Account.create()
    relayer_nonce = client.pending_nonce(dao.actors.relayer.address)
    # Power bought after the snapshot does not count either.
    dao.token.transfer(sender=dao.actors.members[4], to=stranger.address, amount=MEMBER_STAKE)

    refused(ballots.NO_POWER, deployment, signed(deployment, open_proposal, stranger))
    assert not RelayedBallot.objects.exists() and not OutgoingTransaction.objects.exists()
    assert client.pending_nonce(dao.actors.relayer.address) == relayer_nonce


def test_a_ballot_before_the_vote_opens_or_after_it_closed_is_refused(
    dao: Dao, deployment: ChainDeployment
) -> None:
    voter = dao.actors.members[2]
    _proposal, proposal_id = dao.propose([dao.escrow.skim_action()], "Skim later")
    refused(ballots.NOT_OPEN_YET, deployment, signed(deployment, proposal_id, voter))

    dao.open_vote(proposal_id)
    late = signed(deployment, proposal_id, voter)
    dao.close_vote(proposal_id)
    refused(ballots.CLOSED, deployment, late)
    assert not RelayedBallot.objects.exists() and not OutgoingTransaction.objects.exists()


def test_a_ballot_with_a_stale_nonce_is_refused(
    dao: Dao, deployment: ChainDeployment, open_proposal: int
) -> None:
    voter = dao.actors.members[2]
    document = ballot_typed_data(deployment=deployment, proposal_id=open_proposal, voter=voter.address)
    next_nonce = int(document["message"]["nonce"])
    # Keyed nonces: the key (low 192 bits of the proposal id) sits above the 64-bit sequence.
    assert next_nonce == (open_proposal & (2**192 - 1)) << 64
    ballot = Ballot(open_proposal, VoteSupport.FOR, voter.address, next_nonce + 1)
    signature = sign_typed_data(voter, ballot.typed_data(dao.governor.domain()))

    refused(ballots.STALE_NONCE, deployment, ballots.SignedBallot(ballot, signature))
    assert not OutgoingTransaction.objects.exists()


def test_a_ballot_that_arrives_while_the_chain_is_down_is_kept_then_relayed(
    dao: Dao, deployment: ChainDeployment, open_proposal: int, client: ChainClient, settings: Any
) -> None:
    voter = dao.actors.members[2]
    ballot = signed(deployment, open_proposal, voter)  # the browser signed while the chain was up
    up = settings.CHAIN_RPC_URL
    settings.CHAIN_RPC_URL = "http://127.0.0.1:9"  # nothing listens there

    row = ballot_relay(deployment=deployment, signed=ballot)
    assert (row.status, row.outgoing) == ("awaiting_chain", None)
    assert ballots_relay_waiting() == 0  # still down: it keeps waiting
    assert not OutgoingTransaction.objects.exists()

    settings.CHAIN_RPC_URL = up
    assert ballots_relay_waiting() == 1
    assert ballots_relay_waiting() == 0  # idempotent
    row.refresh_from_db()
    assert row.status == "relaying" and row.outgoing is not None
    send_outbox_row(client, row.outgoing, dao.actors.relayer)
    assert dao.governor.proposal_votes(open_proposal) == (0, MEMBER_STAKE, 0)


def test_a_ballot_kept_while_the_chain_was_down_that_is_late_by_then_is_refused_with_its_message(
    dao: Dao, deployment: ChainDeployment, open_proposal: int, settings: Any, chain: DevChain
) -> None:
    ballot = signed(deployment, open_proposal, dao.actors.members[2])
    up, settings.CHAIN_RPC_URL = settings.CHAIN_RPC_URL, "http://127.0.0.1:9"
    row = ballot_relay(deployment=deployment, signed=ballot)
    settings.CHAIN_RPC_URL = up
    dao.close_vote(open_proposal)

    assert ballots_relay_waiting() == 0
    row.refresh_from_db()
    assert (row.status, row.refusal, row.outgoing) == ("refused", ballots.CLOSED, None)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"support": 3}, "support"),
        ({"support": True}, "support"),
        ({"voter": "0x12"}, "voter"),
        ({"nonce": -1}, "nonce"),
        ({"signature": "0x" + "ab" * 64}, "signature"),
        ({"reason": "x" * 2001}, "reason"),
    ],
)
def test_malformed_ballots_are_refused_naming_the_field(body: dict[str, Any], field: str) -> None:
    good = {"voter": "0x" + "11" * 20, "support": 1, "nonce": "0", "signature": "0x" + "ab" * 65}
    with pytest.raises(ballots.ApplicationError) as refusal:
        signed_ballot_parse(proposal_id="7", data=good | body)
    assert refusal.value.field == field


def test_a_contract_wallet_voter_is_checked_by_simulation_through_erc1271(
    dao: Dao, deployment: ChainDeployment, client: ChainClient
) -> None:
    owner, stranger = dao.actors.members[3], dao.actors.members[4]
    wallet = client.deploy("EvaluatorWallet", owner.address, sender=dao.actors.deployer)
    dao.token.delegate(sender=owner, delegatee=wallet)  # the wallet votes with the owner's tokens
    dao.chain.advance(1)
    _proposal, proposal_id = dao.propose([dao.escrow.skim_action()], "Skim, with a wallet voting")
    dao.open_vote(proposal_id)
    document = ballot_typed_data(deployment=deployment, proposal_id=proposal_id, voter=wallet)
    body = {"voter": wallet, "support": 1, "nonce": str(document["message"]["nonce"])}

    forged = body | {"signature": "0x" + sign_typed_data(stranger, document).hex()}
    refused(ballots.FORGED, deployment, signed_ballot_parse(proposal_id=proposal_id, data=forged))
    good = body | {"signature": "0x" + sign_typed_data(owner, document).hex()}
    row = ballot_relay(deployment=deployment, signed=signed_ballot_parse(proposal_id=proposal_id, data=good))
    assert row.outgoing is not None
    send_outbox_row(client, row.outgoing, dao.actors.relayer)

    assert dao.governor.proposal_votes(proposal_id) == (0, MEMBER_STAKE, 0)
    assert dao.governor.has_voted(proposal_id=proposal_id, voter=wallet)
