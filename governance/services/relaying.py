"""What every relayed action shares: the one refusal type with its fixed messages, parsing what a browser
sent, and simulating a call from the relayer before the outbox pays for it."""

from __future__ import annotations

import re
from typing import Any

import requests
from django.core.cache import cache
from eth_typing import ChecksumAddress
from web3 import Web3
from web3.contract.contract import ContractFunction
from web3.exceptions import ContractLogicError, Web3Exception

from bounties.errors import ApplicationError
from governance.chain.client import ChainClient
from governance.chain.eip712 import Eip712Domain, read_domain
from governance.chain.errors import ContractRevertError, revert_from_exception

UINT256_MAX = 2**256 - 1
_SIGNATURE = re.compile(r"0x[0-9a-fA-F]{130}")
# A domain never changes for one contract on one chain; kept a day so a ballot signed just before the
# node went away can still be checked against the domain the browser was given.
_DOMAIN_CACHE_SECONDS = 24 * 3600


class RelayRefused(ApplicationError):
    """A relay request was refused before any gas was spent; `message` is one of the fixed messages."""

    status_code = 409
    code = "relay_refused"


class ChainUnavailable(ApplicationError):
    """The node could not be asked; nothing was stored or sent, try again later."""

    status_code = 503
    code = "chain_unavailable"


# What a node that is down, slow or gone raises through web3's HTTP provider.
CHAIN_ERRORS: tuple[type[Exception], ...] = (requests.exceptions.RequestException, Web3Exception, OSError)
CHAIN_DOWN = "The chain cannot be reached right now. Nothing was sent; please try again in a few minutes."
NO_DEPLOYMENT = "No contract set is deployed on this chain yet."


def parse_address(value: Any, *, field: str) -> ChecksumAddress:
    """A 0x address from a browser, checksummed; raises ApplicationError naming `field`."""
    # Trust boundary: anything a browser sends is text until it is parsed here.
    if not isinstance(value, str) or not Web3.is_address(value):
        raise ApplicationError("Give a 0x address of 40 hex digits.", field=field)
    return Web3.to_checksum_address(value)


def parse_uint(value: Any, *, field: str) -> int:
    """A uint256 sent as a number or a decimal string; raises ApplicationError naming `field`."""
    if isinstance(value, bool):
        raise ApplicationError("Give a whole number.", field=field)
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,78}", value):
        value = int(value)
    if not isinstance(value, int) or not 0 <= value <= UINT256_MAX:
        raise ApplicationError("Give a whole number from 0 to 2**256 - 1.", field=field)
    return value


def parse_signature(value: Any, *, field: str = "signature") -> bytes:
    """A 65-byte ECDSA signature as 0x-hex; a v of 0/1 (some wallets) is normalised to 27/28."""
    if not isinstance(value, str) or not _SIGNATURE.fullmatch(value):
        raise ApplicationError("Give the wallet's signature: 0x and 130 hex digits.", field=field)
    raw = bytearray(bytes.fromhex(value[2:]))
    if raw[64] in (0, 1):
        raw[64] += 27
    return bytes(raw)


def cached_domain(client: ChainClient, contract: Any) -> Eip712Domain:
    """The contract's EIP-712 domain, read from the chain (never hard-coded), remembered for later checks.

    Raises ChainUnavailable when the node cannot be asked and the domain was never read.
    """
    key = f"eip712-domain:{client.expected_chain_id}:{contract.address}"
    try:
        domain = read_domain(client, contract)
    except CHAIN_ERRORS as error:  # the node is down or slow: fall back to what it said before
        remembered = cache.get(key)
        if remembered is None:
            raise ChainUnavailable(CHAIN_DOWN) from error
        return Eip712Domain(**remembered)
    cache.set(key, domain.__dict__, _DOMAIN_CACHE_SECONDS)
    return domain


def simulate(call: ContractFunction, *, sender: str) -> None:
    """Run `call` as `sender` with eth_call; raises ContractRevertError (decoded) if it would revert."""
    try:
        call.call({"from": Web3.to_checksum_address(sender)})
    except ContractLogicError as error:
        raise ContractRevertError(revert_from_exception(error)) from error


def signature_hex(signature: bytes) -> str:
    """How signatures are stored and sent: 0x-hex."""
    return "0x" + signature.hex()
