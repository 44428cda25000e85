"""What drafting a prize proposal needs from other parts of the platform, in one place.

Two other areas own these facts: the trust chain (the challenge's id in the escrow, its attestation and
the canonical final leaderboard) and wallets (the address linked to an account). Drafting reads them only
through the functions below, which turn their owners' records into the values a draft needs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.urls import reverse

from bounties.selectors.prize_eligibility import prize_eligible_ids
from governance.chain.attestations import results_hash
from governance.models import OutgoingTransaction
from governance.selectors import trust_results, wallets


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
    ranking: tuple[int, ...]  # user ids of the prize-eligible ranked contributors, best first
    winning_submissions: tuple[int | None, ...] = ()  # the ranked submission id of each in `ranking`


def challenge_attestation(challenge: Any) -> ChallengeAttestation:
    """The attestation of `challenge` as mined in the escrow; raises PrizeInputsMissing before that."""
    results = trust_results.challenge_attestation(challenge=challenge)
    on_chain = getattr(challenge, "on_chain", None) if results is not None else None
    mined = (OutgoingTransaction.Status.MINED, OutgoingTransaction.Status.CONFIRMED)
    attest = results.attest_transaction if results is not None else None
    if results is None or on_chain is None or on_chain.escrow_challenge_id is None:
        raise PrizeInputsMissing("the challenge's results are not attested in the escrow yet")
    if attest is None or attest.status not in mined or attest.block_timestamp is None:
        raise PrizeInputsMissing("the challenge's results are not attested in the escrow yet")
    return ChallengeAttestation(
        escrow_challenge_id=on_chain.escrow_challenge_id,
        spec_hash=bytes.fromhex(on_chain.spec_hash.removeprefix("0x")),
        results_hash=bytes.fromhex(results.results_hash.removeprefix("0x")),
        evaluators=tuple(results.signers),
        attested_at=attest.block_timestamp,
        round=results.escrow_round or 0,
    )


def final_leaderboard_document(challenge: Any) -> FinalLeaderboard:
    """The published canonical final leaderboard of `challenge`; raises PrizeInputsMissing before that.

    Its `ranking` skips the contributors whose ranked submission is not prize-eligible (the rule of
    `bounties.selectors.prize_eligibility`): the prizes go down the ranking to the eligible ones.
    """
    document = trust_results.final_leaderboard_document(challenge=challenge)
    if document is None:
        raise PrizeInputsMissing("the final leaderboard is not published yet")
    ranked = sorted(json.loads(document)["ranking"], key=lambda row: row["rank"])
    eligible = prize_eligible_ids(row["submission_id"] for row in ranked if row["submission_id"])
    ranking = [row for row in ranked if row["submission_id"] in eligible]
    return FinalLeaderboard(
        canonical_json=document,
        results_hash=results_hash(document),
        sha256=hashlib.sha256(document).hexdigest(),
        url=reverse("bounties:challenge-final-leaderboard", kwargs={"slug": challenge.slug}),
        ranking=tuple(row["contributor_id"] for row in ranking),
        winning_submissions=tuple(_submission_id(row) for row in ranking),
    )


def wallet_address_of(user: Any) -> str | None:
    """The checksummed wallet address linked to `user`'s account, or None."""
    link = wallets.wallet_of_user(user=user)
    return link.address if link is not None else None


def _submission_id(row: dict[str, Any]) -> int | None:
    # The document is the platform's own frozen JSON; still, only a plain int is taken as an id.
    value = row.get("submission_id")
    return value if type(value) is int else None
