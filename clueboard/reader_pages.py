"""Pages kept for readers who are not signed in: for them a page is the same bytes for everybody.

Most of a popular challenge's traffic is people reading it, signed out: the challenge page, the API
leaderboard, contributor profiles. Rendering one costs tens of milliseconds at 100,000 submissions, so the
rendered page (or the API's data) is kept in the cache for everybody who is not signed in. What makes it
safe to share:

- The key holds what the caller says the page depends on (the challenge's scores version: a landed score
  is on the page as soon as it is rendered, see below) and the request's host and full path. The rest of
  the page (new clues, the chain's view) is at most READER_PAGE_SECONDS old.
- Only GET requests of anonymous visitors, without messages waiting for them, and only with the query
  parameters the caller names (short values): anything else is rendered for the request alone, so odd
  query strings cannot fill the cache.
- A page is kept only when rendering it left nothing personal: status 200, no cookie set, no CSRF token
  used (a token in the bytes would be somebody else's).
- An API answer that depends on nobody (`same_for_everyone`: the leaderboard of a published challenge) is
  shared with signed-in clients too: nothing of theirs is in it.

One request renders a page's new version; readers who arrive meanwhile get the page as it was (at most
PREVIOUS_PAGE_SECONDS old), not a render of their own. On a busy challenge a score lands every few seconds
and the first render after it is the slow one: without this, every reader arriving during it would render
it too, each web process at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from clueboard.caching import cached

T = TypeVar("T")

_PREFIX = "reader-page:"
_LONGEST_PARAMETER = 12
# How long the last page of a URL is kept to stand in while its next version renders, and how long a render
# may hold the others off (a process that dies mid-render holds them no longer).
PREVIOUS_PAGE_SECONDS = 60
RENDER_LOCK_SECONDS = 10


Key = Callable[[], Sequence[object] | None]


def reader_page(
    request: HttpRequest, key: Key, render: Callable[[], HttpResponse], *, params: Collection[str] = ()
) -> HttpResponse:
    """`render()`'s page, kept for anonymous readers under `key()`: what the page depends on besides time,
    read cheaply (None when there is no such page: `render` then answers, with its own error)."""
    cache_key = _cache_key(request, "html", key, params, False)
    if cache_key is None:
        return render()
    kept = cache.get(cache_key)
    if kept is not None:
        return _kept_response(kept)
    previous_key = _previous_page_key(request)
    rendering_key = cache_key + ":rendering"
    rendering = cache.add(rendering_key, True, RENDER_LOCK_SECONDS)
    if not rendering:
        previous = cache.get(previous_key)
        if previous is not None:
            return _kept_response(previous)  # another request is rendering this version
    try:
        response = render()
        if _nothing_personal(request, response):
            page = (response.content, response["Content-Type"])
            cache.set(cache_key, page, settings.READER_PAGE_SECONDS)
            cache.set(previous_key, page, max(PREVIOUS_PAGE_SECONDS, settings.READER_PAGE_SECONDS))
    finally:
        if rendering:  # only its own mark: a reader who rendered alongside leaves the renderer's
            cache.delete(rendering_key)
    return response


def _kept_response(kept: tuple[bytes, str]) -> HttpResponse:
    content, content_type = kept
    return HttpResponse(content, content_type=content_type)


def reader_data(
    request: HttpRequest,
    key: Key,
    compute: Callable[[], T],
    *,
    params: Collection[str] = (),
    same_for_everyone: bool = False,
) -> T:
    """`compute()`'s data (an API answer before rendering), kept for anonymous readers under `key()`, or
    for every reader when the answer names nobody and depends on nobody (`same_for_everyone`)."""
    cache_key = _cache_key(request, "data", key, params, same_for_everyone)
    if cache_key is None:
        return compute()
    return cached(cache_key, compute, seconds=settings.READER_PAGE_SECONDS)


def reader_api_answer(
    request: Request,
    key: Key,
    compute: Callable[[], Any],
    *,
    params: Collection[str] = (),
    same_for_everyone: bool = False,
) -> HttpResponseBase:
    """An API view's answer to `compute()`'s data, kept as reader_data keeps it: rendered, when the client
    takes JSON (most of an answer's time is the encoding), else as data for its renderer."""
    renderer = request.accepted_renderer
    if type(renderer) is not JSONRenderer:
        return Response(
            reader_data(request, key, compute, params=params, same_for_everyone=same_for_everyone)
        )
    media_type = request.accepted_media_type
    # The client's Accept header is its own: with parameters (an indent, or anything else) the answer is
    # rendered for it alone, so that varied headers cannot fill the cache with copies.
    shared_key: Key = key if media_type == renderer.media_type else lambda: None

    def rendered() -> bytes:
        return renderer.render(compute(), media_type, {})

    return HttpResponse(
        reader_data(request, shared_key, rendered, params=params, same_for_everyone=same_for_everyone),
        content_type=renderer.media_type,
    )


def _shared(request: HttpRequest, params: Collection[str], everyone: bool) -> bool:
    if settings.READER_PAGE_SECONDS <= 0 or request.method != "GET":
        return False
    if request.user.is_authenticated and not everyone:
        return False
    if any(name not in params or len(value) > _LONGEST_PARAMETER for name, value in request.GET.items()):
        return False
    # len() reads the waiting messages without marking them shown: the page that shows them is not kept.
    return not len(messages.get_messages(request))


def _nothing_personal(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not getattr(response, "streaming", False)
    )


def _cache_key(
    request: HttpRequest, kind: str, key: Key, params: Collection[str], everyone: bool
) -> str | None:
    """Where the page is kept, or None when this request's page is not to be shared."""
    if not _shared(request, params, everyone):
        return None
    depends_on = key()
    if depends_on is None:
        return None
    return _digest_key(kind, request.get_host(), request.get_full_path(), *depends_on)


def _previous_page_key(request: HttpRequest) -> str:
    """Where the last page kept for this URL stands in, whatever it depended on. It is served only after
    `key()` said the page still exists (a challenge unpublished since is a 404 at once)."""
    return _digest_key("previous-html", request.get_host(), request.get_full_path())


def _digest_key(*parts: object) -> str:
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()
    return _PREFIX + digest
