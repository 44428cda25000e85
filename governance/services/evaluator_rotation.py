"""Rotating the evaluator set: the DAO proposal that calls the escrow's `setEvaluators`.

Only the escrow's owner (the timelock) changes the set, so a new evaluator key, a removed one or a new
threshold is a proposal like a prize award: drafted here as the exact `propose` arguments for one
proposer (its `#proposer=` suffix included) with the id the governor will give them, then submitted from
a member's wallet or through the platform's proposer (`proposals.propose_by_platform`).
"""

from __future__ import annotations

from collections.abc import Sequence

from eth_typing import ChecksumAddress
from web3 import Web3

from bounties.errors import ApplicationError
from governance.chain.client import ChainClient
from governance.chain.escrow import PrizeEscrow
from governance.chain.governor import proposer_suffix
from governance.models import ChainDeployment
from governance.selectors.deployment import current_deployment
from governance.services.connection import chain_client
from governance.services.proposals import ProposalCalls, proposal_id_of, proposer_threshold_check
from governance.services.relaying import NO_DEPLOYMENT

NOT_AN_ADDRESS = "{} is not an address."
ZERO_ADDRESS = "The zero address cannot be an evaluator."
DUPLICATE = "{} appears twice in the new evaluator set."
BAD_THRESHOLD = "The threshold must be between 1 and the number of evaluators ({count}); it was {threshold}."
UNCHANGED = "The escrow's evaluator set and threshold are already these; nothing to propose."


def evaluator_rotation_calls(
    *,
    evaluators: Sequence[str],
    threshold: int,
    proposer: str,
    deployment: ChainDeployment | None = None,
    client: ChainClient | None = None,
) -> ProposalCalls:
    """The `propose` arguments that replace the escrow's evaluator set with `evaluators`, m = `threshold`.

    Raises ApplicationError when no contract set is deployed, the new set is malformed (not an address,
    the zero address, a duplicate, a threshold outside 1..n), equals the current one, or `proposer`
    holds fewer votes than the governor's proposal threshold.
    """
    deployment = deployment or current_deployment()
    if deployment is None:
        raise ApplicationError(NO_DEPLOYMENT)
    new_set = _checked_set(evaluators, threshold)
    client = client or chain_client()
    escrow = PrizeEscrow(client, deployment.escrow)
    current, current_threshold = escrow.evaluators(), escrow.evaluator_threshold()
    if (current, current_threshold) == (new_set, threshold):
        raise ApplicationError(UNCHANGED)
    proposer = Web3.to_checksum_address(proposer)
    proposer_threshold_check(proposer=proposer, deployment=deployment, client=client)
    action = escrow.set_evaluators_action(evaluators=new_set, threshold=threshold)
    text = _description(current, current_threshold, new_set, threshold)
    description = f"{text}\n\n{proposer_suffix(proposer)}"
    proposal_id = proposal_id_of(
        targets=[action.target], values=[0], calldatas=[action.calldata], description=description
    )
    return ProposalCalls([action.target], [0], ["0x" + action.calldata.hex()], description, proposal_id)


def _checked_set(evaluators: Sequence[str], threshold: int) -> list[ChecksumAddress]:
    # The escrow reverts on each of these; saying so here spares a proposal that could never execute.
    checked: list[ChecksumAddress] = []
    for evaluator in evaluators:
        if not Web3.is_address(evaluator):
            raise ApplicationError(NOT_AN_ADDRESS.format(evaluator))
        address = Web3.to_checksum_address(evaluator)
        if int(address, 16) == 0:
            raise ApplicationError(ZERO_ADDRESS)
        if address in checked:
            raise ApplicationError(DUPLICATE.format(address))
        checked.append(address)
    if not 1 <= threshold <= len(checked):
        raise ApplicationError(BAD_THRESHOLD.format(count=len(checked), threshold=threshold))
    return checked


def _description(
    current: Sequence[str], current_threshold: int, new_set: Sequence[str], threshold: int
) -> str:
    added = [address for address in new_set if address not in current]
    removed = [address for address in current if address not in new_set]
    lines = "\n".join(
        [f"- Adds {address}" for address in added] + [f"- Removes {address}" for address in removed]
    )
    return (
        "# Rotate the evaluator set\n\n"
        f"Replaces the escrow's evaluators ({current_threshold} of {len(current)}: {', '.join(current)}) "
        f"with {threshold} of {len(new_set)}: {', '.join(new_set)}.\n\n"
        f"{lines or '- Changes only the threshold'}\n\n"
        "Attestations of a challenge not yet attested must then be signed by the new set; removed keys "
        "stop counting as soon as this executes."
    )
