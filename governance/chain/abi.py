"""Load compiled contract artifacts from contracts/build/, once per process."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

BUILD_DIR = Path(__file__).resolve().parents[2] / "contracts" / "build"


@dataclass(frozen=True)
class Artifact:
    """One compiled contract: what web3 needs to deploy it and talk to it."""

    name: str
    abi: list[dict[str, Any]]
    bytecode: str
    deployed_bytecode: str
    compiler_version: str
    source_hash: str


class ArtifactMissingError(LookupError):
    """No artifact of that name exists in contracts/build/."""


@cache
def load_artifact(name: str) -> Artifact:
    """Return the committed artifact of contract `name`; raises ArtifactMissingError if there is none."""
    path = BUILD_DIR / f"{name}.json"
    if not path.is_file():
        raise ArtifactMissingError(f"{path} not found: run `make contracts-build`")
    raw = json.loads(path.read_text())
    return Artifact(
        name=raw["contractName"],
        abi=raw["abi"],
        bytecode=raw["bytecode"],
        deployed_bytecode=raw["deployedBytecode"],
        compiler_version=raw["compiler"]["version"],
        source_hash=raw["sourceHash"],
    )


def artifact_names() -> list[str]:
    """Names of every committed artifact, sorted."""
    return sorted(path.stem for path in BUILD_DIR.glob("*.json"))
