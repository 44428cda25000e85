"""The digest email itself: plain text and HTML from templates, absolute links, one-click unsubscribe."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from activity.items import FeedItem
from activity.models import ChallengeWatch
from activity.services.watches import unsubscribe_token


@dataclass(frozen=True)
class DigestSection:
    watch: ChallengeWatch
    items: list[FeedItem]  # newest first
    more: bool  # more new items than the email lists


def absolute(path: str) -> str:
    """Emails are read outside the site: every link carries SITE_URL."""
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_url(*, user_id: int, challenge_id: int | None) -> str:
    token = unsubscribe_token(user_id=user_id, challenge_id=challenge_id)
    return absolute(reverse("activity:unsubscribe", args=[token]))


def _section_context(section: DigestSection) -> dict[str, Any]:
    challenge = section.watch.challenge
    return {
        "challenge": challenge,
        "activity_url": absolute(reverse("activity:challenge-activity", args=[challenge.slug])),
        "items": [{"item": item, "url": absolute(item.path)} for item in section.items],
        "more": section.more,
        "unwatch_url": unsubscribe_url(user_id=section.watch.user_id, challenge_id=challenge.pk),
    }


def digest_message(*, user: Any, sections: list[DigestSection]) -> EmailMultiAlternatives:
    """The email listing `sections` for `user`, with a link that stops every digest without logging in."""
    stop_all = unsubscribe_url(user_id=user.pk, challenge_id=None)
    context = {
        "user": user,
        "sections": [_section_context(section) for section in sections],
        "n_items": sum(len(section.items) for section in sections),
        "unsubscribe_url": stop_all,
    }
    subject = render_to_string("activity/email/digest_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("activity/email/digest.txt", context),
        to=[user.email],
        # RFC 8058: mail clients offer their own unsubscribe button, which POSTs to this address.
        headers={"List-Unsubscribe": f"<{stop_all}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    message.attach_alternative(render_to_string("activity/email/digest.html", context), "text/html")
    return message
