"""Beat tasks of the trust chain (thin: they call governance services)."""

from __future__ import annotations

from celery import shared_task

from governance.services.trust import submission_batches_commit, trust_chain_advance


@shared_task(name="governance.tasks_commitments.advance_trust_chain")
def advance_trust_chain() -> None:
    """Creations, escrow ids, frozen results and attestations: each moves when it can."""
    trust_chain_advance()


@shared_task(name="governance.tasks_commitments.commit_submission_batches")
def commit_submission_batches() -> None:
    """A Merkle root of each challenge's new submissions, queued for the escrow."""
    submission_batches_commit()
