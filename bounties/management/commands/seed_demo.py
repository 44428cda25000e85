"""`python manage.py seed_demo`: create the demo challenge `digits` (idempotent)."""

from typing import Any

from django.core.management.base import BaseCommand

from bounties.demo import seed_demo_challenge


class Command(BaseCommand):
    help = (
        "Create the demo challenge 'digits': a hidden set of degraded digits made from a secret seed, a public "
        "training split and a starter script (idempotent)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        challenge, created = seed_demo_challenge()
        verb = "Created" if created else "Already present:"
        dataset = challenge.hidden_dataset
        self.stdout.write(
            f"{verb} challenge '{challenge.slug}' ({dataset.n_rows} hidden rows: "
            f"{dataset.n_public} public, {dataset.n_private} private)."
        )
