"""Rows of the chain mirror, as the indexer and the outbox leave them, for the feed's chain sources.

The feed reads the mirror only (pages never wait for the node), so these tests write the mirror's rows
directly; the indexer that fills them from a real chain has its own tests in tests/governance/.
"""

from __future__ import annotations

from datetime import datetime
from itertools import count
from typing import Any

from governance.models import (
    ChainDeployment,
    ChallengeOnChain,
    CommitmentBatch,
    OutgoingTransaction,
    PoolMirror,
    PoolMovement,
    PrizeProposalDraft,
    ProposalMirror,
    SubmissionCommitment,
    VoteMirror,
)

VOTER = "0x" + "a1" * 20
WINNER = "0xB0b0000000000000000000000000000000000B0b"
TOKEN = 10**18
_roots = count(1)


def deployment() -> ChainDeployment:
    return ChainDeployment.objects.create(
        chain_id=31337,
        token="0x" + "10" * 20,
        timelock="0x" + "11" * 20,
        governor="0x" + "12" * 20,
        escrow="0x" + "e5" * 20,
        prize_token="0x" + "10" * 20,
        guardian="0x" + "13" * 20,
        first_block=1,
    )


def transaction(chain: ChainDeployment, purpose: str, *, mined_at: datetime | None) -> OutgoingTransaction:
    status = OutgoingTransaction.Status.CONFIRMED if mined_at else OutgoingTransaction.Status.QUEUED
    return OutgoingTransaction.objects.create(
        purpose=purpose,
        deployment=chain,
        contract="PrizeEscrow",
        to_address=chain.escrow,
        function="f",
        call_data="0x",
        status=status,
        block_timestamp=mined_at,
        mined_at=mined_at,
    )


def on_chain(challenge: Any, chain: ChainDeployment, *, escrow_id: int, at: datetime) -> ChallengeOnChain:
    return ChallengeOnChain.objects.create(
        challenge=challenge,
        spec_document="{}",
        spec_hash="0x" + "5" * 64,
        submission_deadline=1,
        award_deadline=2,
        create_transaction=transaction(chain, f"create:{challenge.pk}", mined_at=at),
        escrow_challenge_id=escrow_id,
    )


def commitment(record: ChallengeOnChain, submissions: list[Any], *, at: datetime | None) -> CommitmentBatch:
    chain = record.create_transaction.deployment  # type: ignore[union-attr]
    n = next(_roots)
    batch = CommitmentBatch.objects.create(
        challenge_on_chain=record,
        root=f"0x{n:02x}" + "ab" * 31,
        commit_transaction=transaction(chain, f"commit:{n}", mined_at=at),
    )
    for submission in submissions:
        SubmissionCommitment.objects.create(
            submission=submission, batch=batch, submission_hash="0x" + "0" * 64
        )
    return batch


def prize_proposal(
    challenge: Any, chain: ChainDeployment, *, proposal_id: str, title: str, created_at: datetime
) -> ProposalMirror:
    """The chain's proposal and the platform's draft that names it for `challenge`."""
    PrizeProposalDraft.objects.create(
        challenge=challenge,
        deployment=chain,
        created_by=challenge.organizer,
        escrow_challenge_id=1,
        spec_hash="0x" + "5" * 64,
        results_hash="0x" + proposal_id[-1] * 64,
        leaderboard_url="/",
        leaderboard_sha256="0" * 64,
        attestation={},
        pool=0,
        split=[100],
        recipients=[],
        claim_window=1,
        target=chain.escrow,
        call_data="0x",
        text=title,
        proposal_id=proposal_id,
    )
    return bare_proposal(chain, proposal_id=proposal_id, title=title, created_at=created_at)


def bare_proposal(
    chain: ChainDeployment, *, proposal_id: str, title: str, created_at: datetime
) -> ProposalMirror:
    return ProposalMirror.objects.create(
        deployment=chain,
        proposal_id=proposal_id,
        proposer=VOTER,
        description=f"# {title}\n\nDetails.",
        vote_start=1,
        vote_end=2,
        created_tx="0x" + "c" * 64,
        created_block=1,
        created_at=created_at,
    )


def vote(proposal: ProposalMirror, *, at: datetime, support: int = 1, voter: str = VOTER) -> VoteMirror:
    return VoteMirror.objects.create(
        proposal=proposal,
        voter=voter,
        support=support,
        weight=250 * TOKEN,
        tx_hash="0x" + "d" * 64,
        block_number=2,
        block_time=at,
    )


def pool(chain: ChainDeployment, *, escrow_id: int, at: datetime) -> PoolMirror:
    return PoolMirror.objects.create(
        deployment=chain,
        challenge_id=str(escrow_id),
        creator=VOTER,
        spec_hash="0x" + "5" * 64,
        submission_deadline=1,
        award_deadline=2,
        state=1,
        created_tx="0x" + "e" * 64,
        created_block=1,
        created_at=at,
    )


def movement(mirror: PoolMirror, kind: str, *, amount: int, at: datetime, log_index: int = 0) -> PoolMovement:
    return PoolMovement.objects.create(
        pool=mirror,
        kind=kind,
        account=WINNER,
        amount=amount,
        tx_hash="0x" + "f" * 64,
        block_number=3,
        log_index=log_index,
        block_time=at,
    )
