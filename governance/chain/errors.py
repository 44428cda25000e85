"""Turn revert data into the custom error's name, arguments and a message a person can act on."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from eth_abi import decode as abi_decode
from eth_utils import keccak
from eth_utils.abi import collapse_if_tuple
from web3 import Web3
from web3.exceptions import ContractLogicError

from governance.chain.abi import artifact_names, load_artifact

_ERROR_STRING_SELECTOR = "0x08c379a0"  # Error(string), from require(..., "text")
_PANIC_SELECTOR = "0x4e487b71"  # Panic(uint256), from overflows, asserts, bad enum casts

# What a voter, winner or funder should understand from the errors they are likely to meet.
_HINTS: dict[str, str] = {
    "GovernorAlreadyCastVote": "this account has already voted on the proposal",
    "GovernorInvalidSignature": "the signature does not match the voter, or its nonce was already used",
    "GovernorUnexpectedProposalState": "the proposal is not in a state that allows this now",
    "GovernorInsufficientProposerVotes": "the proposer has too little voting power",
    "GovernorRestrictedProposer": "the description names another proposer: only that account can submit it",
    "ERC5805FutureLookup": "that moment has not happened yet (the vote has not opened)",
    "TimelockUnexpectedOperationState": "the timelock delay has not passed, or the operation is not ready",
    "InvalidAccountNonce": "the signed nonce is not the account's next one",
    "NothingToClaim": "nothing is owed to this account (already claimed, or never awarded)",
    "NothingToRefund": "this funder has nothing to take back",
    "ClaimWindowClosed": "the claim window is over",
    "ClaimWindowStillOpen": "winners can still claim; sweep after the claim window",
    "EscrowPaused": "the escrow is paused by the guardian",
    "PauseCoolingDown": "a pause ran recently; the next one must wait for the cooldown",
    "ResultsHashMismatch": "the award names results other than the attested ones",
    "AwardDeadlinePassed": "the challenge's award deadline has passed",
    "AwardDeadlineTooSoon": "the award deadline leaves no room for a whole vote and timelock delay",
    "InvalidRecipient": "a prize cannot go to the zero address or to the escrow itself",
    "AwardExceedsEscrow": "the award is larger than the challenge's pool",
    "WrongState": "the challenge is not in a state that allows this",
    "AlreadyCommitted": "this account already committed this batch",
    "SignerNotEvaluator": "a signature is not from a current evaluator",
    "InvalidSignature": "a signature does not match its evaluator, this challenge's round or its rules",
    "NotEnoughSignatures": "fewer evaluators signed than the threshold requires",
    "OwnableUnauthorizedAccount": "only the DAO (through a passed proposal) can do this",
}
_CHALLENGE_STATES = ("None", "Open", "Closed", "Attested", "Awarded", "Finalized", "Cancelled")


@dataclass(frozen=True)
class DecodedRevert:
    """A revert reason: the custom error's name and arguments, plus a readable message."""

    name: str
    args: dict[str, Any]
    selector: str

    @property
    def message(self) -> str:
        """`Name(arg=value, ...)`, followed by a plain-language hint where one is known."""
        shown = ", ".join(f"{key}={_show(self.name, key, value)}" for key, value in self.args.items())
        hint = _HINTS.get(self.name)
        return f"{self.name}({shown})" + (f": {hint}" if hint else "")


class ContractRevertError(Exception):
    """A contract call or transaction reverted; `revert` holds the decoded reason."""

    def __init__(self, revert: DecodedRevert) -> None:
        super().__init__(revert.message)
        self.revert = revert

    @property
    def name(self) -> str:
        """The custom error's name, e.g. `NothingToClaim`."""
        return self.revert.name


@dataclass(frozen=True)
class _ErrorSpec:
    name: str
    arg_names: tuple[str, ...]
    arg_types: tuple[str, ...]


@cache
def _error_specs() -> dict[str, _ErrorSpec]:
    specs: dict[str, _ErrorSpec] = {}
    for contract in artifact_names():
        for entry in load_artifact(contract).abi:
            if entry["type"] != "error":
                continue
            types = tuple(collapse_if_tuple(item) for item in entry["inputs"])
            selector = "0x" + keccak(text=f"{entry['name']}({','.join(types)})")[:4].hex()
            names = tuple(item["name"] or f"arg{i}" for i, item in enumerate(entry["inputs"]))
            specs[selector] = _ErrorSpec(entry["name"], names, types)
    specs[_ERROR_STRING_SELECTOR] = _ErrorSpec("Error", ("reason",), ("string",))
    specs[_PANIC_SELECTOR] = _ErrorSpec("Panic", ("code",), ("uint256",))
    return specs


def decode_revert(data: bytes | str) -> DecodedRevert:
    """Decode revert data (selector + ABI-encoded arguments) using every committed ABI.

    Unknown selectors and undecodable data come back as an `UnknownError` with the raw data.
    """
    raw = bytes.fromhex(data.removeprefix("0x")) if isinstance(data, str) else bytes(data)
    selector = "0x" + raw[:4].hex()
    spec = _error_specs().get(selector)
    if spec is None:
        return DecodedRevert("UnknownError", {"data": "0x" + raw.hex()}, selector)
    try:
        values = abi_decode(list(spec.arg_types), raw[4:])
    except Exception:  # malformed data from a non-conforming contract
        return DecodedRevert("UnknownError", {"data": "0x" + raw.hex()}, selector)
    shown = [_checksummed(kind, value) for kind, value in zip(spec.arg_types, values, strict=True)]
    return DecodedRevert(spec.name, dict(zip(spec.arg_names, shown, strict=True)), selector)


def _checksummed(kind: str, value: Any) -> Any:
    return Web3.to_checksum_address(value) if kind == "address" else value


def revert_from_exception(error: ContractLogicError) -> DecodedRevert:
    """Decode the revert carried by a web3 contract error (custom error, require string or panic)."""
    data = error.data
    if isinstance(data, dict):  # some nodes nest it: {"data": "0x..."}
        data = data.get("data")
    if isinstance(data, str) and len(data) >= 10:
        return decode_revert(data)
    return DecodedRevert("UnknownError", {"message": str(error.message or error)}, "0x")


def _show(error_name: str, key: str, value: Any) -> str:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if error_name == "WrongState" and key == "state" and 0 <= value < len(_CHALLENGE_STATES):
        return _CHALLENGE_STATES[value]
    return str(value)
