"""A member's profile page: exact content from a synced mirror, claim buttons only when owed, 404s."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from bounties.templatetags.clueboard import tokens
from governance.chain.client import ChainClient
from governance.chain.escrow import ChallengeState
from governance.indexer.sync import chain_sync
from governance.models import ChainDeployment, PoolMirror, PoolMovement
from tests.contracts.helpers import MEMBER_STAKE, Dao
from tests.governance.pages_support import SignIn, challenge_on_escrow, linked_user
from tests.governance.test_indexer_support import *  # noqa: F403 (its fixtures)
from tests.governance.test_indexer_support import UNIT, Lifecycle

pytestmark = pytest.mark.django_db


def _page(browser: Client, address: str) -> str:
    response = browser.get(reverse("governance:member", args=[address]))
    assert response.status_code == 200
    return response.content.decode()


def test_winner_profile_shows_rewards_and_claims_with_transactions(
    client: ChainClient,
    dao: Dao,
    lifecycle: Lifecycle,
    deployment: ChainDeployment,
    browser: Client,
    on_anvil: None,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    chain_sync(deployment=deployment, client=client)
    winner = dao.actors.funders[0].address
    challenge_on_escrow(lifecycle.awarded_id, "CIFAR speedrun")

    # deployment, power, delegate, votes, awards+claims, fundings+refunds, linked user, challenges
    with django_assert_num_queries(8):
        response = browser.get(reverse("governance:member", args=[winner.lower()]))

    html = response.content.decode()
    assert f'<h1>Member <code class="hash">{winner}</code></h1>' in html
    assert '<dd id="member-power">0</dd>' in html and "not delegated" in html
    assert f'<dd id="member-rewards">{tokens(600 * UNIT)} awarded, {tokens(600 * UNIT)} claimed</dd>' in html
    movements = PoolMovement.objects.filter(account=winner).order_by("-block_number")
    assert [(m.kind, m.amount) for m in movements] == [("claim", 600 * UNIT), ("award", 600 * UNIT)]
    for movement in movements:
        assert (
            f'<td class="num">{tokens(movement.amount)}</td><td>{movement.block_number}</td><td><code class="hash">{movement.tx_hash}</code></td>'
            in html
        )
    assert html.count(">CIFAR speedrun</a>") == 2
    assert "Yours to claim" not in html and "No votes cast." in html


def test_voter_profile_lists_votes_and_delegate(
    client: ChainClient,
    dao: Dao,
    lifecycle: Lifecycle,
    deployment: ChainDeployment,
    browser: Client,
    on_anvil: None,
) -> None:
    chain_sync(deployment=deployment, client=client)
    members = dao.actors.members

    html = _page(browser, members[2].address)

    assert f'<td>Abstain</td><td class="num">{tokens(MEMBER_STAKE)}</td><td>no opinion</td>' in html
    assert f'<dd id="member-power">{tokens(MEMBER_STAKE)}</dd>' in html
    assert f'<code class="hash">{members[2].address}</code></a> (itself)' in html
    delegator = _page(browser, members[4].address)
    assert reverse("governance:member", args=[members[0].address]) in delegator
    assert "(itself)" not in delegator


def test_claim_button_only_for_the_owner_of_an_owed_prize(
    client: ChainClient,
    dao: Dao,
    lifecycle: Lifecycle,
    deployment: ChainDeployment,
    browser: Client,
    on_anvil: None,
    signed_in: SignIn,
) -> None:
    chain_sync(deployment=deployment, client=client)
    first, second = dao.actors.funders[0].address, dao.actors.funders[1].address
    # The mirror as it was inside the claim window, before the sweep: the second winner's 300 owed. The
    # window is the escrow's, judged by block time: this chain's clock was moved well past this machine's.
    chain_now = client.latest_timestamp()
    assert chain_now > time.time() + 86400
    pool = PoolMirror.objects.get(challenge_id=str(lifecycle.awarded_id))
    PoolMirror.objects.filter(pk=pool.pk).update(
        state=ChallengeState.AWARDED, swept=0, claim_deadline=chain_now + 86400
    )
    button = f'data-claim="{lifecycle.awarded_id}">Claim</button>'

    assert button not in _page(browser, second)  # anonymous
    as_second = signed_in("second", second)
    html = _page(as_second, second)
    assert button in html and f"{tokens(300 * UNIT)} prize tokens from escrow challenge" in html
    assert button not in _page(as_second, first)  # someone else's profile

    assert button not in _page(signed_in("first", first), first)  # 600 awarded, 600 claimed: nothing owed

    # Closed on the chain, though still ahead by this machine's clock: a claim now would revert.
    PoolMirror.objects.filter(pk=pool.pk).update(claim_deadline=chain_now - 1)
    assert chain_now - 1 > time.time()
    assert button not in _page(as_second, second)


def test_refund_button_for_a_funder_with_an_unawarded_remainder(
    client: ChainClient,
    dao: Dao,
    lifecycle: Lifecycle,
    deployment: ChainDeployment,
    on_anvil: None,
    signed_in: SignIn,
) -> None:
    chain_sync(deployment=deployment, client=client)
    funder = dao.actors.members[4].address
    as_funder = signed_in("funder", funder)
    refund = f'data-refund="{lifecycle.awarded_id}">Claim refund</button>'
    assert refund not in _page(as_funder, funder)  # already refunded on chain

    # The mirror before the refund: 1000 funded, 900 awarded, the funder's 100 left to refund.
    PoolMovement.objects.filter(kind=PoolMovement.Kind.REFUND, account=funder).delete()
    html = _page(as_funder, funder)
    assert refund in html and f"{tokens(100 * UNIT)} prize tokens not awarded" in html


@pytest.mark.parametrize(
    "address",
    ["0x1234", "0x" + "g" * 40, "nothing", "0x" + "ab" * 20 + "00", "0x" + "12" * 20],
)
def test_unknown_or_malformed_address_is_404(
    lifecycle: Lifecycle,
    deployment: ChainDeployment,
    browser: Client,
    on_anvil: None,
    address: str,
) -> None:
    assert browser.get(f"/governance/members/{address}/").status_code == 404


def test_contributor_profile_links_the_governance_profile_of_a_linked_wallet(
    dao: Dao,
    deployment: ChainDeployment,
    browser: Client,
) -> None:
    holder = dao.actors.members[1].address
    linked_user("holder", holder)
    get_user_model().objects.create_user(username="walletless", password="x")

    page = browser.get(reverse("bounties:contributor-profile", args=["holder"])).content.decode()
    link = reverse("governance:member", args=[holder])
    assert f'<a href="{link}" id="governance-profile"><code class="hash">{holder}</code></a>' in page
    walletless = browser.get(reverse("bounties:contributor-profile", args=["walletless"])).content.decode()
    assert 'id="governance-profile"' not in walletless
