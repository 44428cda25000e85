"""Browsing a submission's published source: the file tree, a file highlighted, its README and notebooks.

Permission is the submission's own (`submission_get_for_viewer`). Raw bytes from an archive are only ever
sent as a plain-text attachment that browsers may not sniff or run.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from bounties.selectors.source_browser import source_file, source_tree
from bounties.selectors.submissions import submission_get_for_viewer
from bounties.source_rendering import RenderedFile, render_source_file
from bounties.views.common import application_errors_as_pages

# A sandboxed, resource-less document, for a raw file a browser shows despite the attachment header.
RAW_CSP = "default-src 'none'; sandbox"


@require_GET
@application_errors_as_pages
def source_browse_view(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = submission_get_for_viewer(submission_id=submission_id, viewer=request.user)
    tree = source_tree(submission=submission)
    readme: RenderedFile | None = None
    if tree.readme_path is not None:
        readme_file = source_file(submission=submission, path=tree.readme_path)
        readme = render_source_file(
            path=readme_file.path, data=readme_file.data, truncated=readme_file.truncated
        )
    context = {"submission": submission, "tree": tree, "readme": readme, "current_path": None}
    return render(request, "bounties/source_browse.html", context)


@require_GET
@application_errors_as_pages
def source_file_view(request: HttpRequest, submission_id: int, path: str) -> HttpResponse:
    submission = submission_get_for_viewer(submission_id=submission_id, viewer=request.user)
    file = source_file(submission=submission, path=path)
    context = {
        "submission": submission,
        "tree": source_tree(submission=submission),
        "file": file,
        "rendered": render_source_file(path=file.path, data=file.data, truncated=file.truncated),
        "current_path": file.path,
        "crumbs": _crumbs(file.path),
        "file_name": file.path.rsplit("/", 1)[-1],
    }
    return render(request, "bounties/source_file.html", context)


@require_GET
@application_errors_as_pages
def source_raw_view(request: HttpRequest, submission_id: int, path: str) -> HttpResponse:
    """One archived file's bytes as a text/plain attachment (files over the view limit: the archive only)."""
    submission = submission_get_for_viewer(submission_id=submission_id, viewer=request.user)
    file = source_file(submission=submission, path=path)
    if file.truncated:
        raise Http404("This file is too large to download alone: download the archive.")
    response = HttpResponse(file.data, content_type="text/plain; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = RAW_CSP
    response.headers["Content-Disposition"] = _attachment(file.path.rsplit("/", 1)[-1])
    return response


def _attachment(name: str) -> str:
    # RFC 6266 quoting (as FileResponse does it): the name comes from the archive and may hold anything.
    return content_disposition_header(as_attachment=True, filename=name) or "attachment"


def _crumbs(path: str) -> list[str]:
    """The folders above a file, for its breadcrumb."""
    return path.split("/")[:-1]
