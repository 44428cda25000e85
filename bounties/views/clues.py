"""Clues: the list, one clue with its files and citations, and sharing a new one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from bounties.errors import ApplicationError
from bounties.forms import ClueForm, add_application_error
from bounties.models import Clue
from bounties.selectors.challenges import challenge_get_visible, challenge_list
from bounties.selectors.citations import citations_of_clue
from bounties.selectors.clues import clue_get, clue_list
from bounties.services.clues import clue_create
from bounties.views.common import application_errors_as_pages, artifact_download, citation_picker_options

CLUES_PER_PAGE = 25


@require_GET
def clue_list_view(request: HttpRequest) -> HttpResponse:
    challenge_slug = request.GET.get("challenge", "").strip()
    # Counting citations groups the query, which drops the model ordering; newest first again.
    clues = clue_list(viewer=request.user, challenge_slug=challenge_slug or None).order_by(
        "-created_at", "-id"
    )
    page = Paginator(clues, CLUES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "challenge_slug": challenge_slug,
        "challenges": list(challenge_list().values_list("slug", "title")),
    }
    return render(request, "bounties/clue_list.html", context)


@require_GET
@application_errors_as_pages
def clue_detail_view(request: HttpRequest, clue_id: int) -> HttpResponse:
    clue = clue_get(clue_id=clue_id)
    context = {"clue": clue, "citations": citations_of_clue(clue=clue, viewer=request.user)}
    return render(request, "bounties/clue_detail.html", context)


@require_GET
@application_errors_as_pages
def clue_attachment_view(request: HttpRequest, clue_id: int, attachment_id: int) -> FileResponse:
    clue = clue_get(clue_id=clue_id)
    # The attachments are prefetched with the clue, so this picks from memory.
    for attachment in clue.attachments.all():
        if attachment.pk == attachment_id:
            return artifact_download(attachment.artifact, attachment.filename)
    raise Http404("This clue has no such attachment.")


def _create_from_form(request: HttpRequest, form: ClueForm, challenge: Any) -> Clue:
    data = form.cleaned_data
    return clue_create(
        challenge=challenge,
        author=request.user,
        title=data["title"],
        writeup=data["writeup"],
        code_url=data.get("code_url", ""),
        attachments=data.get("attachments", []),
        builds_on_submission_ids=data.get("builds_on_submissions", []),
        builds_on_clue_ids=data.get("builds_on_clues", []),
    )


@login_required
@application_errors_as_pages
def clue_create_view(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = challenge_get_visible(slug=slug, viewer=request.user)
    # An empty POST is still a submitted form: it must show its errors, not a blank form.
    picker = citation_picker_options(challenge)
    form = ClueForm(request.POST, request.FILES, **picker) if request.method == "POST" else ClueForm(**picker)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                clue = _create_from_form(request, form, challenge)
            except ApplicationError as exc:
                status = add_application_error(form, exc)
            else:
                messages.success(request, f"Clue #{clue.pk} is published. Thank you for sharing it.")
                return redirect("bounties:clue-detail", clue_id=clue.pk)
    return render(request, "bounties/clue_form.html", {"challenge": challenge, "form": form}, status=status)
