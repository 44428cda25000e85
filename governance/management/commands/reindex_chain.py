"""`python manage.py reindex_chain`: rebuild the log and the mirror from the deployment's first block."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from governance.indexer.sync import IndexerError, chain_reindex
from governance.selectors.deployment import current_deployment
from governance.services.connection import ChainNotConfiguredError, chain_client


class Command(BaseCommand):
    help = "Drop the current deployment's indexed log and mirror, and index it again from its first block."

    def handle(self, *args: Any, **options: Any) -> None:
        deployment = current_deployment()
        if deployment is None:
            raise CommandError("no deployment on this chain: run `manage.py deploy_contracts` first")
        try:
            client = chain_client()
            client.block_number()  # refuse before dropping anything when the chain is unreachable
            result = chain_reindex(deployment=deployment, client=client)
        except (IndexerError, ChainNotConfiguredError, OSError) as error:
            raise CommandError(f"{error}") from error
        self.stdout.write(f"reindexed to block {result.last_block}: {result.events_added} events")
