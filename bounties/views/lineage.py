"""A challenge's lineage: who built on whom, drawn on the server as SVG, and the citation picker's search."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from bounties.lineage_graph import lineage_picture
from bounties.selectors.challenges import challenge_get_visible
from bounties.selectors.citations import citable_works_search
from bounties.selectors.lineage import challenge_lineage
from bounties.views.common import application_errors_as_pages


@require_GET
@application_errors_as_pages
def challenge_lineage_view(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = challenge_get_visible(slug=slug, viewer=request.user)
    lineage = challenge_lineage(challenge=challenge)
    picture = lineage_picture(
        nodes=list(lineage.nodes.values()), cites=lineage.cites, higher_is_better=challenge.higher_is_better
    )
    context = {
        "challenge": challenge,
        "picture": picture,
        "n_citations": sum(map(len, lineage.cites.values())),
    }
    return render(request, "bounties/challenge_lineage.html", context)


@require_GET
@application_errors_as_pages
def citable_works_view(request: HttpRequest, slug: str) -> JsonResponse:
    """The picker's search: published submissions and clues of the challenge matching `q`, as JSON."""
    challenge = challenge_get_visible(slug=slug, viewer=request.user)
    works = citable_works_search(challenge=challenge, query=request.GET.get("q", ""))
    return JsonResponse(
        {
            "results": [
                {
                    "kind": w.kind,
                    "id": w.id,
                    "title": w.title,
                    "author": w.author,
                    "score": w.score,
                    "label": w.label,
                }
                for w in works
            ]
        }
    )
