"""A contributor's public profile: their published work, clues and best scores."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from bounties.selectors.profiles import (
    active_contributor_id,
    clues_by_author,
    contributor_best_scores,
    contributor_get,
)
from bounties.selectors.submissions import submissions_of_contributor
from bounties.views.common import application_errors_as_pages
from clueboard.reader_pages import reader_page

PROFILE_LIST_SIZE = 50


@require_GET
@application_errors_as_pages
def contributor_profile_view(request: HttpRequest, username: str) -> HttpResponse:
    def page() -> HttpResponse:
        contributor = contributor_get(username=username)
        submissions = submissions_of_contributor(contributor=contributor, viewer=request.user)
        context = {
            "contributor": contributor,
            "submissions": list(submissions.prefetch_related(None)[:PROFILE_LIST_SIZE]),
            "clues": list(clues_by_author(author=contributor)[:PROFILE_LIST_SIZE]),
            "best_scores": contributor_best_scores(contributor=contributor, viewer=request.user),
        }
        return render(request, "bounties/contributor_profile.html", context)

    # Signed out, everybody sees the same profile: kept a few seconds (its owner, signed in, sees it live).
    return reader_page(request, lambda: active_contributor_id(username=username), page)
