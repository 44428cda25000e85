"""Prize proposals: drafted by the platform from a closed, attested challenge, then submitted from a
member's wallet or through the platform's proposer key.

The draft is the whole proposal (the escrow's `award` call with the attested results hash, recipients
and amounts by the organizer's prize split, a description carrying the evidence), stored and shown before
anyone signs; what is proposed is exactly what was drafted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from eth_abi import encode as abi_encode
from eth_utils import keccak
from web3 import Web3

from bounties.errors import ApplicationError
from governance.chain.client import ChainClient
from governance.chain.errors import ContractRevertError
from governance.chain.escrow import ChallengeState, PrizeEscrow
from governance.chain.governor import Governor, ProposalAction, proposer_suffix
from governance.chain.token import GovernanceToken
from governance.models import ChainDeployment, OutgoingTransaction, PrizeProposalDraft, SenderRole
from governance.selectors.deployment import current_deployment
from governance.services import prize_inputs
from governance.services.connection import chain_client, platform_account
from governance.services.outbox import outgoing_transaction_enqueue
from governance.services.proposal_text import award_description
from governance.services.relaying import NO_DEPLOYMENT, RelayRefused, simulate
from governance.services.reward_shares import award_lists, prize_recipients

# Winners have a month to claim (the escrow allows 7 to 365 days, plus any time paused).
DEFAULT_CLAIM_WINDOW = 30 * 24 * 3600

NOT_CLOSED = "The challenge has not closed yet: its prizes can be proposed once the final ranking is fixed."
NOT_ATTESTED = "The challenge's results are not attested yet: the prize proposal waits for the evaluators."
MISMATCH = "The published final leaderboard is not the one the evaluators attested; the draft was not made."
NOT_ATTESTED_ON_CHAIN = "The escrow does not hold these attested results for the challenge."
NOBODY_PAYABLE = "No ranked contributor has a linked wallet, so there is nobody to pay yet."
BELOW_THRESHOLD = (
    "Proposing needs {threshold} votes (base units) and this wallet had {votes}: ask the platform to "
    "submit it through its proposer, or gather delegations first."
)
ALREADY_SUBMITTED = "This draft was already submitted through the platform's proposer."
PROPOSE_REFUSED = "The governor would refuse this proposal: {}. Nothing was sent."


@dataclass(frozen=True)
class ProposalCalls:
    """What `governor.propose` takes, exactly (the wallet passes these), and the id it will get."""

    targets: list[str]
    values: list[int]
    calldatas: list[str]
    description: str
    proposal_id: int


def proposal_id_of(*, targets: list[str], values: list[int], calldatas: list[bytes], description: str) -> int:
    """The id the governor will give these calls (OpenZeppelin's hashProposal, computed without a node)."""
    encoded = abi_encode(
        ["address[]", "uint256[]", "bytes[]", "bytes32"],
        [targets, values, calldatas, keccak(text=description)],
    )
    return int.from_bytes(keccak(encoded), "big")


def prize_proposal_draft_create(
    *, challenge: Any, created_by: Any, client: ChainClient | None = None
) -> PrizeProposalDraft:
    """Draft the prize proposal of a closed, attested challenge; the same draft if it exists already.

    Raises ApplicationError (with one of this module's messages) when the challenge is not closed, not
    attested, its published leaderboard is not the attested one, or nobody ranked can be paid.
    """
    deployment = current_deployment()
    if deployment is None:
        raise ApplicationError(NO_DEPLOYMENT)
    attestation, leaderboard = _attested_inputs(challenge)
    existing = PrizeProposalDraft.objects.filter(
        kind=PrizeProposalDraft.Kind.FINAL, challenge=challenge, results_hash=_hex(attestation.results_hash)
    ).first()
    if existing is not None:
        return existing
    escrow = PrizeEscrow(client or chain_client(), deployment.escrow)
    pool = _attested_pool(escrow, attestation)
    split = [int(share) for share in challenge.prize_split]
    recipients, unpayable = prize_recipients(
        challenge=challenge,
        ranking=leaderboard.ranking,
        winning_submissions=leaderboard.winning_submissions,
        split=split,
        pool=pool,
    )
    action = _award_action(escrow, attestation, recipients)
    fields = {
        "escrow_challenge_id": attestation.escrow_challenge_id,
        "spec_hash": _hex(attestation.spec_hash),
        "results_hash": _hex(attestation.results_hash),
        "leaderboard_url": leaderboard.url,
        "leaderboard_sha256": leaderboard.sha256,
        "attestation": {
            "evaluators": list(attestation.evaluators),
            "attested_at": attestation.attested_at.isoformat(),
            "round": attestation.round,
        },
        "pool": pool,
        "split": split,
        "recipients": recipients,
        "unpayable": unpayable,
        "claim_window": DEFAULT_CLAIM_WINDOW,
        "target": action.target,
        "call_data": _hex(action.calldata),
    }
    return PrizeProposalDraft.objects.create(
        challenge=challenge,
        deployment=deployment,
        created_by=created_by,
        text=award_description(challenge, fields),
        **fields,
    )


def _award_action(
    escrow: PrizeEscrow, attestation: prize_inputs.ChallengeAttestation, recipients: list[dict[str, Any]]
) -> ProposalAction:
    if not recipients:
        raise ApplicationError(NOBODY_PAYABLE)
    addresses, amounts = award_lists(recipients)  # a wallet paid twice (a prize and a share) gets one sum
    return escrow.award_action(
        challenge_id=attestation.escrow_challenge_id,
        results_hash=attestation.results_hash,
        recipients=addresses,
        amounts=amounts,
        claim_window=DEFAULT_CLAIM_WINDOW,
    )


def _attested_inputs(
    challenge: Any,
) -> tuple[prize_inputs.ChallengeAttestation, prize_inputs.FinalLeaderboard]:
    # The vote is bound to the evaluation: the leaderboard whose ranking is paid must be the very document
    # whose keccak the evaluators signed.
    if not challenge.is_past_close:
        raise ApplicationError(NOT_CLOSED)
    try:
        attestation = prize_inputs.challenge_attestation(challenge)
        leaderboard = prize_inputs.final_leaderboard_document(challenge)
    except prize_inputs.PrizeInputsMissing as error:
        raise ApplicationError(NOT_ATTESTED) from error
    if not (leaderboard.results_hash == attestation.results_hash == keccak(leaderboard.canonical_json)):
        raise ApplicationError(MISMATCH)
    return attestation, leaderboard


def _attested_pool(escrow: PrizeEscrow, attestation: prize_inputs.ChallengeAttestation) -> int:
    # The chain is the truth: the escrow must hold these results and this spec, and its pool is what is split.
    record = escrow.challenge(attestation.escrow_challenge_id)
    if (
        escrow.state(attestation.escrow_challenge_id) != ChallengeState.ATTESTED
        or record.results_hash != attestation.results_hash
        or record.spec_hash != attestation.spec_hash
    ):
        raise ApplicationError(NOT_ATTESTED_ON_CHAIN)
    return record.escrowed


def prize_proposal_calls(
    *, draft: PrizeProposalDraft, proposer: str, client: ChainClient | None = None
) -> ProposalCalls:
    """The exact `propose` arguments for `proposer`'s wallet (its `#proposer=` suffix included).

    Records the proposer and the id on the draft. Raises ApplicationError once the platform's proposer
    submitted it, or when `proposer` holds fewer votes than the governor's threshold (its wallet would
    only pay for a revert: the platform's proposer can submit it instead).
    """
    if draft.status == PrizeProposalDraft.Status.PROPOSER_QUEUED:
        raise ApplicationError(ALREADY_SUBMITTED)
    proposer = Web3.to_checksum_address(proposer)
    proposer_threshold_check(proposer=proposer, deployment=draft.deployment, client=client or chain_client())
    calls = _calls(draft, proposer)
    PrizeProposalDraft.objects.filter(pk=draft.pk).update(
        status=PrizeProposalDraft.Status.WALLET,
        proposer=proposer,
        description=calls.description,
        proposal_id=str(calls.proposal_id),
    )
    draft.refresh_from_db()
    return calls


def proposer_threshold_check(*, proposer: str, deployment: ChainDeployment, client: ChainClient) -> None:
    """Raises ApplicationError (BELOW_THRESHOLD) when `proposer` holds fewer votes than the governor asks.

    Its wallet would only pay for a revert: the platform's proposer can submit the proposal instead.
    """
    # The governor counts the proposer's votes one second back, as checkpointed by the token.
    votes = GovernanceToken(client, deployment.token).get_past_votes(
        account=proposer, timepoint=client.latest_timestamp() - 1
    )
    threshold = Governor(client, deployment.governor).proposal_threshold()
    if votes < threshold:
        raise ApplicationError(BELOW_THRESHOLD.format(threshold=threshold, votes=votes))


def _calls(draft: PrizeProposalDraft, proposer: str) -> ProposalCalls:
    description = f"{draft.text}\n\n{proposer_suffix(proposer)}"  # as governance.chain.Proposal.by makes it
    calldata = bytes.fromhex(draft.call_data.removeprefix("0x"))
    proposal_id = proposal_id_of(
        targets=[draft.target], values=[0], calldatas=[calldata], description=description
    )
    return ProposalCalls([draft.target], [0], [draft.call_data], description, proposal_id)


@transaction.atomic
def prize_proposal_submit_by_platform(
    *, draft: PrizeProposalDraft, client: ChainClient | None = None
) -> OutgoingTransaction:
    """Submit the draft through the platform's proposer key (the outbox sends it); idempotent.

    Simulates `propose` first; raises RelayRefused (nothing queued) when the governor would refuse it,
    e.g. the proposer lacks the voting power threshold or the proposal exists already.
    """
    draft = PrizeProposalDraft.objects.select_for_update().get(pk=draft.pk)
    if draft.submission is not None:
        return draft.submission
    proposer = platform_account(SenderRole.PROPOSER).address
    calls = _calls(draft, proposer)
    row = propose_by_platform(calls=calls, deployment=draft.deployment, client=client)
    draft.status = PrizeProposalDraft.Status.PROPOSER_QUEUED
    draft.proposer, draft.description, draft.proposal_id = proposer, calls.description, str(calls.proposal_id)
    draft.submission = row
    draft.save(update_fields=["status", "proposer", "description", "proposal_id", "submission"])
    return row


def propose_by_platform(
    *, calls: ProposalCalls, deployment: ChainDeployment, client: ChainClient | None = None
) -> OutgoingTransaction:
    """Queue `propose(calls)` from the platform's proposer key (the outbox sends it), simulated first.

    `calls` must carry the platform proposer's suffix. Raises RelayRefused (nothing queued) when the
    governor would refuse it, e.g. the proposer lacks the voting power threshold or it exists already.
    """
    proposer = platform_account(SenderRole.PROPOSER).address
    governor = Governor(client or chain_client(), deployment.governor)
    args = [calls.targets, calls.values, [bytes.fromhex(c[2:]) for c in calls.calldatas], calls.description]
    try:
        simulate(governor.contract.functions.propose(*args), sender=proposer)
    except ContractRevertError as error:
        raise RelayRefused(PROPOSE_REFUSED.format(error.revert.message)) from error
    return outgoing_transaction_enqueue(
        purpose=f"propose:{deployment.pk}:{calls.proposal_id}",
        deployment=deployment,
        contract="ClueGovernor",
        function="propose",
        args=args,
        sender_role=SenderRole.PROPOSER,
    )


def _hex(value: bytes) -> str:
    return "0x" + value.hex()
