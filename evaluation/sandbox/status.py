"""The status lines the sandboxed harness writes, parsed on the trusted side into small typed values.

Trust boundary: every byte on the status pipe comes from a process that has opened a hostile file, so a
line is one JSON object of an exact, known form, or it is malformed. The parent counts a malformed line
as a crash of the model's run. The harness may report contributor failure classes only: a line that
claims "infrastructure" (which would refund the quota and earn retries) or an unknown class is malformed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from evaluation.scoring.errors import CONTRIBUTOR_FAILURES, FailureClass

MAX_STATUS_LINE_BYTES = 4096
MAX_DETAIL_CHARACTERS = 300
DEVICES = ("cpu", "cuda")


class MalformedStatus(ValueError):
    """A status line that is not one of the known messages; the message says what was wrong."""


@dataclass(frozen=True)
class Ready:
    """The harness imported everything; which frameworks reached CUDA (before any job was known)."""

    torch_cuda: bool
    onnx_cuda: bool


@dataclass(frozen=True)
class Locked:
    seccomp: bool


@dataclass(frozen=True)
class Loaded:
    device: str


@dataclass(frozen=True)
class Progress:
    done: int
    total: int


@dataclass(frozen=True)
class Failed:
    failure: FailureClass
    detail: str  # for the worker's log only


@dataclass(frozen=True)
class Done:
    pass


StatusMessage = Ready | Locked | Loaded | Progress | Failed | Done


def parse_status_line(line: bytes) -> StatusMessage:
    """The message on one line (without its newline); raises MalformedStatus."""
    if len(line) > MAX_STATUS_LINE_BYTES:
        raise MalformedStatus("status line too long")
    try:
        message = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedStatus("status line is not JSON") from exc
    if not isinstance(message, dict):
        raise MalformedStatus("status line is not a JSON object")
    keys = frozenset(message)
    parser = _PARSERS.get(keys)
    if parser is None:
        raise MalformedStatus(f"unknown status keys {sorted(keys)[:6]!r}")
    return parser(message)


def _flag(message: dict[str, Any], key: str) -> bool:
    value = message[key]
    if type(value) is not bool:
        raise MalformedStatus(f"{key} is not a boolean")
    return value


def _true(message: dict[str, Any], key: str) -> None:
    if message[key] is not True:
        raise MalformedStatus(f"{key} is not true")


def _ready(message: dict[str, Any]) -> Ready:
    _true(message, "ready")
    return Ready(torch_cuda=_flag(message, "torch_cuda"), onnx_cuda=_flag(message, "onnx_cuda"))


def _loaded(message: dict[str, Any]) -> Loaded:
    _true(message, "loaded")
    if message["device"] not in DEVICES:
        raise MalformedStatus("unknown device")
    return Loaded(device=message["device"])


def _progress(message: dict[str, Any]) -> Progress:
    value = message["progress"]
    if not (isinstance(value, list) and len(value) == 2 and all(type(n) is int for n in value)):
        raise MalformedStatus("progress is not two integers")
    return Progress(done=value[0], total=value[1])


def _failed(message: dict[str, Any]) -> Failed:
    failure, detail = message["failure"], message["detail"]
    if not isinstance(failure, str) or failure not in CONTRIBUTOR_FAILURES:
        raise MalformedStatus("the sandbox reported a failure class it may not report")
    if not isinstance(detail, str):
        raise MalformedStatus("failure detail is not text")
    return Failed(failure=FailureClass(failure), detail=detail[:MAX_DETAIL_CHARACTERS])


def _done(message: dict[str, Any]) -> Done:
    _true(message, "done")
    return Done()


def _locked(message: dict[str, Any]) -> Locked:
    return Locked(seccomp=_flag(message, "seccomp"))


_PARSERS: dict[frozenset[str], Callable[[dict[str, Any]], StatusMessage]] = {
    frozenset({"ready", "torch_cuda", "onnx_cuda"}): _ready,
    frozenset({"seccomp"}): _locked,
    frozenset({"loaded", "device"}): _loaded,
    frozenset({"progress"}): _progress,
    frozenset({"failure", "detail"}): _failed,
    frozenset({"done"}): _done,
}
