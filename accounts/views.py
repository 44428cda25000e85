"""The account settings page and its API token; sign-up and log-in are django-allauth's views."""

from __future__ import annotations

from allauth.core.ratelimit import consume_or_429
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.selectors import user_has_verified_email
from accounts.services import api_token_get, api_token_regenerate
from governance.selectors.wallets import wallet_of_user


@login_required
@require_http_methods(["GET"])
def account_settings_view(request: HttpRequest) -> HttpResponse:
    context = {
        "token": api_token_get(user=request.user),
        "email_verified": user_has_verified_email(user=request.user),
        "wallet": wallet_of_user(user=request.user),
    }
    return render(request, "accounts/settings.html", context)


@login_required
@require_POST
def api_token_regenerate_view(request: HttpRequest) -> HttpResponse:
    # Throttled like log-ins (ACCOUNT_RATE_LIMITS["api_token"]): a token is a password for scripts.
    refused = consume_or_429(request, action="api_token", user=request.user)
    if refused is not None:
        return refused
    api_token_regenerate(user=request.user)
    messages.success(request, "A new API token was created; the previous one no longer works.")
    return redirect("account-settings")
