"""The delegates, treasury and member read API: exact values from a synced mirror, pagination, 404s."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from governance.chain.client import ChainClient
from governance.indexer.sync import chain_sync
from governance.models import ChainDeployment, PoolMovement
from tests.contracts.helpers import MEMBER_STAKE, PRIZE, Dao
from tests.governance.test_indexer_support import *  # noqa: F403 (its fixtures)
from tests.governance.test_indexer_support import UNIT, Lifecycle

pytestmark = pytest.mark.django_db
API = "/api/v1/governance/"


def test_delegates_and_pools_paginated(
    client: ChainClient,
    dao: Dao,
    lifecycle: Lifecycle,
    deployment: ChainDeployment,
    browser: Client,
    on_anvil: None,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    chain_sync(deployment=deployment, client=client)
    members = dao.actors.members

    with django_assert_num_queries(4):
        delegates = browser.get(API + "delegates/").json()

    assert delegates["count"] == 4 and delegates["next"] is None
    assert delegates["results"][0] == {
        "address": members[0].address,
        "power": str(2 * MEMBER_STAKE - PRIZE + 100 * UNIT),
        "votes_cast": 1,
        "delegators": 2,
    }
    pools = browser.get(API + "treasury/pools/").json()["results"]
    assert [(p["challenge_id"], p["state"], p["funded"], p["left"]) for p in pools] == [
        (str(lifecycle.cancelled_id), "cancelled", str(2 * PRIZE), "0"),
        (str(lifecycle.awarded_id), "finalized", str(PRIZE), "0"),
    ]
    assert browser.get(API + "treasury/pools/", {"page": 2}).status_code == 404


def test_payouts_with_transactions(
    client: ChainClient,
    dao: Dao,
    lifecycle: Lifecycle,
    deployment: ChainDeployment,
    browser: Client,
    on_anvil: None,
) -> None:
    chain_sync(deployment=deployment, client=client)
    payouts = browser.get(API + "treasury/payouts/").json()["results"]
    claim = PoolMovement.objects.get(kind="claim")
    assert payouts[-1] == {
        "kind": "claim",
        "challenge_id": str(lifecycle.awarded_id),
        "account": dao.actors.funders[0].address,
        "amount": str(600 * UNIT),
        "tx_hash": claim.tx_hash,
        "block_number": claim.block_number,
        "block_time": claim.block_time.isoformat().replace("+00:00", "Z"),
    }
    assert [p["kind"] for p in payouts] == ["refund", "sweep", "refund", "claim"]


def test_member_profile_and_404s(
    client: ChainClient,
    dao: Dao,
    lifecycle: Lifecycle,
    deployment: ChainDeployment,
    browser: Client,
    on_anvil: None,
) -> None:
    chain_sync(deployment=deployment, client=client)
    voter = dao.actors.members[2].address

    answer = browser.get(API + f"members/{voter.lower()}/").json()

    assert {k: answer[k] for k in ("address", "power", "delegate", "rewarded", "claimed")} == {
        "address": voter,
        "power": str(MEMBER_STAKE),
        "delegate": voter,
        "rewarded": "0",
        "claimed": "0",
    }
    assert [(v["proposal_id"], v["support"], v["weight"], v["reason"]) for v in answer["votes"]] == [
        (str(lifecycle.proposal_id), "abstain", str(MEMBER_STAKE), "no opinion")
    ]
    for address in ("0x1234", "0x" + "12" * 20, "x" * 300):
        missing = browser.get(API + f"members/{address}/")
        assert (missing.status_code, "detail" in missing.json()) == (404, True)
