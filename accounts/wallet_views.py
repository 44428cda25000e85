"""JSON endpoints for wallets: a nonce and the message to sign, linking, signing in; and unlinking.

Trust boundary: the request body comes from a browser and its wallet. It is parsed into strings here and
everything else is checked by governance.services.wallets; the answers' messages come from its fixed set.
Each endpoint is rate limited like the password log-in (allauth's "login" and "login_failed" rates).
"""

from __future__ import annotations

import json
from typing import Any

from allauth.core.ratelimit import consume
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from eth_utils import is_hex_address, to_checksum_address

from governance.services.wallets import (
    LINK_STATEMENT,
    SIGN_IN_STATEMENT,
    WalletRefused,
    wallet_link,
    wallet_message_for,
    wallet_nonce_issue,
    wallet_sign_in,
    wallet_unlink,
)
from governance.wallets.siwe import SiweExpectation

# The session log-in goes through allauth's backend, the one the password log-in uses.
LOGIN_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"
_FIXED = {
    "bad_request": "The request was not understood.",
    "bad_address": "That is not an Ethereum address.",
    "throttled": "Too many attempts: wait a minute and try again.",
    "login_required": "Log in first.",
}


def site_expectation(request: HttpRequest) -> SiweExpectation:
    """What a message must name: this request's host (checked against ALLOWED_HOSTS) and origin."""
    host = request.get_host()
    return SiweExpectation(domain=host, origin=f"{request.scheme}://{host}", chain_id=settings.CHAIN_ID)


def chain_config() -> dict[str, Any]:
    """The chain the pages' wallets must be on: its id and an RPC address a wallet can add."""
    rpc_url = getattr(settings, "CHAIN_PUBLIC_RPC_URL", "") or settings.CHAIN_RPC_URL
    return {"chainId": settings.CHAIN_ID, "chainIdHex": hex(settings.CHAIN_ID), "rpcUrl": rpc_url}


@require_GET
def wallet_chain_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse(chain_config())


@require_POST
def wallet_nonce_view(request: HttpRequest) -> JsonResponse:
    """A fresh nonce and, for `address`, the EIP-4361 text to sign ("purpose": "sign-in" or "link")."""
    if not consume(request, action="login"):
        return _refusal("throttled", status=429)
    body = _json_body(request)
    address, purpose = body.get("address"), body.get("purpose", "sign-in")
    if purpose not in ("sign-in", "link"):
        return _refusal("bad_request")
    if not isinstance(address, str) or not is_hex_address(address):
        return _refusal("bad_address")
    nonce = wallet_nonce_issue()
    statement = LINK_STATEMENT if purpose == "link" else SIGN_IN_STATEMENT
    text = wallet_message_for(
        nonce=nonce,
        address=to_checksum_address(address),
        expected=site_expectation(request),
        statement=statement,
    )
    return JsonResponse({"nonce": nonce.value, "message": text, "expiresAt": nonce.expires_at.isoformat()})


@require_POST
def wallet_link_view(request: HttpRequest) -> JsonResponse:
    if not request.user.is_authenticated:
        return _refusal("login_required", status=401)
    signed = _signed_message(request)
    if isinstance(signed, JsonResponse):
        return signed
    try:
        link = wallet_link(
            user=request.user, text=signed[0], signature=signed[1], expected=site_expectation(request)
        )
    except WalletRefused as refusal:
        consume(request, action="login_failed", key=_claimed_address(signed[0]))
        return JsonResponse({"code": refusal.code, "detail": refusal.message}, status=400)
    return JsonResponse({"address": link.address, "redirect": resolve_url("account-settings")})


@require_POST
def wallet_sign_in_view(request: HttpRequest) -> JsonResponse:
    signed = _signed_message(request)
    if isinstance(signed, JsonResponse):
        return signed
    try:
        user = wallet_sign_in(text=signed[0], signature=signed[1], expected=site_expectation(request))
    except WalletRefused as refusal:
        consume(request, action="login_failed", key=_claimed_address(signed[0]))
        return JsonResponse({"code": refusal.code, "detail": refusal.message}, status=400)
    login(request, user, backend=LOGIN_BACKEND)
    return JsonResponse({"redirect": _next_url(request)})


@login_required
@require_POST
def wallet_unlink_view(request: HttpRequest) -> HttpResponse:
    """Unlink; a form post (the settings page) goes back to the page with a message, JSON gets JSON."""
    wants_json = request.content_type == "application/json"
    try:
        wallet_unlink(user=request.user)
    except WalletRefused as refusal:
        if wants_json:
            return JsonResponse({"code": refusal.code, "detail": refusal.message}, status=400)
        messages.error(request, refusal.message)
    else:
        if wants_json:
            return JsonResponse({"unlinked": True})
        messages.success(request, "Your wallet was unlinked.")
    return redirect("account-settings")


def _signed_message(request: HttpRequest) -> tuple[str, str] | JsonResponse:
    """The (message, signature) strings of the body, after the rate limits let the attempt through."""
    if not consume(request, action="login"):
        return _refusal("throttled", status=429)
    body = _json_body(request)
    text, signature = body.get("message"), body.get("signature")
    if not isinstance(text, str) or not isinstance(signature, str):
        return _refusal("bad_request")
    if not consume(request, action="login_failed", key=_claimed_address(text), dry_run=True):
        return _refusal("throttled", status=429)
    return text, signature


def _claimed_address(text: str) -> str:
    """The address line of the message, lower-cased: the key failed attempts are counted under."""
    lines = text.split("\n", 2)
    return lines[1].strip().lower()[:42] if len(lines) > 1 else ""


def _json_body(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    return body if isinstance(body, dict) else {}


def _next_url(request: HttpRequest) -> str:
    target = _json_body(request).get("next")
    if isinstance(target, str) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _refusal(code: str, *, status: int = 400) -> JsonResponse:
    return JsonResponse({"code": code, "detail": _FIXED[code]}, status=status)
