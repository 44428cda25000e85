"""A challenge's activity as an Atom feed, for feed readers: the same items as the page."""

from __future__ import annotations

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from activity.items import FeedItem
from activity.selectors.feed import PAGE_SIZE, challenge_feed
from bounties.errors import NotFound
from bounties.models import Challenge
from bounties.selectors.challenges import challenge_get_visible


class ChallengeActivityFeed(Feed):
    feed_type = Atom1Feed
    author_name = "Clueboard"

    def get_object(self, request: HttpRequest, slug: str) -> Challenge:
        try:
            challenge = challenge_get_visible(slug=slug, viewer=request.user)
        except NotFound as error:
            raise Http404(error.message) from error
        # Item ids are built on the page's absolute address (Atom ids must be IRIs, unique and stable).
        self._activity_url = request.build_absolute_uri(reverse("activity:challenge-activity", args=[slug]))
        return challenge

    def title(self, challenge: Challenge) -> str:
        return f"{challenge.title}: activity on Clueboard"

    def subtitle(self, challenge: Challenge) -> str:
        return "New clues, new best public scores, commitments, prize proposals, votes and payouts."

    def link(self, challenge: Challenge) -> str:
        return reverse("bounties:challenge-detail", args=[challenge.slug])

    def feed_url(self, challenge: Challenge) -> str:
        return reverse("activity:challenge-feed", args=[challenge.slug])

    def items(self, challenge: Challenge) -> list[FeedItem]:
        return challenge_feed(challenge=challenge, limit=PAGE_SIZE)

    def item_title(self, item: FeedItem) -> str:
        return item.headline

    def item_description(self, item: FeedItem) -> str:
        return f"{item.label}: {item.headline}"

    def item_link(self, item: FeedItem) -> str:
        return item.path

    def item_guid(self, item: FeedItem) -> str:
        return f"{self._activity_url}#{item.key}"

    def item_pubdate(self, item: FeedItem) -> datetime:
        return item.at

    def item_updateddate(self, item: FeedItem) -> datetime:
        return item.at

    def item_categories(self, item: FeedItem) -> list[str]:
        return [item.kind.value]
