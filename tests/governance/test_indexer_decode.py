"""Logs from the node are checked before use: a malformed one is refused whole, never guessed at."""

from __future__ import annotations

from typing import Any

import pytest
from eth_utils import keccak

from governance.indexer.decode import LogDecoder, LogFormatError, event_plans

TOKEN = "0x" + "10" * 20
HOLDER = "0x" + "ab" * 20
DELEGATE_VOTES = "0x" + keccak(text="DelegateVotesChanged(address,uint256,uint256)").hex()


def _log(**changes: Any) -> dict[str, Any]:
    log = {
        "address": TOKEN,
        "topics": [DELEGATE_VOTES, "0x" + "00" * 12 + "ab" * 20],
        "data": "0x" + f"{7:064x}" + f"{2**255 + 1:064x}",
        "blockNumber": "0x2a",
        "blockHash": "0x" + "11" * 32,
        "blockTimestamp": "0x6b09cc19",
        "transactionHash": "0x" + "22" * 32,
        "logIndex": "0x3",
        "removed": False,
    }
    return log | changes


def test_a_well_formed_log_decodes_to_exact_json_values() -> None:
    (decoded,) = LogDecoder({TOKEN: "ClueToken"}).decode([_log()])

    assert (decoded.contract, decoded.name) == ("ClueToken", "DelegateVotesChanged")
    assert decoded.args == {
        "delegate": "0xABaBaBaBABabABabAbAbABAbABabababaBaBABaB",
        "previousVotes": "7",
        "newVotes": str(2**255 + 1),  # past 2**53: a string, exact
    }
    assert (decoded.log.block_number, decoded.log.log_index, decoded.log.block_timestamp) == (
        42,
        3,
        0x6B09CC19,
    )


def test_logs_of_other_addresses_and_unknown_events_are_skipped() -> None:
    decoder = LogDecoder({TOKEN: "ClueToken"})
    unknown = _log(topics=["0x" + "99" * 32])
    assert decoder.decode([_log(address="0x" + "20" * 20), unknown]) == []


@pytest.mark.parametrize(
    "changes",
    [
        {"data": "0x" + "zz" * 64},
        {"data": "0x" + "00" * 32},  # one word where the event has two
        {"blockHash": "0x" + "11" * 31},
        {"transactionHash": "22" * 33},
        {"blockNumber": "42"},
        {"logIndex": "0x"},
        {"topics": [DELEGATE_VOTES]},  # the indexed delegate is missing
        {"topics": "not a list"},
        {"removed": True},
        {"address": None},
    ],
)
def test_malformed_logs_are_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(LogFormatError):
        LogDecoder({TOKEN: "ClueToken"}).decode([_log(**changes)])


def test_every_mirrored_event_has_a_plan() -> None:
    names = {
        (plan.contract, plan.name)
        for c in ("ClueToken", "ClueGovernor", "PrizeEscrow")
        for plan in event_plans(c).values()
    }
    from governance.indexer import mirror  # noqa: F401 (registers the handlers)
    from governance.indexer.apply import HANDLERS

    assert set(HANDLERS) <= names and len(HANDLERS) == 21
