"""The version of a challenge's scores: cached leaderboard pages, chart points and best-score items are
keyed by it, and every change to what they show gives the challenge a new one, so no cached page outlives
a score.

The version is a column of the challenge, raised in the transaction that changes the ranking (a score
landing, a final selection), not a cache entry: the worker that stores a score and the web process that
shows it are different processes, and with the default per-process cache one could never tell the other.
A reader sees the new version exactly when it can see the new scores.
"""

from __future__ import annotations

from django.db.models import F

from bounties.models import Challenge


def leaderboard_version(challenge_id: int) -> int:
    """The version now committed (one primary-key read: a page's challenge may have been loaded before)."""
    version = Challenge.objects.filter(pk=challenge_id).values_list("scores_version", flat=True).first()
    return version or 0


def leaderboard_changed(challenge_id: int) -> None:
    """Call inside the transaction that changes the challenge's ranking."""
    Challenge.objects.filter(pk=challenge_id).update(scores_version=F("scores_version") + 1)
