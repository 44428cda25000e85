"""The activity pages: a challenge's whole feed, watching it, and unsubscribing from a digest."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from activity.selectors.feed import challenge_feed_page
from activity.selectors.watches import is_watching
from activity.services.watches import (
    challenge_unwatch,
    challenge_watch,
    unsubscribe_scope,
    watches_unsubscribe,
)
from bounties.errors import ApplicationError
from bounties.selectors.challenges import challenge_get_visible
from bounties.views.common import application_errors_as_pages


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and len(raw) < 6 else 1


@application_errors_as_pages
@require_http_methods(["GET"])
def challenge_activity_view(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = challenge_get_visible(slug=slug, viewer=request.user)
    context = {
        "challenge": challenge,
        "feed_page": challenge_feed_page(challenge=challenge, number=_page_number(request)),
        "watching": is_watching(user=request.user, challenge=challenge),
    }
    return render(request, "activity/challenge_activity.html", context)


@login_required
@require_POST
@application_errors_as_pages
def challenge_watch_view(request: HttpRequest, slug: str) -> HttpResponse:
    """POST action=watch or action=unwatch; back to the challenge page with a message."""
    challenge = challenge_get_visible(slug=slug, viewer=request.user)
    action = request.POST.get("action")
    if action == "watch":
        try:
            challenge_watch(user=request.user, challenge=challenge)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, f"You watch {challenge.title}: new activity comes in your email digest."
            )
    elif action == "unwatch":
        challenge_unwatch(user=request.user, challenge=challenge)
        messages.success(request, f"You no longer watch {challenge.title}.")
    else:
        return HttpResponseBadRequest("Say action=watch or action=unwatch.")
    return redirect("bounties:challenge-detail", slug=challenge.slug)


# The signed token is the credential, and mail clients' one-click unsubscribe (RFC 8058) POSTs without a
# CSRF token: the check is the signature, not the session.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for a click (a link preview must not unsubscribe); POST unsubscribes, no log-in needed."""
    try:
        if request.method == "GET":
            scope = unsubscribe_scope(token=token)
            return render(request, "activity/unsubscribe.html", {"token": token, "scope": scope})
        result = watches_unsubscribe(token=token)
    except ApplicationError as error:
        return render(request, "activity/unsubscribe.html", {"error": error.message}, status=400)
    return render(request, "activity/unsubscribe.html", {"result": result})
