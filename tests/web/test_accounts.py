"""Sign-up with a confirmed email, log-in, log-out, rate limits, and the API token on the settings page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def sign_up(client: Client, username: str, email: str) -> Any:
    return client.post(
        reverse("account_signup"),
        {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def confirmation_link(message: Any) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body)
    assert match is not None, message.body
    return match.group(1)


def test_signup_sends_a_confirmation_and_does_not_log_in_yet(client: Client) -> None:
    response = sign_up(client, "carol", "carol@example.org")

    user = get_user_model().objects.get(username="carol")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert not EmailAddress.objects.get(user=user).verified
    assert [message.to for message in mail.outbox] == [["carol@example.org"]]


def test_following_the_confirmation_link_verifies_and_logs_in(client: Client) -> None:
    sign_up(client, "carol", "carol@example.org")
    link = confirmation_link(mail.outbox[0])

    page = client.get(link)  # a link preview fetches with GET: that alone confirms nothing
    unconfirmed = EmailAddress.objects.get(email="carol@example.org").verified
    confirmed = client.post(link)

    assert page.status_code == 200 and not unconfirmed
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(email="carol@example.org").verified
    assert int(client.session["_auth_user_id"]) == get_user_model().objects.get(username="carol").pk


def test_signup_with_a_known_email_answers_like_a_new_one(client: Client) -> None:
    """Nobody learns from the sign-up form which addresses have accounts; the owner gets an email."""
    UserFactory.create(username="dave", email="dave@example.org")

    known = sign_up(client, "dave2", "DAVE@example.org")
    fresh = sign_up(Client(), "erin", "erin@example.org")

    assert (known.status_code, known["Location"]) == (fresh.status_code, fresh["Location"])
    assert not get_user_model().objects.filter(username="dave2").exists()
    to_dave = [message for message in mail.outbox if message.to == ["dave@example.org"]]
    assert len(to_dave) == 1 and "already" in to_dave[0].body.lower()


def test_unverified_accounts_cannot_log_in(client: Client) -> None:
    UserFactory.create(username="frank", email_verified=False)

    response = client.post(reverse("account_login"), {"login": "frank", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_signup_and_login_pages_label_every_input(client: Client) -> None:
    for url in (reverse("account_signup"), reverse("account_login")):
        html = client.get(url).content.decode()
        assert html.count("<label for=") >= 2
        assert 'class="skip-link"' in html and 'class="auth-box"' in html


@pytest.mark.parametrize("login", ["erin", "erin@example.org"])
def test_login_by_username_or_email_then_logout_by_post(client: Client, login: str) -> None:
    UserFactory.create(username="erin", email="erin@example.org")

    response = client.post(reverse("account_login"), {"login": login, "password": PASSWORD})
    page = client.get(reverse("bounties:challenge-list")).content.decode()
    logout = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert "erin" in page and f'action="{reverse("account_logout")}"' in page
    assert logout.status_code == 302
    assert "_auth_user_id" not in client.session


def test_signups_from_one_address_are_throttled(client: Client, settings: Any) -> None:
    statuses = [sign_up(client, f"user{n}", f"user{n}@example.org").status_code for n in range(11)]

    assert statuses[:10] == [302] * 10
    assert statuses[10] == 429
    assert get_user_model().objects.filter(username__startswith="user").count() == 10


def test_failed_logins_are_throttled_per_account(client: Client) -> None:
    UserFactory.create(username="gina")

    wrong = [
        client.post(reverse("account_login"), {"login": "gina", "password": "wrong"}).content.decode()
        for _ in range(6)
    ]
    right = client.post(reverse("account_login"), {"login": "gina", "password": PASSWORD})

    assert not any("Too many failed login attempts" in page for page in wrong[:5])
    assert "Too many failed login attempts" in wrong[5]
    # Even the right password waits until the window passes.
    assert right.status_code == 200 and "Too many failed login attempts" in right.content.decode()
    assert "_auth_user_id" not in client.session


def test_settings_page_needs_log_in(client: Client) -> None:
    response = client.get(reverse("account-settings"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_token_is_created_then_regenerated(alice_client: Client, contributor: Any) -> None:
    assert "You have no API token yet." in alice_client.get(reverse("account-settings")).content.decode()

    alice_client.post(reverse("api-token-regenerate"))
    first = Token.objects.get(user=contributor)
    page = alice_client.get(reverse("account-settings")).content.decode()
    alice_client.post(reverse("api-token-regenerate"))
    second = Token.objects.get(user=contributor)

    assert first.key in page
    assert second.key != first.key
    assert not Token.objects.filter(key=first.key).exists()


def test_token_regeneration_is_throttled(alice_client: Client, contributor: Any) -> None:
    statuses = [alice_client.post(reverse("api-token-regenerate")).status_code for _ in range(6)]
    kept = Token.objects.get(user=contributor).key
    refused = alice_client.post(reverse("api-token-regenerate"))

    assert statuses == [302] * 5 + [429]
    assert refused.status_code == 429
    assert Token.objects.get(user=contributor).key == kept


def test_token_regeneration_refuses_get(alice_client: Client, contributor: Any) -> None:
    response = alice_client.get(reverse("api-token-regenerate"))

    assert response.status_code == 405
    assert not Token.objects.filter(user=contributor).exists()


def test_settings_page_says_whether_the_email_is_verified(client: Client) -> None:
    client.force_login(UserFactory.create(username="hal", email_verified=False))

    page = client.get(reverse("account-settings")).content.decode()

    assert "not verified yet" in page
