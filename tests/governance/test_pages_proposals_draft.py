"""A proposal drafted by the platform: its evidence, decoded recipients, the Queue/Execute buttons, the API."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client

from governance.chain.client import ChainClient
from governance.chain.governor import VoteSupport
from governance.indexer.sync import chain_sync
from governance.models import ChainDeployment, OutgoingTransaction, PrizeProposalDraft
from governance.services import prize_inputs
from governance.services.proposals import prize_proposal_draft_create, prize_proposal_submit_by_platform
from governance.templatetags.governance_tags import duration
from tests.contracts.helpers import MEMBER_STAKE, Dao
from tests.governance.dao_fixtures import *  # noqa: F403
from tests.governance.dao_fixtures import POOL, AttestedChallenge, send_outbox_row
from tests.governance.pages_support import SignIn

pytestmark = pytest.mark.django_db


def _submitted(dao: Dao, attested: AttestedChallenge, client: ChainClient) -> int:
    draft = prize_proposal_draft_create(challenge=attested.challenge, created_by=attested.ranked[0])
    send_outbox_row(client, prize_proposal_submit_by_platform(draft=draft), dao.actors.members[1])
    draft.refresh_from_db()
    return int(draft.proposal_id)


def test_a_drafted_award_shows_its_evidence_and_recipients_and_queue_only_once_passed(
    dao: Dao,
    deployment: ChainDeployment,
    attested: AttestedChallenge,
    client: ChainClient,
    signed_in: SignIn,
) -> None:
    proposal_id = _submitted(dao, attested, client)
    chain_sync(deployment=deployment, client=client)
    url = f"/governance/proposals/{proposal_id}/"
    bystander = signed_in("bystander")

    body = bystander.get(url).content.decode()
    assert "badge-pending" in body and "opens in" in body and "data-advance" not in body
    ada, grace = attested.wallets[attested.ranked[0].pk], attested.wallets[attested.ranked[1].pk]
    assert f'<td>ada</td><td><code title="{ada}">' in body and f'<code title="{grace}">' in body
    assert f'<td class="num">{POOL // 2 // 10**18:,} CLUE</td>' in body
    assert f'<a href="{attested.leaderboard.url}" rel="nofollow">JSON</a>' in body
    assert "0x" + attested.attestation.results_hash.hex() in body
    for evaluator in attested.attestation.evaluators:
        assert f'<code title="{evaluator}">' in body

    dao.open_vote(proposal_id)
    for member in dao.actors.members[:3]:
        dao.governor.cast_vote(sender=member, proposal_id=proposal_id, support=VoteSupport.FOR)
    dao.close_vote(proposal_id)
    chain_sync(deployment=deployment, client=client)

    body = bystander.get(url).content.decode()
    assert "badge-succeeded" in body and ">Queue</button>" in body and ">Execute</button>" not in body
    assert Client().get(url).content.decode().count("Log in to queue this proposal.") == 1


def test_the_read_api_lists_and_details_proposals_from_the_mirror(
    dao: Dao, deployment: ChainDeployment, open_proposal: int, client: ChainClient
) -> None:
    dao.governor.cast_vote(
        sender=dao.actors.members[0], proposal_id=open_proposal, support=VoteSupport.FOR, reason="ok"
    )
    chain_sync(deployment=deployment, client=client)

    listed = Client().get("/api/v1/governance/proposals/").json()
    assert listed["count"] == 1 and listed["next"] is None
    (row,) = listed["results"]
    assert (row["proposal_id"], row["title"], row["state"], row["for_votes"], row["against_votes"]) == (
        str(open_proposal),
        "Skim the escrow",
        "active",
        str(MEMBER_STAKE),
        "0",
    )
    detail = Client().get(f"/api/v1/governance/proposals/{open_proposal}/").json()
    assert [(v["voter"], v["support"], v["weight"], v["reason"]) for v in detail["votes"]] == [
        (dao.actors.members[0].address, 1, str(MEMBER_STAKE), "ok")
    ]
    assert detail["summary"]["proposal_id"] == str(open_proposal) and detail["queued_tx"] == ""
    missing = Client().get("/api/v1/governance/proposals/1/")
    assert (missing.status_code, missing.json()["detail"]) == (404, "No such proposal.")


def test_the_vote_call_is_the_governors_cast_vote_with_reason(
    dao: Dao, deployment: ChainDeployment, open_proposal: int, client: ChainClient, signed_in: SignIn
) -> None:
    chain_sync(deployment=deployment, client=client)
    browser = signed_in("voter")
    url = f"/api/v1/governance/proposals/{open_proposal}/vote-call/"

    answer = browser.post(url, {"support": 2, "reason": "why not"}, content_type="application/json").json()

    contract = dao.governor.contract
    function, arguments = contract.decode_function_input(answer["data"])
    assert (answer["to"], function.fn_name) == (dao.governor.address, "castVoteWithReason")
    assert (arguments["proposalId"], arguments["support"], arguments["reason"]) == (
        open_proposal,
        2,
        "why not",
    )
    refused = browser.post(url, {"support": 3}, content_type="application/json")
    assert refused.status_code == 400
    assert Client().post(url, {"support": 1}, content_type="application/json").status_code in (401, 403)
    unknown = browser.post(
        "/api/v1/governance/proposals/1/vote-call/", {"support": 1}, content_type="application/json"
    )
    assert (unknown.status_code, unknown.json()["detail"]) == (404, "No such proposal.")


def test_the_challenge_page_links_to_the_draft_which_shows_everything_before_signing(
    dao: Dao, deployment: ChainDeployment, attested: AttestedChallenge
) -> None:
    organizer = Client()
    organizer.force_login(attested.challenge.organizer)
    challenge_page = organizer.get(f"/challenges/{attested.challenge.slug}/").content.decode()
    start = f"/governance/challenges/{attested.challenge.slug}/prize-proposal/"
    assert f'href="{start}">Draft the prize proposal</a>' in challenge_page
    assert (
        "Draft the prize proposal"
        not in Client().get(f"/challenges/{attested.challenge.slug}/").content.decode()
    )

    assert organizer.get(start).status_code == 200 and not PrizeProposalDraft.objects.exists()
    created = organizer.post(start)
    draft = PrizeProposalDraft.objects.get()
    assert created.headers["Location"] == f"/governance/prize-drafts/{draft.pk}/"
    assert organizer.get(start).headers["Location"] == f"/governance/prize-drafts/{draft.pk}/"

    body = organizer.get(f"/governance/prize-drafts/{draft.pk}/").content.decode()
    ada = attested.wallets[attested.ranked[0].pk]
    assert (
        f'<td>1</td><td>ada</td><td><code>{ada}</code></td><td class="num">{POOL // 2 // 10**18:,} CLUE</td>'
        in body
    )
    assert "Rank 3 (alan, 20%) has no linked wallet" in body
    assert f'<code class="hash">{draft.results_hash}</code>' in body
    assert "Ask the platform's proposer to submit" in body
    assert "Link a wallet to submit it yourself." in body  # the organizer has no wallet here


def test_the_propose_call_is_the_governors_propose_with_the_drafts_arguments(
    dao: Dao, deployment: ChainDeployment, attested: AttestedChallenge, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada = attested.ranked[0]
    address = dao.actors.members[0].address  # a member over the proposal threshold
    monkeypatch.setattr(prize_inputs, "wallet_address_of", lambda user: address if user == ada else None)
    draft = prize_proposal_draft_create(challenge=attested.challenge, created_by=ada)
    browser = Client()
    browser.force_login(ada)
    url = f"/api/v1/governance/prize-drafts/{draft.pk}/propose-call/"

    answer = browser.post(url, {"proposer": address}, content_type="application/json").json()

    function, arguments = dao.governor.contract.decode_function_input(answer["data"])
    draft.refresh_from_db()
    assert (function.fn_name, answer["to"], answer["proposal_id"]) == (
        "propose",
        dao.governor.address,
        draft.proposal_id,
    )
    assert arguments["targets"] == [dao.escrow.address] and arguments["description"] == draft.description
    assert arguments["calldatas"] == [bytes.fromhex(draft.call_data[2:])]
    other = dao.actors.members[1].address
    refused = browser.post(url, {"proposer": other}, content_type="application/json")
    assert refused.status_code == 403


def test_the_countdown_and_execute_follow_the_chains_clock_whatever_this_machines_says(
    dao: Dao,
    deployment: ChainDeployment,
    attested: AttestedChallenge,
    client: ChainClient,
    signed_in: SignIn,
) -> None:
    """The chain's time here runs well ahead of the machine's (the fixtures moved it forward an hour and
    more): the page must count the vote down and judge the timelock's eta by the chain's clock, as the
    governor and the advance service do."""
    proposal_id = _submitted(dao, attested, client)
    dao.open_vote(proposal_id)
    chain_sync(deployment=deployment, client=client)
    page = signed_in("voter").get(f"/governance/proposals/{proposal_id}/").content.decode()
    time_left = re.search(r'data-time-left="(\d+)"', page)
    assert time_left is not None
    by_the_chain = dao.governor.proposal_deadline(proposal_id) - client.latest_timestamp()
    assert int(time_left.group(1)) == by_the_chain
    # The list, and the API's list and detail, count down by the same clock.
    listed = signed_in("reader").get("/governance/").content.decode()
    assert f"{duration(by_the_chain)} left to vote" in listed
    assert by_the_chain < dao.governor.proposal_deadline(proposal_id) - time.time() - 3600
    api = signed_in("reader")
    (row,) = [
        p
        for p in api.get("/api/v1/governance/proposals/").json()["results"]
        if p["proposal_id"] == str(proposal_id)
    ]
    assert row["time_left"] == by_the_chain
    assert (
        api.get(f"/api/v1/governance/proposals/{proposal_id}/").json()["summary"]["time_left"] == by_the_chain
    )
    for member in dao.actors.members[:3]:
        dao.governor.cast_vote(sender=member, proposal_id=proposal_id, support=VoteSupport.FOR)
    dao.close_vote(proposal_id)
    bystander = signed_in("bystander")
    advanced = bystander.post(
        f"/api/v1/governance/prize-drafts/{PrizeProposalDraft.objects.get().pk}/advance/"
    )
    assert advanced.json()["function"] == "queue"
    send_outbox_row(client, OutgoingTransaction.objects.get(function="queue"), dao.actors.relayer)
    chain_sync(deployment=deployment, client=client)
    url = f"/governance/proposals/{proposal_id}/"

    body = bystander.get(url).content.decode()
    assert "badge-queued" in body and "data-advance" not in body  # the eta is ahead on the chain too

    dao.chain.advance(dao.params.timelock_delay + 1)
    machine_behind = client.latest_timestamp() > time.time() + dao.params.timelock_delay
    assert machine_behind
    body = bystander.get(url).content.decode()
    assert ">Execute</button>" in body
