"""The treasury page: exact pools and payouts from a mirror synced from anvil, and a down chain."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from bounties.templatetags.clueboard import tokens
from governance.chain.client import ChainClient
from governance.chain.escrow import ChallengeState
from governance.chain.token import Erc20
from governance.indexer.sync import chain_sync
from governance.models import ChainDeployment, PoolMirror
from tests.contracts.helpers import PRIZE, Dao
from tests.governance.pages_support import challenge_on_escrow
from tests.governance.test_indexer_support import *  # noqa: F403 (its fixtures)
from tests.governance.test_indexer_support import UNIT, Lifecycle, dead_rpc_url

pytestmark = pytest.mark.django_db


def test_treasury_lists_pools_payouts_and_balance(
    client: ChainClient,
    dao: Dao,
    lifecycle: Lifecycle,
    deployment: ChainDeployment,
    browser: Client,
    on_anvil: None,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    chain_sync(deployment=deployment, client=client)
    balance = Erc20(client, deployment.prize_token).balance_of(deployment.timelock)
    challenge = challenge_on_escrow(lifecycle.awarded_id, "CIFAR speedrun")

    with django_assert_num_queries(4):  # deployment, pools, payouts, their challenges
        page = browser.get(reverse("governance:treasury"))

    assert page.status_code == 200
    html = page.content.decode()
    assert f'<strong id="treasury-balance">{tokens(balance)}</strong>' in html
    assert [challenge for _, challenge in page.context["pools"]] == [None, challenge]
    assert [
        (p.challenge_id, p.state, p.funded, p.awarded, p.claimed, p.refunded, p.left)
        for p, _ in page.context["pools"]
    ] == [
        (str(lifecycle.cancelled_id), "cancelled", 2 * PRIZE, 0, 0, 2 * PRIZE, 0),
        (str(lifecycle.awarded_id), "finalized", PRIZE, 900 * UNIT, 600 * UNIT, 100 * UNIT, 0),
    ]
    members, winner = dao.actors.members, dao.actors.funders[0]
    assert [(p.kind, p.account, p.amount) for p, _ in page.context["payouts"]] == [
        ("refund", members[3].address, 2 * PRIZE),
        ("sweep", "", 300 * UNIT),
        ("refund", members[4].address, 100 * UNIT),
        ("claim", winner.address, 600 * UNIT),
    ]
    assert f'<tr id="pool-{lifecycle.awarded_id}">' in html
    link = reverse("bounties:challenge-detail", args=[challenge.slug])  # type: ignore[attr-defined]
    assert f'<a href="{link}">CIFAR speedrun</a>' in html
    assert reverse("governance:member", args=[winner.address]) in html
    for payout, _ in page.context["payouts"]:
        assert f'<code class="hash">{payout.tx_hash}</code>' in html
        assert f"<td>{payout.block_number}</td>" in html


def test_a_pools_deadline_is_judged_by_the_chains_clock(
    client: ChainClient,
    lifecycle: Lifecycle,
    deployment: ChainDeployment,
    browser: Client,
    on_anvil: None,
) -> None:
    """Past its submission deadline on the chain, though not yet by this machine's clock: the escrow
    already reports the pool closed (no more submissions), and so do the page and the API."""
    chain_sync(deployment=deployment, client=client)
    chain_now = client.latest_timestamp()
    assert chain_now - 10 > time.time()  # the fixtures moved the chain's clock ahead
    PoolMirror.objects.filter(challenge_id=str(lifecycle.awarded_id)).update(
        state=ChallengeState.OPEN, submission_deadline=chain_now - 10
    )

    page = browser.get(reverse("governance:treasury"))
    api = browser.get("/api/v1/governance/treasury/pools/").json()["results"]

    assert [(p.challenge_id, p.state) for p, _ in page.context["pools"]][1] == (
        str(lifecycle.awarded_id),
        "closed",
    )
    assert [row["state"] for row in api if row["challenge_id"] == str(lifecycle.awarded_id)] == ["closed"]


def test_treasury_renders_while_the_chain_is_down(
    client: ChainClient,
    lifecycle: Lifecycle,
    deployment: ChainDeployment,
    browser: Client,
    on_anvil: None,
    settings: object,
) -> None:
    chain_sync(deployment=deployment, client=client)
    settings.CHAIN_RPC_URL = dead_rpc_url()  # type: ignore[attr-defined]

    page = browser.get(reverse("governance:treasury"))

    assert page.status_code == 200
    assert "unknown: the chain cannot be reached right now" in page.content.decode()
    assert len(page.context["pools"]) == 2 and page.context["balance"] is None


def test_treasury_before_any_deployment(db: None, browser: Client) -> None:
    page = browser.get(reverse("governance:treasury"))
    assert page.status_code == 200 and "No contracts are deployed yet." in page.content.decode()


@pytest.mark.django_db
def test_the_governance_pages_link_each_other_and_mark_the_current_one() -> None:
    visitor = Client()  # this module's `client` fixture is the chain's
    for url_name in ("proposal-list", "delegates", "treasury"):
        page = visitor.get(reverse(f"governance:{url_name}")).content.decode()
        for other in ("proposal-list", "delegates", "treasury"):
            assert f'href="{reverse(f"governance:{other}")}"' in page
        assert f'href="{reverse(f"governance:{url_name}")}" aria-current="page"' in page
