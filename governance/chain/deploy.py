"""Deploy and wire the DAO's contracts: token, timelock, governor and prize escrow."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress
from web3 import Web3

from governance.chain.client import ChainClient
from governance.chain.timelock import CANCELLER_ROLE, DEFAULT_ADMIN_ROLE, EXECUTOR_ROLE, PROPOSER_ROLE

ZERO_ADDRESS = Web3.to_checksum_address("0x" + "00" * 20)
TOKEN_UNIT = 10**18
LOCAL_DEV_CHAIN_ID = 31337  # anvil's (and hardhat's) default: the only chain where dev shortcuts are allowed


class DeploymentRefusedError(ValueError):
    """The settings would leave the deployer's own key in a role that must not be one key's (off dev)."""


@dataclass(frozen=True)
class GovernanceParams:
    """Deployment settings; the defaults suit anvil (minutes). Production uses days."""

    voting_delay: int = 60  # seconds from proposal to the voting power snapshot
    voting_period: int = 600
    late_quorum_extension: int = 120  # seconds added when quorum is first reached late
    timelock_delay: int = 120
    # Votes needed to propose: 0.04% of the supply here, enough that a stranger cannot propose (and so
    # cannot take over a copied proposal); production sets 0.1-1%.
    proposal_threshold: int = 1_000 * TOKEN_UNIT
    execution_grace_period: int = 86_400  # seconds a queued proposal stays executable (production: 14 days)
    # Quorum is a share of total supply, treasury included: with the treasury holding 60%, 4% of the
    # total is 10% of what members hold, a turnout that a live DAO reaches.
    quorum_percent: int = 4
    treasury_amount: int = 1_500_000 * TOKEN_UNIT
    evaluators: tuple[str, ...] = ()  # empty: the deployer alone (refused off the local dev chain)
    evaluator_threshold: int = 1
    guardian: str | None = None  # None: the deployer (refused off the local dev chain)
    prize_token: str | None = None  # None: prizes are paid in the governance token
    erc20_name: str = "Clueboard"  # name and symbol of the governance token
    erc20_symbol: str = "CLUE"


@dataclass(frozen=True)
class Deployment:
    """Addresses of one deployed, wired contract set, and where it starts on the chain."""

    chain_id: int
    token: ChecksumAddress
    timelock: ChecksumAddress
    governor: ChecksumAddress
    escrow: ChecksumAddress
    prize_token: ChecksumAddress
    first_block: int
    evaluators: tuple[ChecksumAddress, ...] = field(default=())


def deploy_contracts(
    *,
    client: ChainClient,
    deployer: LocalAccount,
    members: Mapping[str, int],
    params: GovernanceParams | None = None,
) -> Deployment:
    """Deploy token, timelock, governor and escrow, wire the timelock's roles, renounce the deployer's.

    `members` maps each founding member to the tokens minted to it. Raises DeploymentRefusedError, before
    sending anything, when the deployer would be the sole evaluator or the guardian off the local dev
    chain; ValueError for an impossible evaluator set; ContractRevertError if a constructor or a wiring
    call reverts.
    """
    params = params or GovernanceParams()
    evaluators = tuple(Web3.to_checksum_address(a) for a in params.evaluators) or (deployer.address,)
    guardian = Web3.to_checksum_address(params.guardian or deployer.address)
    if not 1 <= params.evaluator_threshold <= len(evaluators):
        raise ValueError(
            f"threshold {params.evaluator_threshold} impossible with {len(evaluators)} evaluators"
        )
    _refuse_deployer_roles(client, deployer, evaluators, guardian)
    first_block = client.block_number() + 1
    timelock = client.deploy(
        "TimelockController", params.timelock_delay, [], [], deployer.address, sender=deployer
    )
    token = _deploy_token(client, deployer, timelock, members, params)
    governor = client.deploy(
        "ClueGovernor",
        token,
        timelock,
        params.voting_delay,
        params.voting_period,
        params.quorum_percent,
        params.late_quorum_extension,
        params.proposal_threshold,
        params.execution_grace_period,
        sender=deployer,
    )
    prize_token = Web3.to_checksum_address(params.prize_token) if params.prize_token else token
    escrow = client.deploy(
        "PrizeEscrow",
        prize_token,
        timelock,
        timelock,  # the treasury: unclaimed prizes go back to the DAO
        governor,
        guardian,
        list(evaluators),
        params.evaluator_threshold,
        sender=deployer,
    )
    _wire_timelock(client, deployer, timelock, governor, guardian)
    return Deployment(
        client.chain_id, token, timelock, governor, escrow, prize_token, first_block, evaluators
    )


def _refuse_deployer_roles(
    client: ChainClient, deployer: LocalAccount, evaluators: tuple[str, ...], guardian: str
) -> None:
    # One hot deployment key that alone attests results or pauses payouts is a dev convenience only.
    if client.chain_id == LOCAL_DEV_CHAIN_ID:
        return
    if evaluators == (deployer.address,):
        raise DeploymentRefusedError(f"the deployer may not be the sole evaluator on chain {client.chain_id}")
    if guardian == deployer.address:
        raise DeploymentRefusedError(f"the deployer may not be the guardian on chain {client.chain_id}")


def _deploy_token(
    client: ChainClient,
    deployer: LocalAccount,
    timelock: ChecksumAddress,
    members: Mapping[str, int],
    params: GovernanceParams,
) -> ChecksumAddress:
    holders = [timelock, *(Web3.to_checksum_address(member) for member in members)]
    amounts = [params.treasury_amount, *members.values()]
    return client.deploy(
        "ClueToken", params.erc20_name, params.erc20_symbol, holders, amounts, timelock, sender=deployer
    )


def _wire_timelock(
    client: ChainClient,
    deployer: LocalAccount,
    timelock: ChecksumAddress,
    governor: ChecksumAddress,
    guardian: ChecksumAddress,
) -> None:
    # Only the governor may queue. The governor and the guardian (a multisig) may cancel a queued
    # operation, so a malicious low-turnout proposal can be stopped during the delay; the guardian can
    # never start one. The governor is the only executor: anyone may still execute through
    # `governor.execute`, but only there is a queued proposal's expiry checked. Then the deployer gives
    # up admin so that nobody outside governance can change the roles.
    contract = client.contract("TimelockController", timelock)
    grants = [
        (PROPOSER_ROLE, governor),
        (CANCELLER_ROLE, governor),
        (CANCELLER_ROLE, guardian),
        (EXECUTOR_ROLE, governor),
    ]
    for role, account in grants:
        client.transact(contract.functions.grantRole(role, account), sender=deployer)
    client.transact(contract.functions.renounceRole(DEFAULT_ADMIN_ROLE, deployer.address), sender=deployer)
