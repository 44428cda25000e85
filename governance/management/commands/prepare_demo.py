"""`python manage.py prepare_demo`: what `make run` does before it starts the processes, in one process.

Migrate, collect the static files, then seed the demo's people, rounds and work (`seed_demo_story`). Run as
three commands, Django and the project were imported three times: seconds of a first `make run`.
"""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from governance.demo.cast import DemoRefused, demo_allowed_check


class Command(BaseCommand):
    help = (
        "Migrate, collect the static files and seed the demo's work (each step idempotent), in one process."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            demo_allowed_check()  # before migrating anything: the demo's keys are public
        except DemoRefused as error:
            raise CommandError(str(error)) from error
        call_command("migrate", interactive=False)
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("seed_demo_story")
