"""`python manage.py seed_demo`: create the demo challenge `digits` (idempotent)."""

from typing import Any

from django.core.management.base import BaseCommand

from bounties.demo import seed_demo_challenge


class Command(BaseCommand):
    help = (
        "Create the demo challenge 'digits' with scikit-learn's digits as its hidden test set (idempotent)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        challenge, created = seed_demo_challenge()
        verb = "Created" if created else "Already present:"
        dataset = challenge.hidden_dataset
        self.stdout.write(
            f"{verb} challenge '{challenge.slug}' ({dataset.n_rows} hidden rows: "
            f"{dataset.n_public} public, {dataset.n_private} private)."
        )
