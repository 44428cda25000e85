"""Sign-up, log-in, log-out and the API token on the settings page."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def test_signup_creates_the_account_and_logs_in(client: Client) -> None:
    response = client.post(
        reverse("signup"),
        {"username": "carol", "email": "carol@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    user = get_user_model().objects.get(username="carol")
    assert response.status_code == 302
    assert user.email == "carol@example.org"
    assert int(client.session["_auth_user_id"]) == user.pk


def test_signup_needs_an_unused_email(client: Client) -> None:
    UserFactory.create(username="dave", email="dave@example.org")

    response = client.post(
        reverse("signup"),
        {"username": "dave2", "email": "DAVE@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 400
    assert "An account with this email exists already" in response.content.decode()
    assert not get_user_model().objects.filter(username="dave2").exists()


def test_signup_and_login_pages_label_every_input(client: Client) -> None:
    for url in (reverse("signup"), reverse("login")):
        html = client.get(url).content.decode()
        assert html.count("<label for=") >= 2
        assert 'class="skip-link"' in html


def test_login_then_logout_by_post(client: Client) -> None:
    UserFactory.create(username="erin")

    login = client.post(reverse("login"), {"username": "erin", "password": PASSWORD})
    page = client.get(reverse("bounties:challenge-list")).content.decode()
    logout = client.post(reverse("logout"))

    assert login.status_code == 302
    assert "erin" in page and f'action="{reverse("logout")}"' in page
    assert logout.status_code == 302
    assert "_auth_user_id" not in client.session


def test_settings_page_needs_log_in(client: Client) -> None:
    response = client.get(reverse("account-settings"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


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


def test_token_regeneration_refuses_get(alice_client: Client, contributor: Any) -> None:
    response = alice_client.get(reverse("api-token-regenerate"))

    assert response.status_code == 405
    assert not Token.objects.filter(user=contributor).exists()
