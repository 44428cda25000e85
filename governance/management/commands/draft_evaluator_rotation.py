"""`manage.py draft_evaluator_rotation --evaluator 0x… [--evaluator 0x…] --threshold M (--proposer 0x… | --by-platform)`.

Drafts the DAO proposal that replaces the escrow's evaluator set (`setEvaluators`, only the timelock may
call it). With `--proposer` it prints the exact `propose` arguments for that member's wallet (`--json` for
a script); with `--by-platform` the platform's proposer key submits it through the outbox. The proposal
then goes through the vote, the timelock queue and execution like any other.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bounties.errors import ApplicationError
from governance.models import SenderRole
from governance.selectors.deployment import current_deployment
from governance.services.connection import ChainNotConfiguredError, platform_account
from governance.services.evaluator_rotation import evaluator_rotation_calls
from governance.services.proposals import ProposalCalls, propose_by_platform
from governance.services.relaying import NO_DEPLOYMENT


class Command(BaseCommand):
    help = "Draft the governance proposal that sets the escrow's evaluators (rotating an evaluator key)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--evaluator", action="append", required=True, help="An address of the new set (repeat)."
        )
        parser.add_argument("--threshold", type=int, required=True, help="Signatures an attestation needs.")
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--proposer", help="The member wallet that will submit the proposal.")
        who.add_argument(
            "--by-platform", action="store_true", help="Submit it with PROPOSER_PRIVATE_KEY (the outbox)."
        )
        parser.add_argument("--json", action="store_true", help="Print the propose arguments as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        deployment = current_deployment()
        if deployment is None:
            raise CommandError(NO_DEPLOYMENT)
        by_platform = options["by_platform"]
        try:
            proposer = platform_account(SenderRole.PROPOSER).address if by_platform else options["proposer"]
            calls = evaluator_rotation_calls(
                evaluators=options["evaluator"],
                threshold=options["threshold"],
                proposer=proposer,
                deployment=deployment,
            )
            row = propose_by_platform(calls=calls, deployment=deployment) if by_platform else None
        except (ApplicationError, ChainNotConfiguredError) as error:  # RelayRefused is one
            raise CommandError(str(error)) from error
        if options["json"]:
            self.stdout.write(json.dumps(_as_dict(calls), indent=2))
            return
        self.stdout.write(calls.description + "\n")
        self.stdout.write(f"proposal id: {calls.proposal_id}")
        if row is not None:
            self.stdout.write(f"queued in the outbox as transaction #{row.pk}, sent by the chain worker")
        else:
            self.stdout.write(f"governor: {deployment.governor}\ncall `propose` from {proposer} with:")
            self.stdout.write(json.dumps(_as_dict(calls), indent=2))


def _as_dict(calls: ProposalCalls) -> dict[str, Any]:
    return {
        "targets": calls.targets,
        "values": calls.values,
        "calldatas": calls.calldatas,
        "description": calls.description,
        "proposal_id": str(calls.proposal_id),
    }
