"""The wallet endpoints as a browser calls them: CSRF, JSON answers, the session log-in, rate limits, pages."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount

from governance.models import SignInNonce, WalletLink
from governance.services.wallets import MESSAGES
from governance.wallets.siwe import siwe_message_text, siwe_parse
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

WALLET = Account.from_key("0x" + "a1" * 32)
OTHER = Account.from_key("0x" + "b0" * 32)


def post(client: Client, name: str, body: dict[str, Any]) -> Any:
    return client.post(reverse(name), json.dumps(body), content_type="application/json")


def sign(account: LocalAccount, text: str) -> str:
    return "0x" + bytes(account.sign_message(encode_defunct(text=text)).signature).hex()


def message_from_server(client: Client, account: LocalAccount, purpose: str = "sign-in") -> str:
    answer = post(client, "wallet-nonce", {"address": account.address.lower(), "purpose": purpose})
    assert answer.status_code == 200, answer.content
    return str(answer.json()["message"])


def proof(client: Client, account: LocalAccount, purpose: str = "sign-in", **changes: Any) -> dict[str, str]:
    """The server's message for `account`, changed as asked (then re-printed), signed by `account`."""
    text = message_from_server(client, account, purpose)
    if changes:
        text = siwe_message_text(replace(siwe_parse(text), **changes))
    return {"message": text, "signature": sign(account, text)}


@pytest.fixture
def alice() -> Any:
    return UserFactory.create(username="alice")


@pytest.fixture
def linked(alice: Any) -> Any:
    """Alice with WALLET linked, through the endpoint."""
    client = Client()
    client.force_login(alice)
    assert post(client, "wallet-link", proof(client, WALLET, "link")).status_code == 200
    return alice


def assert_refused(response: Any, code: str) -> None:
    assert response.status_code == 400, response.content
    assert response.json() == {"code": code, "detail": MESSAGES[code]}


def test_the_nonce_endpoint_answers_a_message_for_this_site_and_chain(client: Client) -> None:
    answer = post(client, "wallet-nonce", {"address": WALLET.address.lower(), "purpose": "link"})
    message = siwe_parse(answer.json()["message"])

    assert (message.domain, message.uri, message.chain_id) == ("testserver", "http://testserver/", 31337)
    assert message.address == WALLET.address  # checksummed by the server
    assert message.nonce == answer.json()["nonce"] == SignInNonce.objects.get().value
    assert message.expiration_time == SignInNonce.objects.get().expires_at.replace(microsecond=0)
    assert message.statement == "Link this wallet to my Clueboard account."


@pytest.mark.parametrize(
    "body", [{}, {"address": "0x1234"}, {"address": 7}, {"address": WALLET.address, "purpose": "x"}]
)
def test_the_nonce_endpoint_refuses_a_bad_address_or_purpose(client: Client, body: dict[str, Any]) -> None:
    answer = post(client, "wallet-nonce", body)

    assert answer.status_code == 400
    assert not SignInNonce.objects.exists()


def test_the_endpoints_require_the_csrf_token(alice: Any) -> None:
    browser = Client(enforce_csrf_checks=True)

    for name in ("wallet-nonce", "wallet-sign-in", "wallet-link"):
        assert post(browser, name, {"address": WALLET.address}).status_code == 403
    assert not SignInNonce.objects.exists()


def test_linking_shows_the_address_on_the_settings_page_with_an_unlink_button(
    client: Client, linked: Any
) -> None:
    client.force_login(linked)

    page = client.get(reverse("account-settings")).content.decode()

    assert WALLET.address in page and reverse("wallet-unlink") in page
    assert 'data-wallet-action="link"' not in page


def test_linking_needs_a_logged_in_account(client: Client) -> None:
    answer = post(client, "wallet-link", proof(client, WALLET, "link"))

    assert answer.status_code == 401
    assert not WalletLink.objects.exists()


def test_a_good_sign_in_logs_in_through_allauths_backend(client: Client, linked: Any) -> None:
    answer = post(client, "wallet-sign-in", {**proof(client, WALLET), "next": "/clues/"})

    assert answer.status_code == 200
    assert answer.json() == {"redirect": "/clues/"}
    assert int(client.session["_auth_user_id"]) == linked.pk
    assert client.session["_auth_user_backend"] == "allauth.account.auth_backends.AuthenticationBackend"
    assert client.get(reverse("account-settings")).status_code == 200


def test_sign_in_does_not_redirect_off_site(client: Client, linked: Any) -> None:
    answer = post(client, "wallet-sign-in", {**proof(client, WALLET), "next": "https://evil.test/"})

    assert answer.json() == {"redirect": reverse("bounties:challenge-list")}


def test_a_replayed_sign_in_is_refused(client: Client, linked: Any) -> None:
    signed = proof(client, WALLET)
    post(client, "wallet-sign-in", signed)
    replay = Client()

    assert_refused(post(replay, "wallet-sign-in", signed), "nonce_used")
    assert "_auth_user_id" not in replay.session


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"chain_id": 1}, "chain"),
        ({"domain": "evil.test"}, "domain"),
        ({"uri": "http://evil.test/"}, "uri"),
        ({"expiration_time": -timedelta(seconds=1)}, "expired"),  # times: from now, when the test runs
        ({"not_before": timedelta(minutes=2)}, "not_yet_valid"),
        ({"nonce": "NeverIssuedByTheServer42"}, "nonce_unknown"),
    ],
)
def test_each_refusal_answers_its_fixed_message_and_logs_nobody_in(
    client: Client, linked: Any, changes: dict[str, Any], code: str
) -> None:
    now = timezone.now().replace(microsecond=0)
    changes = {key: now + value if isinstance(value, timedelta) else value for key, value in changes.items()}

    answer = post(client, "wallet-sign-in", proof(client, WALLET, **changes))

    assert_refused(answer, code)
    assert "_auth_user_id" not in client.session


def test_a_message_signed_by_another_wallet_is_refused(client: Client, linked: Any) -> None:
    signed = proof(client, WALLET)

    assert_refused(
        post(client, "wallet-sign-in", {**signed, "signature": sign(OTHER, signed["message"])}), "signature"
    )
    assert "_auth_user_id" not in client.session


def test_a_malformed_message_is_refused(client: Client, linked: Any) -> None:
    answer = post(client, "wallet-sign-in", {"message": "let me in", "signature": "0x00"})

    assert_refused(answer, "malformed")


def test_a_body_without_strings_is_a_bad_request(client: Client) -> None:
    answer = client.post(reverse("wallet-sign-in"), b"not json", content_type="application/json")

    assert answer.status_code == 400 and answer.json()["code"] == "bad_request"


def test_an_unverified_account_is_not_let_in_by_its_wallet(client: Client) -> None:
    carol = UserFactory.create(username="carol", email_verified=False)
    client.force_login(carol)
    post(client, "wallet-link", proof(client, WALLET, "link"))
    client.logout()

    assert_refused(post(client, "wallet-sign-in", proof(client, WALLET)), "email_unverified")
    assert "_auth_user_id" not in client.session


def test_an_address_linked_elsewhere_is_refused_to_a_second_account(client: Client, linked: Any) -> None:
    bob = UserFactory.create(username="bob")
    client.force_login(bob)

    assert_refused(post(client, "wallet-link", proof(client, WALLET, "link")), "address_taken")
    assert WalletLink.objects.get().user == linked


def test_a_second_address_is_refused_to_an_account_with_one(client: Client, linked: Any) -> None:
    client.force_login(linked)

    assert_refused(post(client, "wallet-link", proof(client, OTHER, "link")), "account_has_wallet")


def test_unlink_removes_the_link_and_says_so(client: Client, linked: Any) -> None:
    client.force_login(linked)

    page = client.post(reverse("wallet-unlink"), follow=True)

    assert not WalletLink.objects.exists()
    assert "Your wallet was unlinked." in page.content.decode()
    assert 'data-wallet-action="link"' in page.content.decode()


def test_failed_sign_ins_are_throttled_like_password_log_ins(
    client: Client, linked: Any, settings: Any
) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/m/ip"}
    bad = {"message": "let me in", "signature": "0x00"}

    answers = [post(client, "wallet-sign-in", bad).status_code for _ in range(4)]
    good = post(client, "wallet-sign-in", proof(client, WALLET))

    assert answers == [400, 400, 400, 429]
    assert good.status_code == 429 and "_auth_user_id" not in client.session


def test_the_log_in_page_offers_the_wallet(client: Client) -> None:
    page = client.get(reverse("account_login")).content.decode()

    assert "Sign in with your wallet" in page and 'data-wallet-action="sign-in"' in page
    assert "js/wallet_sign_in.js" in page


def test_the_chain_endpoint_gives_the_chain_id_and_rpc(client: Client, settings: Any) -> None:
    settings.CHAIN_RPC_URL = "http://127.0.0.1:8545"

    assert client.get(reverse("wallet-chain")).json() == {
        "chainId": 31337,
        "chainIdHex": "0x7a69",
        "rpcUrl": "http://127.0.0.1:8545",
    }


def test_unlink_answers_json_to_json(client: Client, linked: Any) -> None:
    client.force_login(linked)

    first = post(client, "wallet-unlink", {})
    second = post(client, "wallet-unlink", {})

    assert (first.status_code, first.json()) == (200, {"unlinked": True})
    assert_refused(second, "no_wallet")
    assert not WalletLink.objects.exists()
