"""`python manage.py seed_demo_story`: the demo's people, earlier rounds and real work (idempotent)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from governance.demo.cast import DemoRefused
from governance.demo.seeding import demo_seed


class Command(BaseCommand):
    help = (
        "Seed the demo's contributors, members and two earlier rounds, with models trained now by the starter "
        "script and submitted for the worker to score (idempotent; `chain_node --demo-story` does the rest)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = demo_seed(log=self.stdout.write)
        except DemoRefused as error:
            raise CommandError(str(error)) from error
        if report.created_anything:
            self.stdout.write(
                f"Seeded {report.created_rounds} rounds, {report.created_submissions} submissions and "
                f"{report.created_clues} clues."
            )
        else:
            self.stdout.write("The demo's work is already seeded.")
