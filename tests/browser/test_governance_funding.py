"""In a real browser: fund a challenge's pool from its page through the wallet, then delegate by signature.

Runs on the trust helpers' anvil (a deployed DAO, a relayer, evaluators): the challenge is published
through the platform and created in the escrow; the indexer is synced by the test, as the beat would.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from bounties.templatetags.clueboard import tokens
from governance.chain.deploy import TOKEN_UNIT
from governance.chain.token import Erc20, GovernanceToken
from governance.indexer.sync import chain_sync
from governance.models import ChainDeployment, WalletLink
from governance.services.trust import trust_chain_advance
from tests.browser.conftest import InjectedWallet
from tests.browser.test_wallet_sign_in import log_in_with_password
from tests.factories import UserFactory
from tests.governance.trust_support import (
    TrustChain,
    chain_settings,
    deployment_row,
    publish_challenge,
    send_queued,
    trust_chain,
)

__all__ = ["chain_settings", "deployment_row", "trust_chain"]  # fixtures used by name


@pytest.fixture
def site(live_server: Any, transactional_db: None, chain_settings: TrustChain) -> str:
    """The live server, its settings on the trust anvil (chain_settings)."""
    return str(live_server.url)


@pytest.fixture
def wallet(trust_chain: TrustChain) -> InjectedWallet:
    """The injected wallet on the trust anvil, as its token holder (accounts[1])."""
    return InjectedWallet(
        rpc_url=trust_chain.anvil.rpc_url,
        chain_id=trust_chain.client.chain_id,
        account=trust_chain.accounts[1].address,
    )


def test_fund_a_challenge_then_delegate_by_signature(
    site: str,
    chain_settings: TrustChain,
    deployment_row: ChainDeployment,
    wallet: InjectedWallet,
    page: Any,
    screenshot: Any,
) -> None:
    holder = wallet.account
    user = UserFactory.create(username="funder", email="funder@example.org")
    WalletLink.objects.create(user=user, address=holder, message="linked in the test", signature="0x")
    challenge = publish_challenge()
    send_queued(chain_settings)
    trust_chain_advance()  # the escrow knows the challenge
    balance = Erc20(chain_settings.client, deployment_row.prize_token).balance_of(holder)

    log_in_with_password(page, site, "funder")
    page.goto(site + reverse("bounties:challenge-detail", args=[challenge.slug]))
    assert page.locator("#escrow-total").inner_text() == "0"
    page.fill("#fund-amount", "25")
    screenshot("challenge-before-funding")
    page.get_by_role("button", name="Fund this challenge").click()
    page.wait_for_function(
        "document.getElementById('fund-status').textContent.includes('synced the chain')", timeout=30_000
    )
    assert wallet.calls.count("eth_sendTransaction") == 2
    chain_sync(deployment=deployment_row, client=chain_settings.client)  # the indexer's beat, by hand
    page.wait_for_function("document.getElementById('escrow-total').textContent === '25'", timeout=15_000)
    assert page.locator("#escrow-funders li").all_inner_texts() == [f"{holder} 25 tokens"]
    assert page.locator("#fund-status").inner_text() == "Funded: thank you."
    assert "Funded: 25 tokens by 1 funder." in page.locator(".trust-chain").inner_text()
    screenshot("challenge-funded")
    assert (
        Erc20(chain_settings.client, deployment_row.prize_token).balance_of(holder)
        == balance - 25 * TOKEN_UNIT
    )

    page.goto(site + reverse("governance:delegates"))
    assert page.locator("#own-delegate").inner_text() == "not delegated yet"
    page.get_by_role("button", name="Delegate to myself").click()
    page.wait_for_function(
        "document.getElementById('delegate-status').textContent.includes('Delegation sent')", timeout=15_000
    )
    assert wallet.calls.count("eth_signTypedData_v4") == 1 and wallet.calls.count("eth_sendTransaction") == 2
    send_queued(chain_settings)  # the outbox sender relays delegateBySig: the holder paid no gas
    chain_sync(deployment=deployment_row, client=chain_settings.client)
    page.reload()
    power = GovernanceToken(chain_settings.client, deployment_row.token).balance_of(holder)
    assert page.locator("#own-power").inner_text() == tokens(power)
    assert page.locator("#own-delegate").inner_text() == holder
    screenshot("delegated")
