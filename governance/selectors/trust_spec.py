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
    settings = challenge_settings_of(challenge)
    rules: dict[str, Any] = {}
    for name in FIXED_ONCE_PUBLISHED:
        value = getattr(settings, name)
        rules[name] = canonical_architectures(value) if name == "architectures" else value
    document = {
        "version": SPEC_VERSION,
        "rules": rules,
        "hidden_test_set": {
            "sha256": dataset.sha256,
            "n_rows": dataset.n_rows,
            "public_fraction": dataset.public_fraction,
            "n_public": dataset.n_public,
            "split_seed_sha256": hashlib.sha256(dataset.split_seed.encode()).hexdigest(),
        },
    }
    canonical = canonical_json(document)
    return ChallengeSpec(document=json.loads(canonical), canonical=canonical, spec_hash=keccak(canonical))
