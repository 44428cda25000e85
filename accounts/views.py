"""Sign-up and the account settings page; log-in and log-out are Django's own views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import SignUpForm
from accounts.services import api_token_get, api_token_regenerate


@require_http_methods(["GET", "POST"])
def signup_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("bounties:challenge-list")
    form = SignUpForm(request.POST) if request.method == "POST" else SignUpForm()
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome to Clueboard, {user.username}.")
        return redirect("bounties:challenge-list")
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/signup.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET"])
def account_settings_view(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/settings.html", {"token": api_token_get(user=request.user)})


@login_required
@require_POST
def api_token_regenerate_view(request: HttpRequest) -> HttpResponse:
    api_token_regenerate(user=request.user)
    messages.success(request, "A new API token was created; the previous one no longer works.")
    return redirect("account-settings")
