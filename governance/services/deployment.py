"""Deploying the DAO's contract set once per chain, and noticing when the chain under it was reset."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from eth_account.signers.local import LocalAccount
from web3 import Web3

from governance.chain.anvil import dev_accounts
from governance.chain.client import (
    ChainClient,
    ChainIdMismatchError,
    FeeCapExceededError,
    ReceiptTimeoutError,
    TransactionFailedError,
)
from governance.chain.deploy import (
    LOCAL_DEV_CHAIN_ID,
    TOKEN_UNIT,
    ZERO_ADDRESS,
    Deployment,
    DeploymentRefusedError,
    GovernanceParams,
    deploy_contracts,
)
from governance.chain.errors import ContractRevertError
from governance.chain.token import GovernanceToken
from governance.models import ChainDeployment, RelayerNonce, SenderRole
from governance.selectors.deployment import current_deployment
from governance.services.connection import (
    ChainNotConfiguredError,
    chain_client,
    deployer_account,
    evaluator_accounts,
    platform_account,
)

# The demo's DAO members on the local chain: anvil's development accounts #4-#8 and #10-#14 (#0-#3 and #9
# are the platform's own keys). The one list every demo feature uses.
DEMO_MEMBER_ACCOUNT_INDEXES = (4, 5, 6, 7, 8, 10, 11, 12, 13, 14)
# With the treasury's 1.5M, quorum (4% of the supply) is then about 82k: two members' votes pass a demo
# proposal, one does not.
DEMO_MEMBER_STAKE = 50_000 * TOKEN_UNIT
_ADVISORY_LOCK_KEY = 0x636C7565_6465706C  # "cluedepl": one deployment run at a time, per database


class DeploymentError(Exception):
    """The contract set cannot be deployed with these settings or on this chain (the message says why)."""


class DeployOutcome(enum.StrEnum):
    """What `chain_deployment_ensure` found and did."""

    DEPLOYED = "deployed"
    ALREADY_DEPLOYED = "already deployed"
    REDEPLOYED = "redeployed: the chain was reset"


@dataclass(frozen=True)
class DeploymentResult:
    """The current deployment, how it came to be, and how many demo members were given voting power now."""

    outcome: DeployOutcome
    deployment: ChainDeployment
    demo_members_delegated: int = 0


def demo_member_accounts() -> list[LocalAccount]:
    """The demo members' development accounts (their keys are public: the local chain only)."""
    accounts = dev_accounts(max(DEMO_MEMBER_ACCOUNT_INDEXES) + 1)
    return [accounts[index] for index in DEMO_MEMBER_ACCOUNT_INDEXES]


def chain_deployment_ensure(*, demo_members: bool | None = None) -> DeploymentResult:
    """Make sure the configured chain has the platform's contract set; deploy it only when it has none.

    A current record whose contracts still have code is kept and nothing is sent. A record whose
    addresses have no code (the chain was reset) is marked replaced and the set is deployed again.
    `demo_members` (default: in DEBUG) mints demo stakes at a fresh deployment and self-delegates the demo
    members; only on the local development chain. One run at a time: a second waits for the first and
    then finds its deployment. Raises DeploymentError; connection errors (OSError) when the node is down.
    """
    try:
        client = chain_client()
        chain_id = client.chain_id
    except (ChainNotConfiguredError, ChainIdMismatchError) as error:
        raise DeploymentError(str(error)) from error
    local = chain_id == LOCAL_DEV_CHAIN_ID
    if demo_members and not local:
        raise DeploymentError(f"demo members exist only on the local development chain, not {chain_id}")
    demo = local if demo_members is None and settings.DEBUG else bool(demo_members)
    with transaction.atomic():
        _lock_deployments()
        current = current_deployment(chain_id=chain_id)
        if current is not None and _has_code(client, current):
            outcome = DeployOutcome.ALREADY_DEPLOYED
        else:
            outcome = DeployOutcome.DEPLOYED if current is None else DeployOutcome.REDEPLOYED
            if current is not None:
                _mark_replaced(current)
            current = _deploy(client, demo=demo)
        delegated = _delegate_demo_members(client, current) if demo else 0
    return DeploymentResult(outcome, current, delegated)


def _lock_deployments() -> None:
    # PostgreSQL: a transaction-scoped advisory lock. SQLite: this transaction began IMMEDIATE, so it
    # already holds the database's write lock until it ends.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])


def _has_code(client: ChainClient, deployment: ChainDeployment) -> bool:
    addresses = (deployment.token, deployment.timelock, deployment.governor, deployment.escrow)
    return all(client.code_size(address) > 0 for address in addresses)


def _mark_replaced(deployment: ChainDeployment) -> None:
    deployment.replaced_at = timezone.now()
    deployment.save(update_fields=["replaced_at"])
    # A reset chain counts every account's nonces from zero again: the stored ones would leave gaps.
    RelayerNonce.objects.filter(chain_id=deployment.chain_id).delete()


def governance_params() -> GovernanceParams:
    """The deployment's parameters from settings: periods, evaluators (from their keys), guardian."""
    try:
        evaluators = tuple(account.address for account in evaluator_accounts())
    except ChainNotConfiguredError as error:
        raise DeploymentError(str(error)) from error
    return GovernanceParams(
        voting_delay=settings.GOVERNANCE_VOTING_DELAY,
        voting_period=settings.GOVERNANCE_VOTING_PERIOD,
        late_quorum_extension=settings.GOVERNANCE_LATE_QUORUM_EXTENSION,
        timelock_delay=settings.GOVERNANCE_TIMELOCK_DELAY,
        execution_grace_period=settings.GOVERNANCE_EXECUTION_GRACE_PERIOD,
        evaluators=evaluators,
        evaluator_threshold=settings.EVALUATOR_THRESHOLD,
        guardian=settings.GUARDIAN_ADDRESS or None,
    )


def _deploy(client: ChainClient, *, demo: bool) -> ChainDeployment:
    params = governance_params()
    try:
        deployer = deployer_account()
        members: dict[str, int] = {a.address: DEMO_MEMBER_STAKE for a in _demo_stakeholders()} if demo else {}
        deployed = deploy_contracts(client=client, deployer=deployer, members=members, params=params)
    except (ChainNotConfiguredError, DeploymentRefusedError, ValueError, ContractRevertError) as error:
        raise DeploymentError(str(error)) from error
    except (FeeCapExceededError, ReceiptTimeoutError, TransactionFailedError) as error:
        raise DeploymentError(f"a deployment transaction did not go through: {error}") from error
    return _record(deployed, params, guardian=Web3.to_checksum_address(params.guardian or deployer.address))


def _record(deployed: Deployment, params: GovernanceParams, *, guardian: str) -> ChainDeployment:
    return ChainDeployment.objects.create(
        chain_id=deployed.chain_id,
        token=deployed.token,
        timelock=deployed.timelock,
        governor=deployed.governor,
        escrow=deployed.escrow,
        prize_token=deployed.prize_token,
        guardian=guardian,
        evaluators=list(deployed.evaluators),
        evaluator_threshold=params.evaluator_threshold,
        first_block=deployed.first_block,
    )


def _demo_stakeholders() -> list[LocalAccount]:
    # The proposer gets a demo stake too, so that it can submit prize proposals for members locally.
    return [*demo_member_accounts(), platform_account(SenderRole.PROPOSER)]


def _delegate_demo_members(client: ChainClient, deployment: ChainDeployment) -> int:
    """Self-delegate every demo stakeholder that holds tokens and has not delegated; returns how many."""
    # Signed with the members' own development keys, their nonces from the node: they are not the
    # platform's accounts, and the database's nonce rows are for those.
    token = GovernanceToken(ChainClient(client.w3, expected_chain_id=client.chain_id), deployment.token)
    delegated = 0
    for member in _demo_stakeholders():
        if token.delegates(member.address) != ZERO_ADDRESS or token.balance_of(member.address) == 0:
            continue
        token.delegate(sender=member, delegatee=member.address)
        delegated += 1
    return delegated
