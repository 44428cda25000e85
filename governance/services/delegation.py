"""Delegation by signature: a holder signs an EIP-712 `Delegation` in the browser, the relayer pays.

The same checks as for ballots run before any gas: the signer is the holder (against the domain the
token reports), the nonce is the holder's next, the signature has not expired, the holder has tokens
to delegate (an empty delegation would only spend the relayer's gas), and an eth_call succeeds.
Direct wallet delegations need nothing here: the indexer sees them like any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from governance.chain.client import ChainClient
from governance.chain.eip712 import recover_signer
from governance.chain.errors import ContractRevertError
from governance.chain.token import GovernanceToken
from governance.models import ChainDeployment, RelayedDelegation, SenderRole
from governance.services.connection import chain_client, platform_account
from governance.services.outbox import outgoing_transaction_enqueue
from governance.services.relaying import (
    CHAIN_DOWN,
    CHAIN_ERRORS,
    ChainUnavailable,
    RelayRefused,
    cached_domain,
    parse_address,
    parse_signature,
    parse_uint,
    signature_hex,
    simulate,
)

# A signed delegation is valid this long by default: enough to sign and relay, short enough that a
# forgotten signature cannot be replayed much later.
DEFAULT_EXPIRY_SECONDS = 3600
# Refused if it would expire this soon: the relayer's transaction must still be mined before it.
EXPIRY_MARGIN_SECONDS = 60

FORGED = "The signature is not this holder's for this token on this chain. Nothing was sent."
STALE_NONCE = (
    "The delegation's nonce is not the holder's next one (signed twice, or replayed). Nothing was sent."
)
EXPIRED = "This signed delegation has expired or is about to; please sign a new one. Nothing was sent."
NO_TOKENS = "This address holds no tokens, so delegating it would change nothing. Nothing was sent."
ALREADY = "This address already delegates to that delegate. Nothing was sent."
WOULD_REVERT = "The token would refuse this delegation: {}. Nothing was sent."


@dataclass(frozen=True)
class SignedDelegation:
    """A delegation as the browser sent it, parsed."""

    delegator: str
    delegatee: str
    nonce: int
    expiry: int
    signature: bytes


def signed_delegation_parse(data: dict[str, Any]) -> SignedDelegation:
    """Parse a browser's JSON (delegator, delegatee, nonce, expiry, signature); raises ApplicationError."""
    # Trust boundary: the request body is whatever a browser (or anyone) sent.
    return SignedDelegation(
        delegator=parse_address(data.get("delegator"), field="delegator"),
        delegatee=parse_address(data.get("delegatee"), field="delegatee"),
        nonce=parse_uint(data.get("nonce"), field="nonce"),
        expiry=parse_uint(data.get("expiry"), field="expiry"),
        signature=parse_signature(data.get("signature")),
    )


def delegation_typed_data(
    *, deployment: ChainDeployment, delegator: str, delegatee: str, client: ChainClient | None = None
) -> dict[str, Any]:
    """The EIP-712 `Delegation` the holder signs: its next nonce, expiring in DEFAULT_EXPIRY_SECONDS."""
    client = client or chain_client()
    token = GovernanceToken(client, deployment.token)
    try:
        nonce = token.nonce(parse_address(delegator, field="delegator"))
        expiry = client.latest_timestamp() + DEFAULT_EXPIRY_SECONDS
        return token.delegation_typed_data(delegatee=delegatee, nonce=nonce, expiry=expiry)
    except CHAIN_ERRORS as error:
        raise ChainUnavailable(CHAIN_DOWN) from error


def delegation_relay(
    *,
    deployment: ChainDeployment,
    signed: SignedDelegation,
    submitted_by: Any = None,
    client: ChainClient | None = None,
) -> RelayedDelegation:
    """Check a signed delegation, store it and hand `delegateBySig` to the outbox.

    The same signed delegation twice returns the stored row. Raises RelayRefused (nothing stored or
    sent) for a forged, expired, replayed, empty or redundant delegation; ChainUnavailable when the node
    cannot be asked (a delegation has no deadline to keep, so the holder simply tries again).
    """
    existing = RelayedDelegation.objects.filter(
        deployment=deployment, delegator=signed.delegator, nonce=str(signed.nonce)
    ).first()
    if existing is not None and existing.signature == signature_hex(signed.signature):
        return existing
    client = client or chain_client()
    relayer = platform_account(SenderRole.RELAYER).address
    try:
        args = _check(client, deployment, signed, relayer)
    except CHAIN_ERRORS as error:
        raise ChainUnavailable(CHAIN_DOWN) from error
    try:
        with transaction.atomic():
            row = outgoing_transaction_enqueue(
                purpose=f"delegate:{deployment.pk}:{signed.delegator}:{signed.nonce}",
                deployment=deployment,
                contract="ClueToken",
                function="delegateBySig",
                args=args,
            )
            return RelayedDelegation.objects.create(
                deployment=deployment,
                delegator=signed.delegator,
                delegatee=signed.delegatee,
                nonce=str(signed.nonce),
                expiry=signed.expiry,
                signature=signature_hex(signed.signature),
                submitted_by=submitted_by if getattr(submitted_by, "pk", None) else None,
                outgoing=row,
            )
    except IntegrityError as error:
        raise RelayRefused(STALE_NONCE) from error


def _check(
    client: ChainClient, deployment: ChainDeployment, signed: SignedDelegation, relayer: str
) -> list[Any]:
    token = GovernanceToken(client, deployment.token)
    document = token.delegation_typed_data(
        delegatee=signed.delegatee, nonce=signed.nonce, expiry=signed.expiry
    )
    document["domain"] = cached_domain(client, token.contract).as_dict()
    try:
        signer = recover_signer(document, signed.signature)
    except Exception as error:  # malformed s or v
        raise RelayRefused(FORGED) from error
    if signer != signed.delegator:
        raise RelayRefused(FORGED)
    if signed.expiry <= client.latest_timestamp() + EXPIRY_MARGIN_SECONDS:
        raise RelayRefused(EXPIRED)
    if token.nonce(signed.delegator) != signed.nonce:
        raise RelayRefused(STALE_NONCE)
    if token.balance_of(signed.delegator) == 0:
        raise RelayRefused(NO_TOKENS)
    if token.delegates(signed.delegator) == signed.delegatee:
        raise RelayRefused(ALREADY)
    raw = signed.signature
    args = [signed.delegatee, signed.nonce, signed.expiry, raw[64], raw[:32], raw[32:64]]
    try:
        simulate(token.contract.functions.delegateBySig(*args), sender=relayer)
    except ContractRevertError as error:
        raise RelayRefused(WOULD_REVERT.format(error.revert.message)) from error
    return args
