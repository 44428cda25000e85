"""Batched priority commitments: a Merkle root of new submission and clue hashes per challenge, queued for
the escrow.

Each run takes, per challenge the escrow accepts commitments for, the submissions and clues not yet in a
batch, builds the Merkle tree of their content hashes (a clue's hash is of its own kind, see
`bounties.content_hashes`), stores the batch and every member's inclusion proof,
and queues `PrizeEscrow.commit`. A submission or clue is in exactly one batch (a one-to-one row), so a re-run
with nothing new does nothing.
"""

from __future__ import annotations

import time

from django.db import transaction

from bounties.models import Clue, Submission
from governance.chain.merkle import SubmissionBatch, build_batch
from governance.models import ChallengeOnChain, ClueCommitment, CommitmentBatch, SubmissionCommitment
from governance.selectors.deployment import current_deployment
from governance.services.outbox import outgoing_transaction_enqueue
from governance.services.trust_common import to_hex

# Proofs grow with log2 of the batch: 1,024 hashes make 10-step proofs; more wait for the next run.
MAX_BATCH_SIZE = 1024


def commit_purpose(deployment_id: int, batch_id: int) -> str:
    """The outbox purpose (idempotency key) of a batch's commit on one deployment."""
    return f"submissions-commit:{deployment_id}:{batch_id}"


def commitment_batches_create(*, now: float | None = None) -> list[CommitmentBatch]:
    """One new batch per challenge that has uncommitted submissions and still accepts commitments.

    Only challenges created in the escrow on the current deployment, before their escrow deadline.
    """
    deployment = current_deployment()
    if deployment is None:
        return []
    moment = int(time.time() if now is None else now)
    records = ChallengeOnChain.objects.filter(
        escrow_challenge_id__isnull=False,
        create_transaction__deployment=deployment,
        submission_deadline__gt=moment,
    ).values_list("pk", flat=True)
    batches = [commitment_batch_create(challenge_on_chain_id=pk) for pk in records]
    return [batch for batch in batches if batch is not None]


@transaction.atomic
def commitment_batch_create(*, challenge_on_chain_id: int) -> CommitmentBatch | None:
    """Batch the challenge's uncommitted submissions and clues and queue the commit; None when there are none.

    The challenge's record is locked, so two runs at once make one batch.
    """
    record = (
        ChallengeOnChain.objects.select_for_update(of=("self",))
        .select_related("create_transaction__deployment")
        .get(pk=challenge_on_chain_id)
    )
    pending = list(
        Submission.objects.filter(challenge_id=record.challenge_id, commitment__isnull=True)
        .order_by("created_at", "id")
        .values_list("pk", "content_hash")[:MAX_BATCH_SIZE]
    )
    # Clues fill what submissions leave of the batch; one without a hash (none yet) is never committed.
    pending_clues = list(
        Clue.objects.filter(challenge_id=record.challenge_id, commitment__isnull=True)
        .exclude(content_hash="")
        .order_by("created_at", "id")
        .values_list("pk", "content_hash")[: MAX_BATCH_SIZE - len(pending)]
    )
    new_hashes = _attach_already_committed(record, pending)
    new_hashes += [
        h for h in _attach_already_committed(record, pending_clues, ClueCommitment) if h not in new_hashes
    ]
    if not new_hashes:
        return None
    tree = build_batch(new_hashes)
    batch = CommitmentBatch.objects.create(challenge_on_chain=record, root=to_hex(tree.root))
    SubmissionCommitment.objects.bulk_create(
        SubmissionCommitment(
            submission_id=pk,
            batch=batch,
            submission_hash="0x" + content_hash,
            proof=_proof(tree, content_hash),
        )
        for pk, content_hash in pending
        if bytes.fromhex(content_hash) in tree.proofs
    )
    ClueCommitment.objects.bulk_create(
        ClueCommitment(
            clue_id=pk, batch=batch, clue_hash="0x" + content_hash, proof=_proof(tree, content_hash)
        )
        for pk, content_hash in pending_clues
        if bytes.fromhex(content_hash) in tree.proofs
    )
    assert record.create_transaction is not None and record.escrow_challenge_id is not None
    row = outgoing_transaction_enqueue(
        purpose=commit_purpose(record.create_transaction.deployment_id, batch.pk),
        deployment=record.create_transaction.deployment,
        contract="PrizeEscrow",
        function="commit",
        args=[record.escrow_challenge_id, tree.root],
    )
    batch.commit_transaction = row
    batch.save(update_fields=["commit_transaction"])
    return batch


def _proof(tree: SubmissionBatch, content_hash: str) -> list[str]:
    return [to_hex(node) for node in tree.proof(bytes.fromhex(content_hash))]


def _attach_already_committed(
    record: ChallengeOnChain,
    pending: list[tuple[int, str]],
    model: type[SubmissionCommitment] | type[ClueCommitment] = SubmissionCommitment,
) -> list[bytes]:
    """The distinct hashes of `pending` (work id, content hash) not committed before under `model`;
    resubmitted identical content (same hash) shares the earlier row's batch and proof, since the escrow
    already proves its time. Submissions and clues alike: only the names of the work and hash differ."""
    work, hash_field = (
        ("clue_id", "clue_hash") if model is ClueCommitment else ("submission_id", "submission_hash")
    )
    earlier = {
        getattr(row, hash_field): row
        for row in model.objects.filter(
            batch__challenge_on_chain=record, **{f"{hash_field}__in": ["0x" + h for _, h in pending]}
        ).select_related("batch")
    }
    fresh: list[bytes] = []
    for pk, content_hash in pending:
        known = earlier.get("0x" + content_hash)
        if known is not None:
            model.objects.create(
                **{work: pk, hash_field: getattr(known, hash_field)}, batch=known.batch, proof=known.proof
            )
        elif bytes.fromhex(content_hash) not in fresh:
            fresh.append(bytes.fromhex(content_hash))
    return fresh
