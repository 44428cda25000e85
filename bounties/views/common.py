"""What every page view shares: turning read errors into 404/403 pages, streaming stored files, and the
citation picker's options."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import FileResponse, Http404
from django.http.response import HttpResponseBase
from django.urls import reverse

from bounties import errors
from bounties.models import Artifact, Challenge
from bounties.selectors.citations import citable_works_search
from bounties.services.artifacts import artifact_path

P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponseBase)


def application_errors_as_pages(view: Callable[P, R]) -> Callable[P, R]:
    """NotFound and PermissionDenied from a selector become Django's 404 and 403, keeping the message."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return view(*args, **kwargs)
        except errors.NotFound as exc:
            raise Http404(exc.message) from exc
        except errors.PermissionDenied as exc:
            raise HttpForbidden(exc.message) from exc

    return wrapper


def artifact_download(artifact: Artifact | None, filename: str) -> FileResponse:
    """The stored bytes under the name they were uploaded with; the caller has checked permission."""
    if artifact is None:
        raise Http404("There is no such file.")
    path = artifact_path(artifact)
    if not path.is_file():
        raise Http404("The file is missing from storage.")
    # FileResponse closes the handle when the response is done.
    return FileResponse(path.open("rb"), as_attachment=True, filename=filename or artifact.sha256)


# The no-JavaScript list offers this many of each kind, newest first; the search reaches every one.
CITABLE_LISTED = 200


def citation_picker_options(challenge: Challenge) -> dict[str, Any]:
    """The citation fields' choices and search address, for the submit and clue forms (two queries)."""
    return {
        "citable": citable_works_search(challenge=challenge, limit=CITABLE_LISTED),
        "search_url": reverse("bounties:challenge-citable", args=[challenge.slug]),
    }
