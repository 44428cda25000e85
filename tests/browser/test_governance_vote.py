"""In a real browser: a member signs in with the wallet, votes gasless on an open proposal, and the open page's
tally changes once the outbox sender relays the ballot and the indexer syncs; a second member votes from the
wallet directly. Screenshots: the list, the detail before and after the votes."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import LazySettings
from django.urls import reverse

from governance.chain.anvil import AnvilProcess
from governance.chain.client import ChainClient
from governance.indexer.sync import chain_sync
from governance.models import ChainDeployment, OutgoingTransaction, VoteMirror, WalletLink
from governance.services.outbox_sender import outgoing_transaction_send
from tests.browser.conftest import InjectedWallet
from tests.contracts.helpers import MEMBER_STAKE, Dao
from tests.factories import UserFactory
from tests.governance.dao_fixtures import *  # noqa: F403

TOKENS = f"{MEMBER_STAKE // 10**18:,}"


@pytest.fixture
def site(live_server: Any, transactional_db: None, anvil: AnvilProcess, settings: LazySettings) -> str:
    """The live server, on the module's DAO anvil (not the rig's bare one)."""
    settings.CHAIN_RPC_URL = anvil.rpc_url
    return str(live_server.url)


@pytest.fixture
def wallet(anvil: AnvilProcess, dao: Dao) -> InjectedWallet:
    return InjectedWallet(rpc_url=anvil.rpc_url, chain_id=31337, account=dao.actors.members[0].address)


def sign_in_with_wallet(page: Any, site: str, wallet: InjectedWallet, address: str) -> None:
    page.context.clear_cookies()
    wallet.use(address)
    page.goto(site + reverse("account_login"))
    page.get_by_role("button", name="Sign in with your wallet").click()
    page.wait_for_url(site + reverse("bounties:challenge-list"))


def test_a_member_votes_gasless_and_the_open_page_follows_then_another_votes_from_the_wallet(
    page: Any,
    site: str,
    wallet: InjectedWallet,
    dao: Dao,
    deployment: ChainDeployment,
    open_proposal: int,
    client: ChainClient,
    screenshot: Any,
) -> None:
    first, second = dao.actors.members[0], dao.actors.members[3]
    for name, member in (("ada", first), ("grace", second)):
        user = UserFactory.create(username=name)
        WalletLink.objects.create(user=user, address=member.address, message="m", signature="0x")
    chain_sync(deployment=deployment, client=client)

    sign_in_with_wallet(page, site, wallet, first.address)
    page.get_by_role("link", name="Governance").click()
    page.get_by_role("link", name="Skim the escrow").wait_for()
    screenshot("list")
    page.get_by_role("link", name="Skim the escrow").click()
    for_tally = page.locator('[data-tally="for"]')
    assert for_tally.inner_text() == "0"
    screenshot("detail-before")

    page.get_by_role("radio", name="Against").check()
    page.fill("#vote-reason", "The escrow has nothing to skim yet")
    page.get_by_role("button", name="Vote (gasless)").click()
    message = page.locator("[data-vote-message]")
    page.wait_for_function("!document.querySelector('[data-vote-message]').textContent.includes('Waiting')")
    assert message.inner_text() == "Your vote is recorded; waiting for the chain."
    assert "eth_signTypedData_v4" in wallet.calls and "eth_sendTransaction" not in wallet.calls

    # The outbox sender relays the ballot (as its Celery task would), then the indexer syncs.
    row = OutgoingTransaction.objects.get()  # the relayed ballot, and nothing else
    assert outgoing_transaction_send(transaction_id=row.pk) == "mined"
    chain_sync(deployment=deployment, client=client)
    page.wait_for_function(
        f"document.querySelector('[data-tally=\"against\"]').textContent === '{TOKENS}'", timeout=15_000
    )
    assert page.locator("#proposal-live .reason").inner_text() == "The escrow has nothing to skim yet"
    assert message.inner_text() == "Your vote is recorded; waiting for the chain."  # same page, no reload
    screenshot("detail-after-gasless-vote")

    sign_in_with_wallet(page, site, wallet, second.address)
    page.goto(site + reverse("governance:proposal-detail", args=[str(open_proposal)]))
    page.fill("#vote-reason", "Worth a try")
    page.get_by_role("button", name="Vote from my wallet").click()
    page.wait_for_function("document.querySelector('[data-vote-message]').textContent.includes('mined')")
    chain_sync(deployment=deployment, client=client)
    page.wait_for_function(f"document.querySelector('[data-tally=\"for\"]').textContent === '{TOKENS}'")
    screenshot("detail-after-wallet-vote")

    votes = VoteMirror.objects.order_by("block_number")
    assert [(v.voter, v.support, v.reason) for v in votes] == [
        (first.address, 0, "The escrow has nothing to skim yet"),
        (second.address, 1, "Worth a try"),
    ]
    assert wallet.calls.count("eth_sendTransaction") == 1
