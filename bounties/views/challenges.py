"""The challenge list, and the challenge page's tabs: overview (rules, leaderboard, chart, clues) and data."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from bounties.forms import ChallengeFilterForm
from bounties.models import Challenge
from bounties.selectors.challenges import (
    challenge_get_visible,
    challenge_list,
    challenge_resource_get,
    challenge_resources,
    published_challenge_version,
)
from bounties.selectors.clues import clue_list
from bounties.selectors.leaderboard import PRIVATE, Leaderboard, ScorePoint, leaderboard_phase, own_rank
from bounties.selectors.leaderboard_pages import (
    LeaderboardRanking,
    leaderboard_size,
    leaderboard_top,
    score_points,
)
from bounties.selectors.quota import submission_quota
from bounties.selectors.submissions import submissions_of_contributor
from bounties.services.uploads import accepted_formats_text
from bounties.views.common import application_errors_as_pages, artifact_download
from clueboard.reader_pages import reader_page
from governance.selectors.trust import challenge_trust
from governance.selectors.trust_funding import challenge_funding
from governance.selectors.trust_results import final_leaderboard_document

CHALLENGES_PER_PAGE = 20
LEADERBOARD_SIZE = 50  # the top of the ranking on the challenge page; the rest on its own pages
LEADERBOARD_PAGE_SIZE = 100
RECENT_CLUES = 5
OWN_RECENT_SUBMISSIONS = 5


def challenge_list_view(request: HttpRequest) -> HttpResponse:
    form = ChallengeFilterForm(request.GET or None)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    challenges = challenge_list(
        status=filters.get("status") or None,
        metric=filters.get("metric") or None,
        search=filters.get("q") or None,
    )
    page = Paginator(challenges, CHALLENGES_PER_PAGE).get_page(request.GET.get("page"))
    # Pagination links keep the filters.
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "filter_query": query.urlencode()}
    return render(request, "bounties/challenge_list.html", context)


def _chart_points(points: list[ScorePoint]) -> list[dict[str, Any]]:
    return [
        {"t": point.submitted_at.isoformat(), "score": point.score, "best": point.best_so_far}
        for point in points
    ]


def _own_context(request: HttpRequest, challenge: Challenge) -> dict[str, Any]:
    if not request.user.is_authenticated:
        return {}
    own = submissions_of_contributor(contributor=request.user, viewer=request.user)
    return {
        "quota": submission_quota(challenge=challenge, contributor=request.user),
        "own_submissions": list(
            own.filter(challenge=challenge).prefetch_related(None)[:OWN_RECENT_SUBMISSIONS]
        ),
    }


def _table_cache(
    request: HttpRequest, challenge: Challenge, leaderboard: Leaderboard, first: int
) -> dict[str, Any]:
    """What the rendered rows of the leaderboard table are kept under (the template's `cache` tag): they
    change only with the ranking (score version, phase, which rows) and the highlighted row, which is the
    signed-in contributor's only when they are on it, so most people share one copy per page of rows."""
    user = request.user
    on_it = user.is_authenticated and any(e.contributor_id == user.pk for e in leaderboard.entries)
    own = user.pk if on_it else 0
    key = (challenge.pk, challenge.scores_version, leaderboard.phase, first, len(leaderboard.entries), own)
    return {
        "table_cache_key": ":".join(str(part) for part in key),
        "table_cache_seconds": settings.READER_PAGE_SECONDS,
    }


def _own_rank(request: HttpRequest, challenge: Challenge) -> dict[str, Any]:
    """The signed-in contributor's place on the open leaderboard and the page of the whole one it is on."""
    rank = own_rank(challenge, request.user) if request.user.is_authenticated else None
    if rank is None:
        return {}
    return {"own_rank": rank, "own_page": (rank - 1) // LEADERBOARD_PAGE_SIZE + 1}


@application_errors_as_pages
def challenge_detail_view(request: HttpRequest, slug: str) -> HttpResponse:
    # Signed out, the page is the same for everybody: kept until a score lands, or a few seconds.
    return reader_page(
        request, lambda: published_challenge_version(slug=slug), lambda: _detail(request, slug)
    )


def _detail(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = challenge_get_visible(slug=slug, viewer=request.user)
    leaderboard = leaderboard_top(challenge, limit=LEADERBOARD_SIZE)
    context = {
        "challenge": challenge,
        "hidden_dataset": getattr(challenge, "hidden_dataset", None),
        "accepted_formats": accepted_formats_text(challenge.accepted_formats),
        "n_resources": challenge_resources(challenge=challenge).count(),
        "leaderboard": leaderboard,
        "leaderboard_is_private": leaderboard.phase == PRIVATE,
        "leaderboard_size": leaderboard_size(challenge),
        **_table_cache(request, challenge, leaderboard, 0),
        **_own_rank(request, challenge),
        "score_points": _chart_points(score_points(challenge)),
        "recent_clues": list(clue_list(viewer=request.user, challenge_slug=challenge.slug)[:RECENT_CLUES]),
        "trust": challenge_trust(challenge=challenge),
        "funding": challenge_funding(challenge=challenge),
        **_own_context(request, challenge),
    }
    return render(request, "bounties/challenge_detail.html", context)


@application_errors_as_pages
def challenge_leaderboard_view(request: HttpRequest, slug: str) -> HttpResponse:
    """The whole ranking, a page at a time (the challenge page shows its top)."""
    challenge = challenge_get_visible(slug=slug, viewer=request.user)
    page = Paginator(LeaderboardRanking(challenge), LEADERBOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    phase = leaderboard_phase(challenge)
    leaderboard = Leaderboard(
        challenge=challenge,
        phase=phase,
        higher_is_better=challenge.higher_is_better,
        entries=list(page.object_list),
    )
    context = {
        "challenge": challenge,
        "hidden_dataset": getattr(challenge, "hidden_dataset", None),
        "accepted_formats": accepted_formats_text(challenge.accepted_formats),
        "n_resources": challenge_resources(challenge=challenge).count(),
        "leaderboard": leaderboard,
        "leaderboard_is_private": phase == PRIVATE,
        "page": page,
        **_table_cache(request, challenge, leaderboard, page.start_index()),
        **_own_context(request, challenge),
    }
    return render(request, "bounties/challenge_leaderboard.html", context)


@application_errors_as_pages
def challenge_final_leaderboard_view(request: HttpRequest, slug: str) -> HttpResponse:
    """The canonical final leaderboard JSON, byte for byte what the evaluators attest (404 before)."""
    challenge = challenge_get_visible(slug=slug, viewer=request.user)
    document = final_leaderboard_document(challenge=challenge)
    if document is None:
        raise Http404("The final leaderboard is published once the challenge has closed and is scored.")
    return HttpResponse(document, content_type="application/json")


@application_errors_as_pages
def challenge_data_view(request: HttpRequest, slug: str) -> HttpResponse:
    """The Data tab: the public files to download, and what the hidden test set is (never the file)."""
    challenge = challenge_get_visible(slug=slug, viewer=request.user)
    resources = list(challenge_resources(challenge=challenge))
    context = {
        "challenge": challenge,
        "hidden_dataset": getattr(challenge, "hidden_dataset", None),
        "accepted_formats": accepted_formats_text(challenge.accepted_formats),
        "resources": resources,
        "n_resources": len(resources),
        **_own_context(request, challenge),
    }
    return render(request, "bounties/challenge_data.html", context)


@application_errors_as_pages
def challenge_resource_view(request: HttpRequest, slug: str, filename: str) -> FileResponse:
    """Download a public file of a challenge the viewer may see. Only resources: no path reaches a hidden set."""
    challenge = challenge_get_visible(slug=slug, viewer=request.user)
    resource = challenge_resource_get(challenge=challenge, filename=filename)
    return artifact_download(resource.artifact, resource.filename)
