"""The platform's one way to the chain: a client for the configured node, and the platform's keys."""

from __future__ import annotations

from django.conf import settings
from eth_account import Account
from eth_account.signers.local import LocalAccount

from governance.chain.client import ChainClient
from governance.models import SenderRole
from governance.nonces import DatabaseNonces


class ChainNotConfiguredError(RuntimeError):
    """CHAIN_RPC_URL or a key this action needs is not set."""


def chain_client(*, request_timeout: float | None = None) -> ChainClient:
    """A client for CHAIN_RPC_URL that refuses a node serving another chain than CHAIN_ID.

    Nonces come from the database, so every worker sending from one key shares one sequence. Raises
    ChainNotConfiguredError without CHAIN_RPC_URL; connection errors surface on first use.
    """
    if not settings.CHAIN_RPC_URL:
        raise ChainNotConfiguredError("CHAIN_RPC_URL is not set")
    timeout = settings.CHAIN_REQUEST_TIMEOUT if request_timeout is None else request_timeout
    client = ChainClient.connect(settings.CHAIN_RPC_URL, request_timeout=timeout, nonces=DatabaseNonces())
    client.expected_chain_id = settings.CHAIN_ID  # checked on the first call that needs the chain id
    return client


def platform_account(role: SenderRole | str) -> LocalAccount:
    """The key that signs for `role`; raises ChainNotConfiguredError when its setting is empty."""
    setting = {SenderRole.RELAYER: "RELAYER_PRIVATE_KEY", SenderRole.PROPOSER: "PROPOSER_PRIVATE_KEY"}[
        SenderRole(role)
    ]
    return _account(setting, getattr(settings, setting))


def deployer_account() -> LocalAccount:
    """The key that deploys the contract set; raises ChainNotConfiguredError when it is not set."""
    return _account("DEPLOYER_PRIVATE_KEY", settings.DEPLOYER_PRIVATE_KEY)


def evaluator_accounts() -> list[LocalAccount]:
    """The evaluator keys that sign results attestations, in settings order."""
    keys = [key for key in settings.EVALUATOR_PRIVATE_KEYS if key]
    if not keys:
        raise ChainNotConfiguredError("EVALUATOR_PRIVATE_KEYS is not set")
    return [Account.from_key(key) for key in keys]


def _account(setting: str, key: str) -> LocalAccount:
    if not key:
        raise ChainNotConfiguredError(f"{setting} is not set")
    return Account.from_key(key)
