"""What the trust-chain services share: which failures mean "the chain is not there now", and hex helpers."""

from __future__ import annotations

import logging

from requests.exceptions import RequestException
from web3.exceptions import Web3Exception

from governance.chain.client import ChainIdMismatchError, ReceiptTimeoutError
from governance.services.connection import ChainNotConfiguredError

logger = logging.getLogger("governance.trust")

# Failures that make a chain-bound step wait for its next run instead of failing: no node configured,
# the node unreachable or slow, or serving another chain. Rows stay as they are and are retried.
CHAIN_UNAVAILABLE: tuple[type[Exception], ...] = (
    ChainNotConfiguredError,
    ChainIdMismatchError,
    ReceiptTimeoutError,
    RequestException,
    Web3Exception,
    OSError,
)


def to_hex(value: bytes) -> str:
    """0x-prefixed lowercase hex, the form every hash is stored and shown in."""
    return "0x" + bytes(value).hex()


def from_hex(value: str) -> bytes:
    """The bytes of a stored 0x-hex value."""
    return bytes.fromhex(value.removeprefix("0x"))
