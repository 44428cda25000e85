"""Watching a challenge, and leaving it again, signed in or through an email's unsubscribe link."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.utils import timezone

from activity.models import ChallengeWatch
from bounties.errors import ApplicationError
from bounties.models import Challenge
from bounties.selectors.visibility import is_signed_in

UNSUBSCRIBE_SALT = "activity.unsubscribe"


def challenge_watch(*, user: Any, challenge: Challenge) -> ChallengeWatch:
    """Follow `challenge`: later feed items reach `user` in the digest. Watching twice is watching once.

    Raises ApplicationError for an anonymous user or a challenge that is not published.
    """
    if not is_signed_in(user):
        raise ApplicationError("Log in to watch a challenge.")
    if challenge.published_at is None:
        raise ApplicationError("A challenge can be watched once it is published.")
    # The digest starts from now: what happened before the watch is on the page already. A second click
    # racing the first finds its row (get_or_create retries the read on the unique constraint).
    watch, _ = ChallengeWatch.objects.get_or_create(
        user=user, challenge=challenge, defaults={"digested_until": timezone.now()}
    )
    return watch


def challenge_unwatch(*, user: Any, challenge: Challenge) -> None:
    """Stop following `challenge`; nothing happens when `user` did not follow it."""
    if is_signed_in(user):
        ChallengeWatch.objects.filter(user=user, challenge=challenge).delete()


def unsubscribe_token(*, user_id: int, challenge_id: int | None) -> str:
    """A signed token that stops one watch (or, with no challenge, every watch) of the user, no log-in."""
    return signing.dumps({"u": user_id, "c": challenge_id}, salt=UNSUBSCRIBE_SALT)


@dataclass(frozen=True)
class Unsubscribed:
    stopped: int  # watches removed now (0 when the link was used before)
    challenge_title: str | None  # None: the link stops every watch


def _token_scope(token: str) -> tuple[int, int | None]:
    """The (user id, challenge id or None) a token names. Raises ApplicationError for a forged token."""
    # Trust boundary: the token arrives from anyone's mail client; only its signature makes it ours.
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        challenge_id = payload["c"]
        return int(payload["u"]), None if challenge_id is None else int(challenge_id)
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise ApplicationError(
            "This unsubscribe link is not valid. Watches can also be managed on each challenge's page."
        ) from error


def _scope_title(challenge_id: int | None) -> str | None:
    if challenge_id is None:
        return None
    return Challenge.objects.filter(pk=challenge_id).values_list("title", flat=True).first() or ""


def unsubscribe_scope(*, token: str) -> Unsubscribed:
    """What a token would stop, changing nothing (the confirmation page). Raises ApplicationError."""
    _, challenge_id = _token_scope(token)
    return Unsubscribed(stopped=0, challenge_title=_scope_title(challenge_id))


def watches_unsubscribe(*, token: str) -> Unsubscribed:
    """Remove the watches a token from a digest names. Raises ApplicationError for a forged token."""
    user_id, challenge_id = _token_scope(token)
    watches = ChallengeWatch.objects.filter(user_id=user_id)
    if challenge_id is not None:
        watches = watches.filter(challenge_id=challenge_id)
    stopped, _ = watches.delete()
    return Unsubscribed(stopped=stopped, challenge_title=_scope_title(challenge_id))
