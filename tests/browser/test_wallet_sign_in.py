"""In a real browser: link a wallet in the settings, log out, sign back in with the wallet alone."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from governance.models import SignInNonce, WalletLink
from governance.services.wallets import MESSAGES
from tests.browser.conftest import InjectedWallet
from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture
def alice() -> Any:
    return UserFactory.create(username="alice", email="alice@example.org")


def log_in_with_password(page: Any, site: str, username: str) -> None:
    page.goto(site + reverse("account_login"))
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_url(site + reverse("bounties:challenge-list"))


def test_a_verified_user_links_a_wallet_logs_out_and_signs_in_with_it(
    page: Any, site: str, wallet: InjectedWallet, alice: Any, screenshot: Any
) -> None:
    log_in_with_password(page, site, "alice")
    page.goto(site + reverse("account-settings"))
    screenshot("settings-without-wallet")

    page.get_by_role("button", name="Link a wallet").click()
    linked = page.locator("[data-linked-address]")
    linked.wait_for()
    screenshot("wallet-linked")

    assert linked.inner_text() == wallet.account
    assert WalletLink.objects.get().user == alice

    page.get_by_role("button", name="Log out").click()
    page.wait_for_selector("text=Log in")
    screenshot("logged-out")
    page.goto(site + reverse("account_login"))
    screenshot("log-in-page")

    page.get_by_role("button", name="Sign in with your wallet").click()
    page.wait_for_url(site + reverse("bounties:challenge-list"))
    screenshot("signed-in-with-wallet")

    assert page.locator(".nav-account").get_by_role("link", name="alice").is_visible()
    assert wallet.calls.count("personal_sign") == 2
    assert SignInNonce.objects.filter(used_at__isnull=True).count() == 0


def test_a_wallet_linked_to_no_account_is_told_so_on_the_log_in_page(
    page: Any, site: str, wallet: InjectedWallet, dev_addresses: list[str], screenshot: Any
) -> None:
    wallet.use(dev_addresses[2])
    page.goto(site + reverse("account_login"))

    page.get_by_role("button", name="Sign in with your wallet").click()
    error = page.locator("[data-wallet-error]")
    error.wait_for()
    screenshot("no-account")

    assert error.inner_text() == MESSAGES["no_account"]
    assert page.url == site + reverse("account_login")


def test_a_cancelled_signature_is_reported_and_the_button_works_again(
    page: Any, site: str, wallet: InjectedWallet, screenshot: Any
) -> None:
    wallet.reject_next = True
    page.goto(site + reverse("account_login"))
    button = page.get_by_role("button", name="Sign in with your wallet")

    button.click()
    error = page.locator("[data-wallet-error]")
    error.wait_for()
    screenshot("cancelled")

    assert error.inner_text() == "The request was cancelled in your wallet."
    assert button.is_enabled()
    assert not SignInNonce.objects.filter(used_at__isnull=False).exists()
