"""Revert data decodes into the custom error's name, arguments and a message a voter understands."""

from __future__ import annotations

from eth_abi import encode
from eth_utils import keccak

from governance.chain.errors import decode_revert


def test_known_selectors_decode_to_their_errors() -> None:
    assert decode_revert("0x94ab6c07" + "00" * 32).name == "GovernorInvalidSignature"
    assert decode_revert("0x71c6af49" + "00" * 32).name == "GovernorAlreadyCastVote"
    assert decode_revert("0x5ead8eb5" + "00" * 64).name == "TimelockUnexpectedOperationState"
    assert decode_revert("0xecd3f81e" + "00" * 64).name == "ERC5805FutureLookup"


def test_arguments_are_named_and_the_message_explains() -> None:
    account = "0x" + "ab" * 20
    data = bytes.fromhex("71c6af49") + encode(["address"], [account])
    decoded = decode_revert(data)
    assert decoded.args == {"voter": "0xABaBaBaBABabABabAbAbABAbABabababaBaBABaB"}
    assert decoded.message.startswith("GovernorAlreadyCastVote(voter=0xABaB")
    assert decoded.message.endswith("has already voted on the proposal")


def test_challenge_states_are_shown_by_name() -> None:
    wrong_state = keccak(text="WrongState(uint256,uint8)")[:4] + encode(["uint256", "uint8"], [7, 6])
    assert decode_revert(wrong_state).message.startswith("WrongState(id=7, state=Cancelled)")


def test_require_strings_panics_and_unknown_data_are_reported() -> None:
    reason = bytes.fromhex("08c379a0") + encode(["string"], ["nope"])
    assert decode_revert(reason).args == {"reason": "nope"}
    panic = bytes.fromhex("4e487b71") + encode(["uint256"], [0x11])
    assert (decode_revert(panic).name, decode_revert(panic).args) == ("Panic", {"code": 0x11})
    assert decode_revert("0xdeadbeef").name == "UnknownError"
    assert decode_revert("0x94ab6c07").name == "UnknownError"  # selector known, arguments missing
