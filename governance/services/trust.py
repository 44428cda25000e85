"""One step of the trust chain, run by the beat task: everything that can move forward now, moves.

Steps that need only the database run first; the ones that need the node run after, and wait for the
next run when it is unreachable (nothing fails, every row stays as it was).
"""

from __future__ import annotations

from governance.services.attestations import challenges_results_attest, challenges_results_freeze_due
from governance.services.challenges import challenges_on_chain_enqueue_waiting, challenges_on_chain_record_ids
from governance.services.commitments import commitment_batches_create
from governance.services.connection import chain_client
from governance.services.trust_common import CHAIN_UNAVAILABLE, logger


def trust_chain_advance() -> None:
    """Queue waiting challenge creations, learn escrow ids, freeze closed results and attest them."""
    challenges_on_chain_enqueue_waiting()
    challenges_results_freeze_due()
    try:
        client = chain_client()
        challenges_on_chain_record_ids(client=client)
        challenges_results_attest(client=client)
    except CHAIN_UNAVAILABLE as error:
        logger.info("trust chain waits for the node: %s", type(error).__name__)


def submission_batches_commit() -> int:
    """Batch and queue the commitments of new submissions; returns how many batches were made."""
    return len(commitment_batches_create())
