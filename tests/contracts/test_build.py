"""The committed artifacts are exactly what the pinned compiler makes of the sources today."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from governance.chain.abi import ArtifactMissingError, artifact_names, load_artifact

CONTRACTS_DIR = Path(__file__).resolve().parents[2] / "contracts"


def test_a_fresh_compile_reproduces_the_committed_artifacts() -> None:
    node = shutil.which("node")
    assert node, "Node is needed to compile the contracts (make contracts-install)"
    assert (CONTRACTS_DIR / "node_modules" / "solc").is_dir(), "run `make contracts-install`"
    result = subprocess.run(
        [node, "scripts/build.mjs", "--check"], cwd=CONTRACTS_DIR, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr


def test_artifacts_record_compiler_settings_and_source_hash() -> None:
    assert {"ClueToken", "ClueGovernor", "TimelockController", "PrizeEscrow"} <= set(artifact_names())
    escrow = load_artifact("PrizeEscrow")
    assert escrow.compiler_version.startswith("0.8.37")
    assert escrow.source_hash.startswith("sha256:")
    assert load_artifact("PrizeEscrow") is escrow  # loaded once per process


def test_an_unknown_artifact_says_how_to_build() -> None:
    with pytest.raises(ArtifactMissingError, match="make contracts-build"):
        load_artifact("NoSuchContract")
