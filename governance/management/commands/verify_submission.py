"""`manage.py verify_submission <id> [--clue] [--json]`: check a submission's (or clue's) priority and score.

Recomputes the hashes from the stored files, walks the inclusion proof, reads the batch root and the
attested results from the escrow on chain, and checks the evaluators' signatures against the escrow's
evaluator set. Exit status: 0 when every check holds, 1 when one does not, 2 when none fails but one
cannot be checked yet (not committed, not attested, or the chain did not answer).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bounties.models import Clue, Submission
from governance.services.verification import clue_verify, submission_verify
from governance.services.verification_report import Outcome, VerificationReport

MARKS = {
    Outcome.HOLDS: "HOLDS",
    Outcome.FAILS: "DOES NOT HOLD",
    Outcome.NOT_YET: "NOT YET",
    Outcome.UNCHECKED: "UNCHECKED",
    Outcome.NOT_APPLICABLE: "N/A",
}


class Command(BaseCommand):
    help = "Verify a submission's content hash, on-chain commitment and attested score (exit 0: all hold)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("id", type=int, help="The submission's id (the clue's, with --clue).")
        parser.add_argument("--clue", action="store_true", help="Verify the clue with this id.")
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = self._report(options["id"], clue=options["clue"])
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=2))
        else:
            self._write_text(report)
        if report.exit_code:
            verdict = "does NOT hold" if report.failures else "cannot be fully checked yet"
            raise CommandError(f"{report.kind} #{report.pk} {verdict}", returncode=report.exit_code)

    def _report(self, pk: int, *, clue: bool) -> VerificationReport:
        if clue:
            found = Clue.objects.select_related("challenge").filter(pk=pk).first()
            if found is None:
                raise CommandError(f"There is no clue #{pk}.")
            return clue_verify(clue=found)
        submission = Submission.objects.select_related("challenge").filter(pk=pk).first()
        if submission is None:
            raise CommandError(f"There is no submission #{pk}.")
        return submission_verify(submission=submission)

    def _write_text(self, report: VerificationReport) -> None:
        self.stdout.write(f"{report.kind} #{report.pk}, content hash {report.content_hash}")
        for check in report.checks:
            mark = MARKS[check.outcome]
            line = f"[{mark}] {check.title}: {check.why}"
            style = self.style.SUCCESS if check.outcome == Outcome.HOLDS else self.style.WARNING
            self.stdout.write(self.style.ERROR(line) if check.outcome == Outcome.FAILS else style(line))
        if report.holds:
            self.stdout.write(self.style.SUCCESS("Everything holds."))
