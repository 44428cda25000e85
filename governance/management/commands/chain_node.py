"""`manage.py chain_node`: the local development chain of `make run`, kept under var/ across restarts.

Starts anvil (from contracts/node_modules) where CHAIN_RPC_URL points, with chain id 31337 and its state in
a file that is loaded at start and written every few seconds and on exit; deploys the contract set if the
chain has none (idempotent), gives the demo members voting power, then runs until stopped. With
`--demo-story` (the Procfile's, in development) it then tells the chain part of the demo (governance.demo)
and prints the demo accounts.
"""

from __future__ import annotations

import signal
import time
import traceback
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from governance.chain.anvil import AnvilExitedError, AnvilProcess
from governance.chain.client import CHAIN_UNREACHABLE_ERRORS
from governance.chain.deploy import LOCAL_DEV_CHAIN_ID
from governance.demo.accounts import demo_accounts_text
from governance.demo.story import StoryOutcome, demo_story_run
from governance.services.deployment import DeploymentError, chain_deployment_ensure

_LOOPBACK = {"127.0.0.1", "localhost"}
STATE_INTERVAL_SECONDS = 5  # at most this much of the chain is lost if the machine stops hard


def local_chain(*, port: int, state_file: Path) -> AnvilProcess:
    """The anvil of `make run`: chain id 31337 on `port`, its state loaded from and saved to `state_file`."""
    state_file.parent.mkdir(parents=True, exist_ok=True)
    args = ["--chain-id", str(LOCAL_DEV_CHAIN_ID), "--state", str(state_file)]
    return AnvilProcess(
        accounts=20, port=port, extra_args=[*args, "--state-interval", str(STATE_INTERVAL_SECONDS)]
    )


class Command(BaseCommand):
    help = "Run the local development chain (anvil) with its state under var/, deployed and ready."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--state-file",
            type=Path,
            default=None,
            help="Chain state file (default: VAR_DIR/chain/state.json).",
        )
        parser.add_argument("--once", action="store_true", help="Start, deploy, stop (saving the state).")
        parser.add_argument(
            "--demo-story",
            action="store_true",
            help="After deploying, move the demo's story on chain forward (DEBUG and chain 31337 only).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        port = _local_port()
        state_file = options["state_file"] or Path(settings.VAR_DIR) / "chain" / "state.json"
        anvil = local_chain(port=port, state_file=state_file)
        if not options["once"]:
            # Stopped by honcho (SIGTERM) or Ctrl-C: leave through `finally`, so anvil writes its state.
            signal.signal(signal.SIGTERM, _exit_on_signal)
        try:
            try:
                client = anvil.start()
                self.stdout.write(f"Local chain on {anvil.rpc_url}, state in {state_file}.")
            except AnvilExitedError as error:
                if "already in use" not in str(error):
                    raise CommandError(f"The local chain did not start: {error}") from error
                client = None
                self.stdout.write(f"A node already listens on port {port}: using it, its state is its own.")
            deployed = self._deploy()
            if deployed and options["demo_story"]:
                self._tell_demo_story()
            while not options["once"]:
                time.sleep(2)
                if client is not None and not client.w3.is_connected():
                    raise CommandError("The local chain stopped.")
        except KeyboardInterrupt:
            pass
        finally:
            anvil.stop()

    def _deploy(self) -> bool:
        # A failed deployment leaves the chain running (pages work, with nothing to show); the message
        # says what to fix, and `manage.py deploy_contracts` tries again.
        try:
            result = chain_deployment_ensure()
        except DeploymentError as error:
            self.stderr.write(f"Contracts not deployed: {error}")
            return False
        except CHAIN_UNREACHABLE_ERRORS:
            self.stderr.write("Contracts not deployed: the chain stopped answering.")
            return False
        self.stdout.write(f"Contracts {result.outcome} on chain {result.deployment.chain_id}.")
        if result.demo_members_delegated:
            self.stdout.write(f"{result.demo_members_delegated} demo members now vote with their own tokens.")
        return True

    def _tell_demo_story(self) -> None:
        # Whatever stops the story, the chain keeps running: honcho would stop every process with this
        # one, and the site is useful without the story's last steps. The next start resumes it.
        self.stdout.write("Demo story: moving it on chain (funding, scores, attestations, votes, payouts)...")
        try:
            outcome = demo_story_run(log=self.stdout.write)
        except Exception as error:  # reported, and the chain stays up (see above); Ctrl-C is no Exception
            self.stderr.write(
                f"Demo story stopped: {str(error).rstrip('.')}. The next start goes on from there."
            )
            self.stderr.write(traceback.format_exc(limit=-3))
            return
        if outcome == StoryOutcome.TOLD:
            self.stdout.write("Demo story: complete.")
        self.stdout.write(demo_accounts_text())


def _local_port() -> int:
    url = urlsplit(settings.CHAIN_RPC_URL)
    if url.hostname not in _LOOPBACK or settings.CHAIN_ID != LOCAL_DEV_CHAIN_ID:
        raise CommandError(
            f"chain_node runs the local chain only: CHAIN_RPC_URL must be on 127.0.0.1 and CHAIN_ID "
            f"{LOCAL_DEV_CHAIN_ID} (got {settings.CHAIN_RPC_URL}, {settings.CHAIN_ID})."
        )
    return url.port or 8545


def _exit_on_signal(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt
