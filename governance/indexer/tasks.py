"""The indexer's beat task. Thin: it calls the sync; with the chain down it logs and returns."""

from __future__ import annotations

import logging

from celery import shared_task

from governance.indexer.sync import IndexerError, chain_sync
from governance.selectors.deployment import current_deployment
from governance.services.connection import ChainNotConfiguredError, chain_client

logger = logging.getLogger(__name__)


@shared_task(name="governance.indexer.tasks.sync_chain", ignore_result=True)
def sync_chain() -> dict[str, int | None] | None:
    """Periodic (Celery beat): index new blocks of the current deployment; the mirror stays if the chain is down.

    Idempotent: the cursor row is locked per block range, so overlapping runs never store a range twice.
    """
    deployment = current_deployment()
    if deployment is None:
        return None
    try:
        result = chain_sync(deployment=deployment, client=chain_client())
    except (IndexerError, ChainNotConfiguredError) as error:
        logger.warning("chain sync skipped: %s", error)
        return None
    return {
        "last_block": result.last_block,
        "events_added": result.events_added,
        "reorg_from": result.reorg_from,
    }
