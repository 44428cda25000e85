"""The prize-draft, queue/execute, claim and delegation endpoints: who may do what, and what comes back."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from governance.chain.client import ChainClient
from governance.chain.eip712 import sign_typed_data
from governance.chain.governor import VoteSupport
from governance.models import ChainDeployment, OutgoingTransaction, PrizeProposalDraft, RelayedDelegation
from governance.services import payouts, prize_inputs
from tests.contracts.helpers import Dao
from tests.factories import UserFactory
from tests.governance.dao_fixtures import *  # noqa: F403
from tests.governance.dao_fixtures import POOL, AttestedChallenge, send_outbox_row

pytestmark = pytest.mark.django_db
API = "/api/v1/governance/"


def test_only_the_organizer_drafts_and_anyone_may_read_the_draft_with_its_evidence(
    attested: AttestedChallenge,
) -> None:
    api = APIClient()
    api.force_authenticate(attested.ranked[0])
    assert api.post(API + "prize-drafts/", {"challenge": "houses"}, format="json").status_code == 403

    api.force_authenticate(attested.challenge.organizer)
    created = api.post(API + "prize-drafts/", {"challenge": "houses"}, format="json")
    assert created.status_code == 201, created.content
    draft = PrizeProposalDraft.objects.get()

    shown = APIClient().get(API + f"prize-drafts/{draft.pk}/").json()
    assert (shown["challenge"], shown["pool"], shown["results_hash"]) == (
        "houses",
        str(POOL),
        draft.results_hash,
    )
    assert [r["amount"] for r in shown["recipients"]] == [str(POOL // 2), str(POOL * 3 // 10)]
    assert shown["text"] == draft.text and shown["submission"] is None


def test_a_member_gets_propose_arguments_only_for_their_own_wallet(
    dao: Dao, attested: AttestedChallenge, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = APIClient()
    api.force_authenticate(attested.challenge.organizer)
    draft_id = api.post(API + "prize-drafts/", {"challenge": "houses"}, format="json").json()["id"]
    member = UserFactory.create(username="member")
    address = dao.actors.members[0].address
    monkeypatch.setattr(prize_inputs, "wallet_address_of", lambda user: address if user == member else None)

    api.force_authenticate(attested.ranked[0])
    url = API + f"prize-drafts/{draft_id}/wallet-calls/"
    assert api.post(url, {"proposer": address}, format="json").status_code == 403
    api.force_authenticate(member)
    calls = api.post(url, {"proposer": address}, format="json").json()
    assert calls["description"].endswith(f"#proposer={address}")
    assert calls["targets"] == [dao.escrow.address] and calls["values"] == [0]


def test_submit_vote_advance_and_claim_through_the_api(
    dao: Dao, attested: AttestedChallenge, client: ChainClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = APIClient()
    api.force_authenticate(attested.challenge.organizer)
    draft_id = api.post(API + "prize-drafts/", {"challenge": "houses"}, format="json").json()["id"]
    submitted = api.post(API + f"prize-drafts/{draft_id}/submit/")
    assert submitted.status_code == 202 and submitted.json()["function"] == "propose"
    send_outbox_row(client, OutgoingTransaction.objects.get(function="propose"), dao.actors.members[1])
    proposal_id = int(PrizeProposalDraft.objects.get().proposal_id)
    dao.open_vote(proposal_id)
    for member in dao.actors.members[:3]:
        dao.governor.cast_vote(sender=member, proposal_id=proposal_id, support=VoteSupport.FOR)
    dao.close_vote(proposal_id)

    api.force_authenticate(attested.ranked[2])  # any signed-in member may push it along
    for function in ("queue", "execute"):
        advanced = api.post(API + f"prize-drafts/{draft_id}/advance/")
        assert advanced.status_code == 202 and advanced.json()["function"] == function
        send_outbox_row(client, OutgoingTransaction.objects.get(function=function), dao.actors.relayer)
        dao.chain.advance(dao.params.timelock_delay + 1)

    winner = attested.ranked[0]
    wallet = attested.wallets[winner.pk]
    body = {"escrow_challenge_id": attested.escrow_challenge_id, "account": wallet}
    assert api.post(API + "claims/", body, format="json").status_code == 403  # not alan's wallet
    api.force_authenticate(winner)
    claimed = api.post(API + "claims/", body, format="json")
    assert claimed.status_code == 202 and claimed.json()["function"] == "claim"
    before = dao.token.balance_of(wallet)
    send_outbox_row(client, OutgoingTransaction.objects.get(function="claim"), dao.actors.relayer)
    assert dao.token.balance_of(wallet) - before == POOL // 2
    OutgoingTransaction.objects.filter(function="claim").delete()
    refused = api.post(API + "claims/", body, format="json")
    assert (refused.status_code, refused.json()["detail"]) == (409, payouts.NOTHING_OWED)


def test_delegation_by_signature_through_the_api(
    dao: Dao, deployment: ChainDeployment, client: ChainClient
) -> None:
    api = APIClient()
    api.force_authenticate(UserFactory.create())
    holder, delegate = dao.actors.members[3], dao.actors.members[0].address
    typed = api.get(API + "delegation-typed-data/", {"delegator": holder.address, "delegatee": delegate})
    document = typed.json()
    body = {
        "delegator": holder.address,
        "delegatee": delegate,
        "nonce": str(document["message"]["nonce"]),
        "expiry": document["message"]["expiry"],
        "signature": "0x" + sign_typed_data(holder, document).hex(),
    }

    created = api.post(API + "delegations/", body, format="json")

    assert created.status_code == 201, created.content
    send_outbox_row(client, RelayedDelegation.objects.get().outgoing, dao.actors.relayer)
    assert dao.token.delegates(holder.address) == delegate


def test_a_chain_that_cannot_be_reached_answers_503_with_the_fixed_message(
    deployment: ChainDeployment, settings: object
) -> None:
    settings.CHAIN_RPC_URL = "http://127.0.0.1:9"  # type: ignore[attr-defined]
    response = APIClient().get(API + "delegation-typed-data/", {"delegator": "0x" + "11" * 20})
    assert response.status_code == 503
    assert response.json()["code"] == "chain_unavailable"
