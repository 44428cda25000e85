"""The delegates page: exact powers, votes and delegators from a synced mirror, and the member's own."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from bounties.templatetags.clueboard import tokens
from governance.chain.client import ChainClient
from governance.indexer.sync import chain_sync
from governance.models import ChainDeployment
from tests.contracts.helpers import MEMBER_STAKE, PRIZE, Dao
from tests.governance.pages_support import SignIn
from tests.governance.test_indexer_support import *  # noqa: F403 (its fixtures)
from tests.governance.test_indexer_support import UNIT, Lifecycle

pytestmark = pytest.mark.django_db


def _rows(page: object) -> list[tuple[str, int, int, int]]:
    return [(d.address, d.power, d.votes_cast, d.delegators) for d in page.context["delegates"]]  # type: ignore[attr-defined]


def test_delegates_listed_with_power_votes_and_delegators(
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

    with django_assert_num_queries(4):  # session-less: deployment + 3 reads
        page = browser.get(reverse("governance:delegates"))

    assert page.status_code == 200
    equal = sorted([(members[1].address, 1), (members[2].address, 1), (members[3].address, 0)])
    assert _rows(page) == [
        (members[0].address, 2 * MEMBER_STAKE - PRIZE + 100 * UNIT, 1, 2),
        *[(address, MEMBER_STAKE, votes, 1) for address, votes in equal],
    ]
    html = page.content.decode()
    assert f'<td class="num">{tokens(MEMBER_STAKE)}</td>' in html
    assert reverse("governance:member", args=[members[0].address]) in html
    assert "and link a wallet to delegate." in html and "Delegate to myself" not in html


def test_own_delegation_and_a_new_one_after_sync(
    client: ChainClient,
    dao: Dao,
    lifecycle: Lifecycle,
    deployment: ChainDeployment,
    signed_in: SignIn,
    on_anvil: None,
) -> None:
    chain_sync(deployment=deployment, client=client)
    members = dao.actors.members
    browser = signed_in("delegator", members[4].address)

    html = browser.get(reverse("governance:delegates")).content.decode()
    assert f'delegating to <code class="hash" id="own-delegate">{members[0].address}</code>.' in html
    assert f'<button type="button" class="button" data-delegatee="{members[4].address}">' in html
    assert '<strong id="own-power">0</strong>' in html

    dao.token.delegate(sender=members[4], delegatee=members[4].address)
    assert "(yourself)" not in html
    chain_sync(deployment=deployment, client=client)

    page = browser.get(reverse("governance:delegates"))
    html = page.content.decode()
    assert f"{members[4].address}</code> (yourself)." in html
    own = MEMBER_STAKE - PRIZE + 100 * UNIT  # its balance after funding a pool and a refund
    assert f'<strong id="own-power">{tokens(own)}</strong>' in html
    rows = {row[0]: row[1:] for row in _rows(page)}
    assert rows[members[4].address] == (own, 0, 1) and rows[members[0].address] == (MEMBER_STAKE, 1, 1)


def test_delegate_wallet_call_is_encoded_server_side(
    deployment: ChainDeployment,
    browser: Client,
    on_anvil: None,
    dao: Dao,
) -> None:
    target = dao.actors.members[1].address
    answer = browser.get(reverse("governance:delegate-call"), {"delegatee": target.lower()}).json()
    # delegate(address): selector 0x5c19a95c, then the address left-padded to 32 bytes.
    assert answer == {
        "calls": [{"to": deployment.token, "data": "0x5c19a95c" + target[2:].lower().rjust(64, "0")}]
    }
    refused = browser.get(reverse("governance:delegate-call"), {"delegatee": "0x12"})
    assert (refused.status_code, refused.json()) == (400, {"detail": "Give a 0x address of 40 hex digits."})
