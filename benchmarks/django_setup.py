"""The Django set-up every benchmark shares: a temporary SQLite database in `root`, migrated, in memory broker."""

from __future__ import annotations

import os
from pathlib import Path


def django_in(root: Path) -> None:
    """Point the settings at `root` (database and files), start Django and migrate."""
    os.environ["VAR_DIR"] = str(root)
    os.environ["DATABASE_URL"] = f"sqlite:///{root / 'bench.sqlite3'}?transaction_mode=IMMEDIATE"
    os.environ["DJANGO_SETTINGS_MODULE"] = "clueboard.settings"
    os.environ["DEBUG"] = "true"
    os.environ["CELERY_BROKER_URL"] = "memory://"
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    # DEBUG=true only for the development keys; queries are not logged, as in production.
    settings.DEBUG = False
