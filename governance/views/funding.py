"""Funding a challenge's pool from its page, and delegating directly: calldata built here, sent by the wallet.

The browser never encodes calldata: it asks these endpoints for {to, data} and passes them to the wallet
unchanged. Amounts arrive as decimal token text and are parsed here; replies are JSON.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.http import require_GET
from web3 import Web3

from bounties.templatetags.clueboard import TOKEN_DECIMALS, tokens
from governance.chain.abi import load_artifact
from governance.chain.token import Erc20, GovernanceToken
from governance.models import ChainDeployment, PoolMirror, PoolMovement
from governance.selectors.deployment import current_deployment

_AMOUNT = re.compile(r"^[0-9]{1,30}(\.[0-9]{1,18})?$")
_UINT128_MAX = 2**128 - 1  # the escrow keeps pool amounts in uint128


def _bad(message: str) -> JsonResponse:
    return JsonResponse({"detail": message}, status=400)


def _deployment() -> ChainDeployment:
    deployment = current_deployment()
    if deployment is None:
        raise Http404("No contracts are deployed.")
    return deployment


def parse_token_amount(text: str | None) -> int | None:
    """Decimal token text ("12.5") as base units, or None when malformed, zero or too large."""
    if text is None or not _AMOUNT.match(text.strip()):
        return None
    try:
        units = int(Decimal(text.strip()).scaleb(TOKEN_DECIMALS))
    except InvalidOperation:
        return None
    return units if 0 < units <= _UINT128_MAX else None


def _call(artifact: str, address: str, function: str, args: list[Any]) -> dict[str, str]:
    # Offline encoding: an ABI is all it needs, so a down chain does not stop the wallet's call.
    contract = Web3().eth.contract(address=Web3.to_checksum_address(address), abi=load_artifact(artifact).abi)
    return {"to": contract.address, "data": contract.encode_abi(function, args=args)}


@require_GET
def fund_calls_view(request: HttpRequest, escrow_id: str) -> JsonResponse:
    """The two wallet calls that fund pool `escrow_id`: approve the escrow, then fund(id, amount)."""
    deployment = _deployment()
    amount = parse_token_amount(request.GET.get("amount"))
    if amount is None:
        return _bad("Give a positive amount of tokens, like 12.5.")
    approve = _call(Erc20.artifact, deployment.prize_token, "approve", [deployment.escrow, amount])
    fund = _call("PrizeEscrow", deployment.escrow, "fund", [int(escrow_id), amount])
    return JsonResponse({"amount": str(amount), "calls": [approve, fund]})


@require_GET
def delegate_call_view(request: HttpRequest) -> JsonResponse:
    """The wallet call `delegate(delegatee)` on the governance token (the holder pays the gas)."""
    deployment = _deployment()
    delegatee = request.GET.get("delegatee", "")
    if not Web3.is_address(delegatee):
        return _bad("Give a 0x address of 40 hex digits.")
    call = _call(
        GovernanceToken.artifact, deployment.token, "delegate", [Web3.to_checksum_address(delegatee)]
    )
    return JsonResponse({"calls": [call]})


def mirrored_funders(
    *, deployment: ChainDeployment, escrow_id: int
) -> tuple[int, list[tuple[str, int]]] | None:
    """(escrowed, [(funder, amount)] largest first) from the mirror; None before it has seen the pool."""
    pool = PoolMirror.objects.filter(deployment=deployment, challenge_id=str(escrow_id)).first()
    if pool is None:
        return None
    funded: dict[str, int] = {}
    rows = pool.movements.filter(kind__in=(PoolMovement.Kind.FUNDING, PoolMovement.Kind.REFUND))
    for row in rows.order_by("block_number", "log_index"):
        # A refund pays out the funder's whole stake: the escrow zeroes what it records for them.
        funded[row.account] = funded.get(row.account, 0) + row.amount if row.kind == "funding" else 0
    funders = sorted(((a, n) for a, n in funded.items() if n), key=lambda item: (-item[1], item[0]))
    return pool.funded - pool.refunded, funders


@require_GET
def funding_view(request: HttpRequest, escrow_id: str) -> JsonResponse:
    """The pool's total and funders as the mirror has them, for the challenge page to poll."""
    mirrored = mirrored_funders(deployment=_deployment(), escrow_id=int(escrow_id))
    if mirrored is None:
        return JsonResponse({"synced": False, "total": None, "total_tokens": None, "funders": []})
    total, funders = mirrored
    rows = [{"address": a, "amount": str(n), "tokens": tokens(n)} for a, n in funders]
    return JsonResponse({"synced": True, "total": str(total), "total_tokens": tokens(total), "funders": rows})
