"""The challenge's spec hash: the one function that says what a challenge commits to when it opens.

The spec document holds the settings that decide a score (bounties' FIXED_ONCE_PUBLISHED, in their
canonical form), the hidden test set's sha256, how it is split and the sha256 of the split seed (never
the seed: it would tell which rows are public). Its bytes are canonical JSON (sorted keys, no spaces,
ASCII), and the spec hash is keccak256 of those bytes, so anyone can recompute it from the page.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from eth_utils import keccak

from bounties.models import Challenge, HiddenDataset
from bounties.services.challenge_settings import canonical_architectures, challenge_settings_of
from bounties.services.challenges import FIXED_ONCE_PUBLISHED

SPEC_VERSION = 1


@dataclass(frozen=True)
class ChallengeSpec:
    """A challenge's spec document, its canonical bytes and its hash."""

    document: dict[str, Any]
    canonical: bytes
    spec_hash: bytes

    @property
    def spec_hash_hex(self) -> str:
        return "0x" + self.spec_hash.hex()


def canonical_json(value: Any) -> bytes:
    """Deterministic JSON bytes: sorted keys, no whitespace, ASCII only (the same bytes every time)."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    ).encode()


def challenge_spec(*, challenge: Challenge, dataset: HiddenDataset) -> ChallengeSpec:
    """The spec `challenge` with hidden test set `dataset` commits to (see the module docstring)."""
    document = _document(challenge, dataset)
    rules = document["rules"]
    if "architectures" in rules:
        # Imports torch (the architecture registry): only at publish, or when the fingerprint differs.
        rules["architectures"] = canonical_architectures(rules["architectures"])
    canonical = canonical_json(document)
    return ChallengeSpec(document=json.loads(canonical), canonical=canonical, spec_hash=keccak(canonical))


def spec_fingerprint(*, challenge: Challenge, dataset: HiddenDataset) -> str:
    """sha256 of the spec's inputs as written (architectures without their defaults filled in).

    Cheap and torch-free: equal fingerprints mean the same inputs, so the same spec hash; a different one
    may still hash the same (an architecture now spelled with its defaults), which `challenge_spec` decides.
    """
    return hashlib.sha256(canonical_json(_document(challenge, dataset))).hexdigest()


def _document(challenge: Challenge, dataset: HiddenDataset) -> dict[str, Any]:
    settings = challenge_settings_of(challenge)
    return {
        "version": SPEC_VERSION,
        "rules": {name: getattr(settings, name) for name in FIXED_ONCE_PUBLISHED},
        "hidden_test_set": {
            "sha256": dataset.sha256,
            "n_rows": dataset.n_rows,
            "public_fraction": dataset.public_fraction,
            "n_public": dataset.n_public,
            "split_seed_sha256": hashlib.sha256(dataset.split_seed.encode()).hexdigest(),
        },
    }
