"""The proposal pages: exact content from a mirror synced from anvil, fixed query counts, the chain down."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import LazySettings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from governance.chain.client import ChainClient
from governance.chain.governor import VoteSupport
from governance.indexer.sync import chain_sync
from governance.models import ChainDeployment
from tests.contracts.helpers import MEMBER_STAKE, Dao
from tests.governance.dao_fixtures import *  # noqa: F403
from tests.governance.pages_support import SignIn
from tests.governance.test_indexer_support import dead_rpc_url

pytestmark = pytest.mark.django_db

TOKENS = MEMBER_STAKE // 10**18


def _get(browser: Client, url: str) -> tuple[int, str, int]:
    """Status, body and the number of queries the page made."""
    with CaptureQueriesContext(connection) as captured:
        response = browser.get(url)
    return response.status_code, response.content.decode(), len(captured.captured_queries)


@pytest.fixture
def synced(client: ChainClient, deployment: ChainDeployment) -> Callable[[], None]:
    """Run the indexer once, as the periodic task does."""

    def sync() -> None:
        chain_sync(deployment=deployment, client=client)

    return sync


def test_list_and_detail_show_the_synced_proposal_exactly(
    dao: Dao, deployment: ChainDeployment, open_proposal: int, synced: Callable[[], None]
) -> None:
    members = dao.actors.members
    dao.governor.cast_vote(
        sender=members[0], proposal_id=open_proposal, support=VoteSupport.FOR, reason="<b>yes</b> please"
    )
    dao.governor.cast_vote(sender=members[2], proposal_id=open_proposal, support=VoteSupport.AGAINST)
    synced()

    status, body, queries = _get(Client(), "/governance/")
    assert (status, queries) == (200, 2)
    assert f'<tr data-proposal="{open_proposal}">' in body
    assert f'href="/governance/proposals/{open_proposal}/">Skim the escrow</a>' in body
    assert "badge-active" in body and "left to vote" in body
    assert body.count(f'<td class="num">{TOKENS:,}</td>') == 2  # for and against
    assert '<td class="num">0</td>' in body  # abstain

    status, body, queries = _get(Client(), f"/governance/proposals/{open_proposal}/")
    assert (status, queries) == (200, 5)
    assert f'<dd data-tally="for">{TOKENS:,}</dd>' in body
    assert f'<dd data-tally="against">{TOKENS:,}</dd>' in body
    assert '<dd data-tally="abstain">0</dd>' in body
    quorum = dao.governor.quorum(dao.governor.proposal_snapshot(open_proposal))
    reached = "reached" if quorum <= MEMBER_STAKE else "not reached"  # for (one member) + abstain (none)
    assert f'<dd data-tally="quorum">{quorum // 10**18:,} ({reached})</dd>' in body
    assert f'<tr data-voter="{members[0].address}">' in body
    assert '<td class="reason">&lt;b&gt;yes&lt;/b&gt; please</td>' in body  # escaped, never markup
    assert 'style="width: 50.0%"' in body and 'hx-get="/governance/proposals/' in body
    assert 'data-step="created"' in body and 'data-step="queued"' not in body
    assert "Log in and link a wallet to vote." in body and "data-vote-form" not in body
    assert "Evidence" not in body  # not from a prize draft
    assert '<div class="prose" id="description"><p>Skim the escrow</p></div>' in body  # no proposer suffix


def test_the_live_block_follows_the_mirror_without_the_page(
    dao: Dao, deployment: ChainDeployment, open_proposal: int, synced: Callable[[], None]
) -> None:
    synced()
    url = f"/governance/proposals/{open_proposal}/live/"
    status, before, queries = _get(Client(), url)
    assert (status, queries) == (200, 5)
    assert '<dd data-tally="abstain">0</dd>' in before and 'id="no-votes"' in before

    dao.governor.cast_vote(
        sender=dao.actors.members[1], proposal_id=open_proposal, support=VoteSupport.ABSTAIN, reason="unsure"
    )
    synced()
    _, after, _ = _get(Client(), url)
    assert f'<dd data-tally="abstain">{TOKENS:,}</dd>' in after and '<td class="reason">unsure</td>' in after
    assert "<html" not in after


def test_pages_render_from_the_mirror_when_the_chain_is_down(
    dao: Dao,
    deployment: ChainDeployment,
    open_proposal: int,
    synced: Callable[[], None],
    settings: LazySettings,
) -> None:
    synced()
    settings.CHAIN_RPC_URL = dead_rpc_url()
    cache.clear()
    for url in ("/governance/", f"/governance/proposals/{open_proposal}/"):
        status, body, _ = _get(Client(), url)
        assert status == 200 and "Skim the escrow" in body
        assert "The chain is unreachable: pages show the last synced state" in body


def test_unknown_proposals_are_404(deployment: ChainDeployment) -> None:
    for url in (
        "/governance/proposals/1/",
        "/governance/proposals/1/live/",
        f"/governance/proposals/{'9' * 78}/",
    ):
        assert Client().get(url).status_code == 404
    assert Client().get(f"/governance/proposals/{'9' * 79}/").status_code == 404


def test_no_deployment_says_so(db: None) -> None:
    status, body, _ = _get(Client(), "/governance/")
    assert status == 200 and "No DAO is deployed on this platform yet." in body
    assert Client().get("/governance/proposals/1/").status_code == 404


def test_the_vote_box_is_explained_to_who_cannot_vote_and_offered_to_who_can(
    dao: Dao,
    deployment: ChainDeployment,
    open_proposal: int,
    synced: Callable[[], None],
    signed_in: SignIn,
) -> None:
    synced()
    url = f"/governance/proposals/{open_proposal}/"
    no_wallet = signed_in("walletless")
    assert "Link a wallet in your account settings to vote." in no_wallet.get(url).content.decode()

    body = signed_in("powerless", dao.actors.outsider.address).get(url).content.decode()
    assert "Your wallet has no voting power" in body and "data-vote-form" not in body

    member = signed_in("member3", dao.actors.members[3].address)
    status, body, queries = _get(member, url)
    assert (status, queries) == (200, 9)
    assert "data-vote-form" in body and f'data-address="{dao.actors.members[3].address}"' in body
    assert f"with {TOKENS:,} CLUE of voting power" in body
    assert f'data-ballots-url="/api/v1/governance/proposals/{open_proposal}/ballots/"' in body

    dao.governor.cast_vote(sender=dao.actors.members[3], proposal_id=open_proposal, support=VoteSupport.FOR)
    synced()
    body = member.get(url).content.decode()
    assert "Your wallet has voted on this proposal." in body and "data-vote-form" not in body
