"""The deployed set is wired exactly as designed: roles, owners, funds, clocks, parameters, sizes."""

from __future__ import annotations

import pytest

from governance.chain.abi import load_artifact
from governance.chain.anvil import AnvilProcess
from governance.chain.deploy import ZERO_ADDRESS, DeploymentRefusedError, GovernanceParams, deploy_contracts
from governance.chain.timelock import DEFAULT_ADMIN_ROLE, EXECUTOR_ROLE
from tests.contracts.helpers import MEMBER_STAKE, Actors, Dao

EIP170_LIMIT = 24_576


def test_timelock_roles_are_exactly_governor_guardian_canceller_and_no_deployer(dao: Dao) -> None:
    deployment, actors = dao.deployment, dao.actors
    holders = dao.timelock.role_holders(from_block=deployment.first_block)
    assert holders == {
        "admin": {deployment.timelock},  # the timelock administers itself, nobody else
        "proposer": {deployment.governor},
        # The guardian (a multisig) can stop a queued operation during the delay, never start one.
        "canceller": {deployment.governor, actors.guardian.address},
        # Anyone executes through the governor, which refuses expired proposals; nobody bypasses it.
        "executor": {deployment.governor},
    }
    assert not dao.timelock.has_role(role=EXECUTOR_ROLE, account=ZERO_ADDRESS)
    assert not dao.timelock.has_role(role=DEFAULT_ADMIN_ROLE, account=actors.deployer.address)


def test_the_timelock_not_the_governor_holds_the_treasury_and_owns_everything(dao: Dao) -> None:
    deployment, token, escrow = dao.deployment, dao.token, dao.escrow
    assert token.balance_of(deployment.timelock) == dao.params.treasury_amount
    assert token.balance_of(deployment.governor) == 0
    assert dao.client.native_balance(deployment.governor) == 0
    assert token.owner() == deployment.timelock
    assert escrow.owner() == deployment.timelock
    assert escrow.treasury() == deployment.timelock
    assert dao.governor.timelock() == deployment.timelock
    assert token.total_supply() == dao.params.treasury_amount + 5 * MEMBER_STAKE


def test_token_and_governor_share_the_timestamp_clock(dao: Dao) -> None:
    assert dao.token.clock_mode() == dao.governor.clock_mode() == "mode=timestamp"
    assert dao.token.clock() == dao.client.latest_timestamp()


def test_governance_parameters_are_the_ones_asked_for(dao: Dao) -> None:
    params, governor, escrow = dao.params, dao.governor, dao.escrow
    assert (governor.voting_delay(), governor.voting_period()) == (params.voting_delay, params.voting_period)
    assert governor.late_quorum_extension() == params.late_quorum_extension
    assert governor.proposal_threshold() == params.proposal_threshold > 0
    assert governor.execution_grace_period() == params.execution_grace_period
    assert escrow.governance_cycle() == (
        params.voting_delay + params.voting_period + params.late_quorum_extension + params.timelock_delay
    )
    assert dao.timelock.min_delay() == params.timelock_delay
    assert escrow.evaluators() == [e.address for e in dao.actors.evaluators]
    assert escrow.evaluator_threshold() == params.evaluator_threshold
    assert escrow.guardian() == dao.actors.guardian.address
    assert escrow.token() == dao.deployment.token


def test_every_contract_fits_the_eip170_size_limit_on_chain(dao: Dao) -> None:
    deployment = dao.deployment
    addresses = {
        "ClueToken": deployment.token,
        "ClueGovernor": deployment.governor,
        "TimelockController": deployment.timelock,
        "PrizeEscrow": deployment.escrow,
    }
    for name, address in addresses.items():
        size = dao.client.code_size(address)
        assert 0 < size <= EIP170_LIMIT, name
        # Immutables are filled in at deployment, so compare lengths rather than bytes.
        assert size == len(bytes.fromhex(load_artifact(name).deployed_bytecode[2:])), name


def test_deploy_refuses_the_deployer_as_sole_evaluator_or_guardian_off_the_dev_chain(actors: Actors) -> None:
    deployer, others = actors.deployer, tuple(e.address for e in actors.evaluators[:2])
    refused = (
        GovernanceParams(guardian=actors.guardian.address),  # evaluators default to the deployer
        GovernanceParams(evaluators=(deployer.address,), guardian=actors.guardian.address),
        GovernanceParams(evaluators=others, evaluator_threshold=2),  # guardian defaults to the deployer
    )
    with AnvilProcess(accounts=1, extra_args=["--chain-id", "8453"]) as base_like:
        for params in refused:
            with pytest.raises(DeploymentRefusedError):
                deploy_contracts(client=base_like, deployer=deployer, members={}, params=params)
        assert base_like.pending_nonce(deployer.address) == 0  # refused before sending anything
        fine = GovernanceParams(evaluators=others, evaluator_threshold=2, guardian=actors.guardian.address)
        deployment = deploy_contracts(client=base_like, deployer=deployer, members={}, params=fine)
        assert deployment.chain_id == 8453
