"""Parse and decode the node's raw logs into plain, typed values: decoded once per log, by a prepared plan.

Trust boundary: a log comes from the node. Every field is checked for shape before use; a log that does
not parse is refused whole (the sync stops, nothing half-stored) rather than guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache
from typing import Any, NamedTuple

from eth_abi import decode as abi_decode
from eth_utils import keccak, to_checksum_address

from governance.chain.abi import load_artifact

# The contracts the indexer reads, by the ChainDeployment field holding each one's address.
INDEXED_CONTRACTS = {"token": "ClueToken", "governor": "ClueGovernor", "escrow": "PrizeEscrow"}
_HEX_DIGITS = re.compile(r"[0-9a-fA-F]*")
_STATIC_WORD_TYPES = re.compile(r"^(u?int\d*|address|bool|bytes([1-9]|[12]\d|3[0-2]))$")


class LogFormatError(ValueError):
    """A log from the node is not shaped as eth_getLogs promises."""


class RawLog(NamedTuple):
    """One log as the node sent it, checked for shape; hashes lowercase, the address checksummed."""

    address: str
    topics: tuple[str, ...]
    data: str
    block_number: int
    block_hash: str
    block_timestamp: int | None  # when the node includes it in the log (anvil, recent geth and reth)
    tx_hash: str
    log_index: int


class DecodedLog(NamedTuple):
    """A log of one of our contracts, its event identified and its arguments as JSON-ready values."""

    log: RawLog
    contract: str
    name: str
    args: dict[str, Any]


class IndexedEvent(NamedTuple):
    """An event as the log stores it and the mirror applies it. Plain tuples, like RawLog and DecodedLog:
    a sync makes ten thousand of each, and model instances or frozen dataclasses cost several times more."""

    contract: str
    name: str
    args: dict[str, Any]
    tx_hash: str
    block_number: int
    log_index: int
    block_hash: str
    block_time: datetime


@lru_cache(maxsize=4096)
def checksum(address: str) -> str:
    """The checksummed form of a 0x-hex address (cached: a few addresses recur in thousands of logs)."""
    return to_checksum_address(address)


def _quantity(value: Any) -> int:
    if not isinstance(value, str) or value[:2] != "0x" or not 2 < len(value) <= 18:
        raise LogFormatError("a log quantity is not a hex number")
    return int(value, 16)  # raises ValueError (turned into LogFormatError) for non-hex digits


def parse_log(raw: Mapping[str, Any]) -> RawLog:
    """Check one eth_getLogs entry and return it typed; raises LogFormatError for anything else."""
    try:
        return _parse(raw)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise LogFormatError(f"a log from the node is malformed: {type(error).__name__}") from error


def _parse(raw: Mapping[str, Any]) -> RawLog:
    if raw.get("removed") is True:
        raise LogFormatError("the node marked a log removed")
    address, topics, data = raw["address"], raw["topics"], raw["data"]
    block_hash, tx_hash = raw["blockHash"], raw["transactionHash"]
    if not isinstance(topics, list) or len(topics) > 4:
        raise LogFormatError("log topics are malformed")
    hashes = [block_hash, tx_hash, *topics]
    if len(address) != 42 or len(data) % 2 or any(len(h) != 66 for h in hashes):
        raise LogFormatError("a log field has the wrong length")
    fields = [address, data, *hashes]
    # One pattern over every hex field at once: the per-field checks were most of the decoding time.
    if any(field[:2] != "0x" for field in fields) or not _HEX_DIGITS.fullmatch(
        "".join(f[2:] for f in fields)
    ):
        raise LogFormatError("a log field is not 0x-hex")
    timestamp = raw.get("blockTimestamp")
    return RawLog(
        address=checksum(address.lower()),
        topics=tuple(topic.lower() for topic in topics),
        data=data.lower(),
        block_number=_quantity(raw["blockNumber"]),
        block_hash=block_hash.lower(),
        block_timestamp=None if timestamp is None else _quantity(timestamp),
        tx_hash=tx_hash.lower(),
        log_index=_quantity(raw["logIndex"]),
    )


def _json_value(abi_type: str, value: Any) -> Any:
    # Integers as decimal strings (JSON numbers lose precision past 2**53), bytes as 0x-hex.
    if abi_type.endswith("]"):
        inner = abi_type[: abi_type.rindex("[")]
        return [_json_value(inner, item) for item in value]
    if abi_type.startswith(("uint", "int")):
        return str(value)
    if abi_type == "address":
        return checksum(value)
    if abi_type.startswith("bytes"):
        return "0x" + bytes(value).hex()
    return value  # bool, string


def _uint(word: str) -> str:
    return str(int(word, 16))


def _address(word: str) -> str:
    return checksum("0x" + word[24:])


def _bool(word: str) -> bool:
    return int(word, 16) != 0


def _int(word: str) -> str:
    number = int(word, 16)
    return str(number - (1 << 256) if number >> 255 else number)


def _word_reader(abi_type: str) -> Callable[[str], Any]:
    """How to read one 32-byte word (64 hex digits) of a static type: chosen once per event, not per log."""
    if abi_type.startswith("uint"):
        return _uint
    if abi_type == "address":
        return _address
    if abi_type == "bool":
        return _bool
    if abi_type.startswith("int"):
        return _int
    digits = 2 * int(abi_type[5:])  # bytesN is left-aligned
    return lambda word: "0x" + word[:digits]


def _topic_reader(abi_type: str) -> Callable[[str], Any]:
    if _STATIC_WORD_TYPES.match(abi_type):
        reader = _word_reader(abi_type)
        return lambda topic: reader(topic[2:])
    return lambda topic: topic  # an indexed dynamic value is only its hash in the topic


@dataclass(frozen=True)
class EventPlan:
    """How to decode one event: its indexed arguments from topics, the rest from data."""

    contract: str
    name: str
    indexed: tuple[tuple[str, Callable[[str], Any]], ...]  # (argument, reader of its topic)
    unindexed: tuple[tuple[str, str], ...]  # (argument, type)
    words: tuple[tuple[str, Callable[[str], Any]], ...] | None  # readers when every one is a static word

    def decode(self, log: RawLog) -> dict[str, Any]:
        """The arguments of `log`; raises LogFormatError when topics or data do not fit the event."""
        topics = log.topics
        if len(topics) != len(self.indexed) + 1:
            raise LogFormatError(f"{self.name}: wrong number of topics")
        args = {name: read(topic) for (name, read), topic in zip(self.indexed, topics[1:], strict=True)}
        data = log.data[2:]
        if self.words is not None:
            if len(data) != 64 * len(self.words):
                raise LogFormatError(f"{self.name}: data of the wrong length")
            for position, (name, read) in enumerate(self.words):
                args[name] = read(data[64 * position : 64 * position + 64])
            return args
        try:
            values = abi_decode([abi_type for _, abi_type in self.unindexed], bytes.fromhex(data))
        except Exception as error:  # eth_abi raises several types for malformed input
            raise LogFormatError(f"{self.name}: data does not decode") from error
        for (name, abi_type), value in zip(self.unindexed, values, strict=True):
            args[name] = _json_value(abi_type, value)
        return args


def _signature(event: Mapping[str, Any]) -> str:
    return f"{event['name']}({','.join(_canonical_type(i) for i in event['inputs'])})"


def _canonical_type(item: Mapping[str, Any]) -> str:
    if item["type"].startswith("tuple"):
        return "(" + ",".join(_canonical_type(c) for c in item["components"]) + ")" + item["type"][5:]
    return str(item["type"])


@cache
def event_plans(contract: str) -> dict[str, EventPlan]:
    """The decoding plan of every event in `contract`'s ABI, by topic 0."""
    plans: dict[str, EventPlan] = {}
    for event in load_artifact(contract).abi:
        if event["type"] != "event" or event.get("anonymous"):
            continue
        indexed = tuple((i["name"], _canonical_type(i)) for i in event["inputs"] if i["indexed"])
        unindexed = tuple((i["name"], _canonical_type(i)) for i in event["inputs"] if not i["indexed"])
        topic = "0x" + keccak(text=_signature(event)).hex()
        words = None
        if all(_STATIC_WORD_TYPES.match(abi_type) for _, abi_type in unindexed):
            words = tuple((name, _word_reader(abi_type)) for name, abi_type in unindexed)
        readers = tuple((name, _topic_reader(abi_type)) for name, abi_type in indexed)
        plans[topic] = EventPlan(contract, event["name"], readers, unindexed, words)
    return plans


class LogDecoder:
    """Decodes the logs of one deployment's contracts; logs of other addresses or events are skipped."""

    def __init__(self, contracts_by_address: Mapping[str, str]) -> None:
        self._plans = {checksum(a): event_plans(name) for a, name in contracts_by_address.items()}

    def decode(self, raw_logs: Iterable[Mapping[str, Any]]) -> list[DecodedLog]:
        """Parse and decode `raw_logs`, in chain order; raises LogFormatError on a malformed log."""
        decoded: list[DecodedLog] = []
        for raw in raw_logs:
            log = parse_log(raw)
            plans = self._plans.get(log.address)
            plan = plans.get(log.topics[0]) if plans and log.topics else None
            if plan is not None:
                decoded.append(DecodedLog(log, plan.contract, plan.name, plan.decode(log)))
        positions = [(item.log.block_number, item.log.log_index) for item in decoded]
        if positions != sorted(positions):  # nodes send chain order; sort only if this one did not
            decoded.sort(key=lambda item: (item.log.block_number, item.log.log_index))
        return decoded


def addresses_of(contracts_by_address: Mapping[str, str]) -> Sequence[str]:
    """The addresses to ask eth_getLogs for."""
    return sorted(contracts_by_address)
