"""`manage.py deploy_contracts`: deploy the DAO's contracts to CHAIN_RPC_URL once, and again after a reset."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from governance.chain.client import CHAIN_UNREACHABLE_ERRORS
from governance.services.deployment import DeploymentError, DeployOutcome, chain_deployment_ensure


class Command(BaseCommand):
    help = (
        "Deploy and wire the contract set on the configured chain and record it; idempotent. On a chain "
        "that was reset (no code at the recorded addresses) it says so and deploys again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        demo = parser.add_mutually_exclusive_group()
        demo.add_argument(
            "--demo-members",
            action="store_true",
            default=None,
            help="Give the demo members tokens and voting power (local chain 31337 only; default in DEBUG).",
        )
        demo.add_argument("--no-demo-members", dest="demo_members", action="store_false")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = chain_deployment_ensure(demo_members=options["demo_members"])
        except DeploymentError as error:
            raise CommandError(f"Not deployed: {error}") from error
        except CHAIN_UNREACHABLE_ERRORS as error:
            raise CommandError("Not deployed: the chain is unreachable (is the node running?)") from error
        deployment = result.deployment
        if result.outcome is DeployOutcome.REDEPLOYED:
            self.stdout.write(self.style.WARNING("The chain was reset: its contracts were gone."))
        verb = {
            DeployOutcome.DEPLOYED: "Deployed",
            DeployOutcome.REDEPLOYED: "Deployed again",
            DeployOutcome.ALREADY_DEPLOYED: "Already deployed, nothing sent",
        }[result.outcome]
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} on chain {deployment.chain_id} (from block {deployment.first_block})."
            )
        )
        for name in ("token", "timelock", "governor", "escrow"):
            self.stdout.write(f"  {name}: {getattr(deployment, name)}")
        if result.demo_members_delegated:
            self.stdout.write(f"{result.demo_members_delegated} demo members now vote with their own tokens.")
