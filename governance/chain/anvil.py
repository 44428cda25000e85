"""A local anvil chain for development, tests and benchmarks: start it, control its clock, stop it."""

from __future__ import annotations

import os
import platform
import socket
import subprocess
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import TracebackType

from eth_account import Account
from eth_account.signers.local import LocalAccount

from governance.chain.client import ChainClient

CONTRACTS_DIR = Path(__file__).resolve().parents[2] / "contracts"
# anvil's well-known development mnemonic: its accounts are funded with 10,000 ETH at start.
DEV_MNEMONIC = "test test test test test test test test test test test junk"
_PLATFORM_PACKAGES = {
    ("Linux", "x86_64"): "anvil-linux-amd64",
    ("Linux", "aarch64"): "anvil-linux-arm64",
    ("Darwin", "arm64"): "anvil-darwin-arm64",
    ("Darwin", "x86_64"): "anvil-darwin-amd64",
}


class AnvilNotFoundError(FileNotFoundError):
    """The anvil binary is not installed (run `make contracts-install`)."""


class AnvilExitedError(RuntimeError):
    """anvil stopped before it answered (its stderr is in the message)."""


def anvil_binary() -> Path:
    """Path of the native anvil binary from the npm package; ANVIL_BIN overrides it.

    Raises AnvilNotFoundError when it is not installed.
    """
    override = os.environ.get("ANVIL_BIN")
    if override:
        return Path(override)
    package = _PLATFORM_PACKAGES.get((platform.system(), platform.machine()), "")
    # The native binary, not node_modules/.bin/anvil: that is a Node wrapper, and stopping the
    # wrapper could leave the real node running.
    binary = CONTRACTS_DIR / "node_modules" / "@foundry-rs" / package / "bin" / "anvil"
    if not package or not binary.is_file():
        raise AnvilNotFoundError(f"{binary} not found: run `make contracts-install`")
    return binary


def dev_accounts(count: int) -> list[LocalAccount]:
    """The first `count` accounts of anvil's development mnemonic (never use them off a dev chain)."""
    return [dev_account(index) for index in range(count)]


@cache
def dev_account(index: int) -> LocalAccount:
    """Account `index` of anvil's development mnemonic, derived once per process: each derivation runs the
    mnemonic's key stretching (tens of milliseconds), and the demo asks for its cast's accounts often."""
    Account.enable_unaudited_hdwallet_features()
    return Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As anvil binds: a port whose last node just stopped (its connections in TIME_WAIT) is free, one
        # that something listens on is not.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@dataclass
class AnvilProcess:
    """An anvil node on a free loopback port, for as long as the context lasts."""

    accounts: int = 20
    extra_args: list[str] = field(default_factory=list)
    port: int = 0
    _process: subprocess.Popen[bytes] | None = None

    @property
    def rpc_url(self) -> str:
        """The node's HTTP JSON-RPC address."""
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, timeout: float = 20.0) -> ChainClient:
        """Start anvil and wait until it answers.

        Raises TimeoutError if it never answers, AnvilExitedError if it keeps exiting (a free port can
        be taken between choosing and binding it, so an automatically chosen port is retried).
        """
        chosen = self.port
        for _ in range(3):
            self.port = chosen or _free_loopback_port()
            try:
                return self._launch(timeout)
            except AnvilExitedError:
                if chosen:
                    raise
        raise AnvilExitedError("anvil exited three times on freshly chosen ports")

    def _launch(self, timeout: float) -> ChainClient:
        if not _port_is_free(self.port):
            # Otherwise the wait below could reach whatever already listens there and take it for ours.
            raise AnvilExitedError(f"port {self.port} is already in use")
        command = [str(anvil_binary()), "--host", "127.0.0.1", "--port", str(self.port)]
        command += ["--accounts", str(self.accounts), "--silent", *self.extra_args]
        self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        client = ChainClient.connect(self.rpc_url)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                message = self._stderr()
                self._process = None
                raise AnvilExitedError(f"anvil exited: {message}")
            if client.w3.is_connected() and self._process.poll() is None:
                return client
            time.sleep(0.05)
        self.stop()
        raise TimeoutError(f"anvil did not answer on {self.rpc_url} within {timeout} s")

    def stop(self) -> None:
        """Stop the node (it is the only process we started) and wait for it."""
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None

    def _stderr(self) -> str:
        assert self._process is not None and self._process.stderr is not None
        return self._process.stderr.read().decode(errors="replace")

    def __enter__(self) -> ChainClient:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


class DevChain:
    """Anvil-only controls: snapshots and time travel. Refuses nothing, so never point it at a real chain."""

    def __init__(self, client: ChainClient) -> None:
        self._client = client

    def _rpc(self, method: str, params: list[object]) -> object:
        response = self._client.w3.provider.make_request(method, params)  # type: ignore[arg-type]
        if "error" in response:
            raise RuntimeError(f"{method} failed: {response['error']}")
        return response.get("result")

    def snapshot(self) -> str:
        """Take a snapshot of the whole chain state; returns its id for `revert`."""
        return str(self._rpc("evm_snapshot", []))

    def revert(self, snapshot_id: str) -> None:
        """Return the chain to snapshot `snapshot_id` (which is consumed)."""
        if self._rpc("evm_revert", [snapshot_id]) is not True:
            raise RuntimeError(f"evm_revert({snapshot_id}) refused")

    def advance(self, seconds: int) -> int:
        """Move the clock forward by `seconds` and mine a block; returns the new block timestamp."""
        self._rpc("evm_increaseTime", [seconds])
        self._rpc("evm_mine", [])
        return self._client.latest_timestamp()

    def advance_to(self, timestamp: int) -> int:
        """Mine the next block at `timestamp` (which must be later than the latest block)."""
        self._rpc("evm_mine", [timestamp])
        return self._client.latest_timestamp()

    def set_next_timestamp(self, timestamp: int) -> None:
        """Mine the next block (the next transaction's, under automine) at exactly `timestamp`."""
        self._rpc("evm_setNextBlockTimestamp", [timestamp])

    def set_automine(self, enabled: bool) -> None:
        """Mine every transaction at once (the default) or only on `mine`."""
        self._rpc("evm_setAutomine", [enabled])

    def mine(self) -> None:
        """Mine one block with whatever the mempool holds."""
        self._rpc("evm_mine", [])

    def drop_transaction(self, tx_hash: str) -> None:
        """Remove a pending transaction from the mempool, as a congested node might."""
        self._rpc("anvil_dropTransaction", [tx_hash])

    def set_next_base_fee(self, wei: int) -> None:
        """Set the base fee per gas of the next block."""
        self._rpc("anvil_setNextBlockBaseFeePerGas", [hex(wei)])

    def set_balance(self, address: str, wei: int) -> None:
        """Give `address` a native balance of `wei` (gas money for fresh accounts)."""
        self._rpc("anvil_setBalance", [address, hex(wei)])
