"""The challenge page's activity panel, so the challenge view itself needs nothing more."""

from __future__ import annotations

from typing import Any

from django import template

from activity.selectors.feed import challenge_feed
from activity.selectors.watches import is_watching

register = template.Library()

PANEL_ITEMS = 8


@register.inclusion_tag("activity/_feed_panel.html", takes_context=True)
def challenge_activity_panel(context: template.Context, challenge: Any) -> dict[str, Any]:
    """The latest items, the watch button and the Atom link: one query per source, one for the watch."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "challenge": challenge,
        "items": challenge_feed(challenge=challenge, limit=PANEL_ITEMS),
        "watching": is_watching(user=user, challenge=challenge),
        "user": user,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
