"""What drafting a prize proposal needs from other parts of the platform, in one place.

Three other areas own these facts: the trust chain (the challenge's id in the escrow, its attestation and
the canonical final leaderboard) and wallets (the address linked to an account). Drafting reads them only
through the functions below, so wiring them to their owners' selectors changes nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


class PrizeInputsMissing(LookupError):
    """A fact the draft needs is not available (yet): not attested, no published leaderboard, ..."""


@dataclass(frozen=True)
class ChallengeAttestation:
    """The evaluators' attestation of a challenge's results, as relayed to the escrow."""

    escrow_challenge_id: int  # the challenge's id in PrizeEscrow
    spec_hash: bytes  # committed when the challenge was created in the escrow
    results_hash: bytes  # keccak256 of the canonical final leaderboard JSON
    evaluators: tuple[str, ...]  # who signed, checksummed
    attested_at: datetime
    round: int = 0


@dataclass(frozen=True)
class FinalLeaderboard:
    """The published canonical final leaderboard, with the contributors in final rank order."""

    canonical_json: bytes
    results_hash: bytes  # keccak256(canonical_json): must equal the attested one
    sha256: str  # hex, for people who check the download with sha256sum
    url: str  # where anyone can download it
    ranking: tuple[int, ...]  # user ids, rank 1 first


def challenge_attestation(challenge: Any) -> ChallengeAttestation:
    """The attestation of `challenge`; raises PrizeInputsMissing when it was not attested.

    To be wired to the trust chain's selector of the same name.
    """
    raise PrizeInputsMissing("attestations are not wired to the trust chain yet")


def final_leaderboard_document(challenge: Any) -> FinalLeaderboard:
    """The canonical final leaderboard of `challenge`; raises PrizeInputsMissing before it is published.

    To be wired to the trust chain's selector of the same name.
    """
    raise PrizeInputsMissing("the final leaderboard document is not wired to the trust chain yet")


def wallet_address_of(user: Any) -> str | None:
    """The checksummed wallet address linked to `user`'s account, or None. To be wired to wallets."""
    return None
