"""Queue and execute passed prize proposals: any signed-in member may ask; the relayer sends."""

from __future__ import annotations

from datetime import UTC, datetime

from eth_utils import keccak

from bounties.errors import ApplicationError
from governance.chain.client import ChainClient
from governance.chain.errors import ContractRevertError
from governance.chain.governor import Governor, ProposalState
from governance.models import OutgoingTransaction, PrizeProposalDraft, SenderRole
from governance.services.connection import chain_client, platform_account
from governance.services.outbox import outgoing_transaction_enqueue
from governance.services.relaying import RelayRefused, simulate

NOT_SUBMITTED = "This draft has not been proposed yet."
NOT_PASSED = "The proposal cannot be queued or executed now: it is {}."
TOO_EARLY = "The timelock delay has not passed: the proposal can be executed from {} UTC."
WOULD_REVERT = "The governor would refuse this now: {}. Nothing was sent."


def prize_proposal_advance(
    *, draft: PrizeProposalDraft, client: ChainClient | None = None
) -> OutgoingTransaction:
    """Queue a Succeeded proposal, or execute a Queued one whose eta has passed, through the relayer.

    Idempotent: asking twice before the outbox sent it gives the same row. Raises RelayRefused (nothing
    queued) when the proposal's state allows neither, the eta is still ahead, or the call would revert.
    """
    if not draft.proposal_id or not draft.description:
        raise ApplicationError(NOT_SUBMITTED)
    client = client or chain_client()
    governor = Governor(client, draft.deployment.governor)
    proposal_id = int(draft.proposal_id)
    state = governor.state(proposal_id)
    if state == ProposalState.SUCCEEDED:
        function = "queue"
    elif state == ProposalState.QUEUED:
        eta = governor.proposal_eta(proposal_id)
        if client.latest_timestamp() < eta:
            raise RelayRefused(
                TOO_EARLY.format(datetime.fromtimestamp(eta, UTC).strftime("%Y-%m-%d %H:%M:%S"))
            )
        function = "execute"
    else:
        raise RelayRefused(NOT_PASSED.format(state.name.lower()))
    args = [
        [draft.target],
        [0],
        [bytes.fromhex(draft.call_data.removeprefix("0x"))],
        governor_description_hash(draft.description),
    ]
    try:
        simulate(
            governor.contract.get_function_by_name(function)(*args),
            sender=platform_account(SenderRole.RELAYER).address,
        )
    except ContractRevertError as error:
        raise RelayRefused(WOULD_REVERT.format(error.revert.message)) from error
    return outgoing_transaction_enqueue(
        purpose=f"{function}:{draft.deployment_id}:{proposal_id}",
        deployment=draft.deployment,
        contract="ClueGovernor",
        function=function,
        args=args,
    )


def governor_description_hash(description: str) -> bytes:
    """keccak256 of the description, as `queue` and `execute` take it."""
    return keccak(text=description)
