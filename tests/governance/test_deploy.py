"""deploy_contracts: a fresh chain gets the set, a deployed one gets nothing, a reset one gets it again."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from eth_account import Account

from governance.chain.anvil import AnvilProcess, DevChain, dev_accounts
from governance.chain.client import ChainClient
from governance.chain.token import GovernanceToken
from governance.models import ChainDeployment, RelayerNonce
from governance.services.deployment import (
    DEMO_MEMBER_ACCOUNT_INDEXES,
    DEMO_MEMBER_STAKE,
    DeploymentError,
    DeployOutcome,
    chain_deployment_ensure,
    demo_member_accounts,
)
from tests.governance.conftest import DEAD_RPC_URL

pytestmark = pytest.mark.django_db
DEPLOYER = dev_accounts(1)[0].address


def test_a_fresh_chain_gets_the_set_wired_as_the_settings_say(
    on_chain: DevChain, node_client: ChainClient, settings: LazySettings
) -> None:
    result = chain_deployment_ensure(demo_members=False)

    record = ChainDeployment.objects.get()
    assert (result.outcome, result.deployment.pk, result.demo_members_delegated) == (
        DeployOutcome.DEPLOYED,
        record.pk,
        0,
    )
    assert (record.chain_id, record.replaced_at, record.guardian) == (31337, None, settings.GUARDIAN_ADDRESS)
    evaluator = Account.from_key(settings.EVALUATOR_PRIVATE_KEYS[0]).address
    assert (record.evaluators, record.evaluator_threshold) == ([evaluator], 1)
    assert record.prize_token == record.token
    for address in (record.token, record.timelock, record.governor, record.escrow):
        assert node_client.code_size(address) > 0
    assert 0 < record.first_block <= node_client.block_number()


def test_a_second_run_sends_nothing_and_keeps_the_record(
    on_chain: DevChain, node_client: ChainClient
) -> None:
    first = chain_deployment_ensure(demo_members=False)
    block, nonce = node_client.block_number(), node_client.pending_nonce(DEPLOYER)

    again = chain_deployment_ensure(demo_members=False)

    assert (again.outcome, again.deployment.pk) == (DeployOutcome.ALREADY_DEPLOYED, first.deployment.pk)
    assert (node_client.block_number(), node_client.pending_nonce(DEPLOYER)) == (block, nonce)
    assert ChainDeployment.objects.count() == 1


def test_a_reset_chain_is_noticed_and_deployed_again(settings: LazySettings, on_chain: DevChain) -> None:
    first = chain_deployment_ensure(demo_members=False).deployment
    # The node's nonce rows now say the deployer sent transactions; a reset chain has none of them.
    assert RelayerNonce.objects.get(sender=DEPLOYER).next_nonce > 0
    with AnvilProcess(accounts=20) as reset_chain:  # the same chain id, nothing deployed
        settings.CHAIN_RPC_URL = reset_chain.w3.provider.endpoint_uri  # type: ignore[attr-defined]
        output = io.StringIO()
        call_command("deploy_contracts", "--no-demo-members", stdout=output)

        first.refresh_from_db()
        current = ChainDeployment.objects.get(replaced_at__isnull=True)
        assert "The chain was reset" in output.getvalue() and "Deployed again" in output.getvalue()
        assert first.replaced_at is not None and current.pk != first.pk
        assert reset_chain.code_size(current.escrow) > 0
        # Nonces were counted from zero again, so no transaction waits behind a gap.
        row = RelayerNonce.objects.get(sender=DEPLOYER)
        assert row.next_nonce == reset_chain.pending_nonce(DEPLOYER)


def test_demo_members_get_voting_power_once(on_chain: DevChain, node_client: ChainClient) -> None:
    result = chain_deployment_ensure(demo_members=True)

    token = GovernanceToken(node_client, result.deployment.token)
    members = demo_member_accounts()
    assert [token.get_votes(member.address) for member in members] == [DEMO_MEMBER_STAKE] * 10
    assert [a.address for a in members] == [dev_accounts(15)[i].address for i in DEMO_MEMBER_ACCOUNT_INDEXES]
    assert result.demo_members_delegated == 11  # the ten members and the proposer
    block = node_client.block_number()

    again = chain_deployment_ensure(demo_members=True)

    assert (again.outcome, again.demo_members_delegated) == (DeployOutcome.ALREADY_DEPLOYED, 0)
    assert node_client.block_number() == block


def test_demo_members_are_refused_off_the_local_chain(settings: LazySettings) -> None:
    with AnvilProcess(accounts=2, extra_args=["--chain-id", "1337"]) as other:
        settings.CHAIN_RPC_URL, settings.CHAIN_ID = other.w3.provider.endpoint_uri, 1337  # type: ignore[attr-defined]
        with pytest.raises(DeploymentError, match="only on the local development chain"):
            chain_deployment_ensure(demo_members=True)
        assert other.block_number() == 0
    assert not ChainDeployment.objects.exists()


def test_the_command_says_when_the_chain_is_down(settings: LazySettings) -> None:
    settings.CHAIN_RPC_URL = DEAD_RPC_URL
    with pytest.raises(CommandError, match="the chain is unreachable"):
        call_command("deploy_contracts")
    assert not ChainDeployment.objects.exists()


def test_the_local_chain_keeps_its_state_across_a_restart(settings: LazySettings, tmp_path: Path) -> None:
    port = _free_port()
    settings.CHAIN_RPC_URL = f"http://127.0.0.1:{port}"
    state = tmp_path / "chain" / "state.json"
    first, second = io.StringIO(), io.StringIO()

    call_command("chain_node", "--once", "--state-file", str(state), stdout=first)
    call_command("chain_node", "--once", "--state-file", str(state), stdout=second)

    assert state.is_file()
    assert "Contracts deployed on chain 31337" in first.getvalue()
    assert "Contracts already deployed on chain 31337" in second.getvalue()
    assert ChainDeployment.objects.filter(replaced_at__isnull=True).count() == 1
    assert not ChainDeployment.objects.filter(replaced_at__isnull=False).exists()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_deploy_once(on_chain: DevChain) -> None:
    outcomes: list[DeployOutcome] = []
    failures: list[BaseException] = []
    start = threading.Barrier(2)

    def run() -> None:
        try:
            start.wait(timeout=30)
            outcomes.append(chain_deployment_ensure(demo_members=False).outcome)
        except BaseException as error:  # reported below
            failures.append(error)
        finally:
            connection.close()

    runs = [threading.Thread(target=run) for _ in range(2)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join(timeout=120)
    assert not failures, failures
    assert sorted(outcomes) == sorted([DeployOutcome.DEPLOYED, DeployOutcome.ALREADY_DEPLOYED])
    assert ChainDeployment.objects.count() == 1
