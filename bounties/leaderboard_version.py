"""The version of a challenge's scores in the cache: cached leaderboard pages and chart points are keyed by
it, and every change to what they show gives the challenge a new one, so no cached page outlives a score.

`leaderboard_changed` is called by the services that change a ranking (a score landing, a final selection)
at once and again when their transaction commits: a reader between the two may cache what it read before
the commit, under the first new version, and the second makes that entry unreachable.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "leaderboard-version:{challenge_id}"


def _new_version(challenge_id: int) -> str:
    version = uuid.uuid4().hex
    cache.set(VERSION_KEY.format(challenge_id=challenge_id), version, timeout=None)
    return version


def leaderboard_version(challenge_id: int) -> str:
    """The current version; a challenge without one (a cold or cleared cache) gets a fresh one."""
    version = cache.get(VERSION_KEY.format(challenge_id=challenge_id))
    return version if isinstance(version, str) else _new_version(challenge_id)


def leaderboard_changed(challenge_id: int) -> None:
    _new_version(challenge_id)
    transaction.on_commit(lambda: _new_version(challenge_id))
