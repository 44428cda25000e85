"""`python manage.py sync_chain`: index the current deployment's new events into the log and the mirror."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from governance.indexer.sync import IndexerError, chain_sync
from governance.selectors.deployment import current_deployment
from governance.services.connection import ChainNotConfiguredError, chain_client


class Command(BaseCommand):
    help = "Index the current deployment's events from the last synced block to the chain's head."

    def handle(self, *args: Any, **options: Any) -> None:
        deployment = current_deployment()
        if deployment is None:
            raise CommandError("no deployment on this chain: run `manage.py deploy_contracts` first")
        try:
            result = chain_sync(deployment=deployment, client=chain_client())
        except (IndexerError, ChainNotConfiguredError) as error:
            raise CommandError(f"{error}; the mirror is unchanged") from error
        if result.reorg_from is not None:
            self.stdout.write(f"reorganisation from block {result.reorg_from}: mirror rebuilt")
        self.stdout.write(f"synced to block {result.last_block}: {result.events_added} new events")
