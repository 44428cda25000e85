"""The canonical final leaderboard of a closed challenge, and what proposals read of its attestation.

`final_leaderboard_json` is the one owner of the bytes the evaluators attest: canonical JSON (sorted
keys, no whitespace, ASCII) of the private ranking by the rules of `bounties.selectors.leaderboard`.
Once frozen (`ChallengeResults`), the stored bytes are what is published and attested.
"""

from __future__ import annotations

from bounties.models import Challenge, Submission
from bounties.selectors.leaderboard import PRIVATE, leaderboard_for
from governance.models import ChallengeOnChain, ChallengeResults
from governance.selectors.trust_spec import canonical_json

RESULTS_VERSION = 1


def final_leaderboard_json(*, challenge: Challenge) -> bytes:
    """The canonical final leaderboard of a challenge past its close, as of now.

    Raises ValueError while the challenge is open: only the private (final) ranking is attested.
    """
    board = leaderboard_for(challenge)
    if board.phase != PRIVATE:
        raise ValueError("only a closed challenge has a final leaderboard")
    hashes = dict(
        Submission.objects.filter(pk__in=[e.submission_id for e in board.entries]).values_list(
            "pk", "content_hash"
        )
    )
    on_chain = (
        ChallengeOnChain.objects.filter(challenge=challenge).values_list("spec_hash", flat=True).first()
    )
    document = {
        "version": RESULTS_VERSION,
        "challenge": challenge.slug,
        "spec_hash": on_chain,
        "metric": challenge.metric,
        "higher_is_better": challenge.higher_is_better,
        "closed_at": challenge.ends_at.isoformat(),
        "ranking": [
            {
                "rank": entry.rank,
                "contributor_id": entry.contributor_id,
                "contributor": entry.contributor_username,
                "submission_id": entry.submission_id,
                "submission_hash": "0x" + hashes[entry.submission_id] if entry.submission_id else None,
                "private_score": entry.score,
                "submitted_at": entry.submitted_at.isoformat(),
            }
            for entry in board.entries
        ],
    }
    return canonical_json(document)


def challenge_attestation(*, challenge: Challenge) -> ChallengeResults | None:
    """The frozen final results of a challenge with their attestation transaction, or None before close.

    For proposals: `results_hash`, `signers` and `attest_transaction` (status, block, time) are the
    evidence; the escrow's state says whether the attestation was accepted.
    """
    return (
        ChallengeResults.objects.filter(challenge=challenge)
        .select_related("attest_transaction", "challenge__on_chain")
        .first()
    )


def final_leaderboard_document(*, challenge: Challenge) -> bytes | None:
    """The published (frozen) final leaderboard bytes, or None until the challenge's results are frozen."""
    document = ChallengeResults.objects.filter(challenge=challenge).values_list("document", flat=True).first()
    return document.encode("ascii") if document is not None else None
