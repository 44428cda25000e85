"""The challenge page's activity panel, so the challenge view itself needs nothing more."""

from __future__ import annotations

from functools import partial
from typing import Any

from django import template
from django.conf import settings

from activity.items import FeedItem
from activity.selectors.feed import challenge_feed
from activity.selectors.watches import is_watching
from clueboard.caching import cached

register = template.Library()

PANEL_ITEMS = 8


@register.inclusion_tag("activity/_feed_panel.html", takes_context=True)
def challenge_activity_panel(context: template.Context, challenge: Any) -> dict[str, Any]:
    """The latest items (kept a few seconds: `_panel_items`), the watch button and the Atom link."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "challenge": challenge,
        "items": _panel_items(challenge),
        "watching": is_watching(user=user, challenge=challenge),
        "user": user,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


def _panel_items(challenge: Any) -> list[FeedItem]:
    """The panel's items, the same for every viewer: kept under the score version (a new best shows at once),
    the rest (clues, votes, payouts) at most READER_PAGE_SECONDS old, as on the pages kept for readers."""
    key = f"activity:panel:{challenge.pk}:{challenge.scores_version}"
    read = partial(challenge_feed, challenge=challenge, limit=PANEL_ITEMS)
    return cached(key, read, seconds=settings.READER_PAGE_SECONDS)
