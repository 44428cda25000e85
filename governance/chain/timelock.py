"""Typed wrapper for OpenZeppelin's TimelockController: roles and delay."""

from __future__ import annotations

from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress
from eth_utils import keccak
from web3 import Web3
from web3.types import TxReceipt

from governance.chain.client import ChainClient
from governance.chain.governor import Proposal

DEFAULT_ADMIN_ROLE = b"\x00" * 32
PROPOSER_ROLE = keccak(text="PROPOSER_ROLE")
EXECUTOR_ROLE = keccak(text="EXECUTOR_ROLE")
CANCELLER_ROLE = keccak(text="CANCELLER_ROLE")
ROLE_NAMES = {
    DEFAULT_ADMIN_ROLE: "admin",
    PROPOSER_ROLE: "proposer",
    EXECUTOR_ROLE: "executor",
    CANCELLER_ROLE: "canceller",
}


NO_PREDECESSOR = b"\x00" * 32


def operation_salt(*, governor: str, proposal: Proposal) -> bytes:
    """OpenZeppelin GovernorTimelockControl's salt: the governor's address XOR the description hash."""
    padded = bytes.fromhex(Web3.to_checksum_address(governor)[2:]).ljust(32, b"\x00")
    return bytes(a ^ b for a, b in zip(padded, proposal.description_hash, strict=True))


class Timelock:
    """The DAO's timelock: it holds the treasury, owns the escrow and runs passed proposals."""

    def __init__(self, client: ChainClient, address: str) -> None:
        self.client = client
        self.address: ChecksumAddress = Web3.to_checksum_address(address)
        self.contract = client.contract("TimelockController", self.address)

    def min_delay(self) -> int:
        """Seconds between queueing and executing an operation."""
        return int(self.client.call(self.contract.functions.getMinDelay()))

    def operation_id(self, *, governor: str, proposal: Proposal) -> bytes:
        """The timelock's id of `proposal` once `governor` queued it."""
        targets, values, calldatas = proposal.call_lists()
        salt = operation_salt(governor=governor, proposal=proposal)
        call = self.contract.functions.hashOperationBatch(targets, values, calldatas, NO_PREDECESSOR, salt)
        return bytes(self.client.call(call))

    def is_operation_pending(self, operation_id: bytes) -> bool:
        """Whether the operation is queued and neither executed nor cancelled."""
        return bool(self.client.call(self.contract.functions.isOperationPending(operation_id)))

    def cancel(self, *, sender: LocalAccount, operation_id: bytes) -> TxReceipt:
        """Cancel a queued operation; only a canceller (the governor, the guardian)."""
        return self.client.transact(self.contract.functions.cancel(operation_id), sender=sender)

    def has_role(self, *, role: bytes, account: str) -> bool:
        """Whether `account` holds `role` (address 0 holding EXECUTOR means anyone may execute)."""
        return bool(self.client.call(self.contract.functions.hasRole(role, account)))

    def role_holders(self, *, from_block: int = 0) -> dict[str, set[ChecksumAddress]]:
        """Every current holder of each role, rebuilt from RoleGranted/RoleRevoked events.

        AccessControl cannot enumerate members, so the events are the only complete record.
        """
        events = self.contract.events
        changes = [(log, True) for log in events.RoleGranted().get_logs(from_block=from_block)]
        changes += [(log, False) for log in events.RoleRevoked().get_logs(from_block=from_block)]
        changes.sort(key=lambda item: (item[0]["blockNumber"], item[0]["logIndex"]))
        holders: dict[str, set[ChecksumAddress]] = {name: set() for name in ROLE_NAMES.values()}
        for log, granted in changes:
            name = ROLE_NAMES.get(bytes(log["args"]["role"]), "other")
            members = holders.setdefault(name, set())
            account = Web3.to_checksum_address(log["args"]["account"])
            if granted:
                members.add(account)
            else:
                members.discard(account)
        return holders
