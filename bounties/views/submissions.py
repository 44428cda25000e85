"""Submitting a model, following its evaluation, and downloading its files."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from bounties.errors import ApplicationError, NotFound
from bounties.forms import SubmissionForm, add_application_error
from bounties.models import Submission
from bounties.selectors.challenges import challenge_get_visible
from bounties.selectors.citations import citations_of_submission
from bounties.selectors.final_selection import final_selection_of
from bounties.selectors.quota import submission_quota
from bounties.selectors.submissions import submission_get_for_viewer, submission_queue_position
from bounties.selectors.visibility import private_scores_revealed, submission_is_published
from bounties.services.final_selection import submission_set_final_selection
from bounties.services.submissions import submission_create
from bounties.services.uploads import accepted_formats_text
from bounties.views.common import application_errors_as_pages, artifact_download, citation_picker_options
from governance.selectors.trust import submission_commitment


def _create_from_form(request: HttpRequest, form: SubmissionForm, challenge: Any) -> Submission:
    data = form.cleaned_data
    return submission_create(
        challenge=challenge,
        contributor=request.user,
        model_file=data["model_file"],
        source_archive=data.get("source_archive"),
        source_license=data.get("source_license", ""),
        title=data.get("title", ""),
        writeup=data.get("writeup", ""),
        builds_on_submission_ids=data.get("builds_on_submissions", []),
        builds_on_clue_ids=data.get("builds_on_clues", []),
    )


@login_required
@application_errors_as_pages
def submission_create_view(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = challenge_get_visible(slug=slug, viewer=request.user)
    # An empty POST is still a submitted form: it must show its errors, not a blank form.
    picker = citation_picker_options(challenge)
    form = (
        SubmissionForm(request.POST, request.FILES, **picker)
        if request.method == "POST"
        else SubmissionForm(**picker)
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                submission = _create_from_form(request, form, challenge)
            except ApplicationError as exc:
                status = add_application_error(form, exc)
            else:
                messages.success(request, f"Submission #{submission.pk} received; it is queued for scoring.")
                return redirect("bounties:submission-detail", submission_id=submission.pk)
    context = {
        "challenge": challenge,
        "form": form,
        "quota": submission_quota(challenge=challenge, contributor=request.user),
        "accepted_formats": accepted_formats_text(challenge.accepted_formats),
    }
    return render(request, "bounties/submission_form.html", context, status=status)


def _status_context(submission: Submission) -> dict[str, Any]:
    return {
        "submission": submission,
        "private_revealed": private_scores_revealed(submission.challenge),
        "queue_position": submission_queue_position(submission),
    }


@require_GET
@application_errors_as_pages
def submission_detail_view(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = submission_get_for_viewer(submission_id=submission_id, viewer=request.user)
    is_own = request.user.is_authenticated and request.user.pk == submission.contributor_id
    context = {
        **_status_context(submission),
        "published": submission_is_published(submission),
        "citations": citations_of_submission(submission=submission, viewer=request.user),
        "commitment": submission_commitment(submission=submission),
        "final_selection": (
            final_selection_of(challenge=submission.challenge, contributor=request.user) if is_own else None
        ),
    }
    return render(request, "bounties/submission_detail.html", context)


@login_required
@require_POST
def submission_final_selection_view(request: HttpRequest, submission_id: int) -> HttpResponse:
    """Select or unselect the submission for the final ranking; the service says what is allowed."""
    selected = request.POST.get("selected") == "1"
    try:
        submission_set_final_selection(
            submission_id=submission_id, contributor=request.user, selected=selected
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            "Selected for the final ranking." if selected else "No longer selected for the final ranking.",
        )
    return redirect("bounties:submission-detail", submission_id=submission_id)


@require_GET
@application_errors_as_pages
def submission_status_view(request: HttpRequest, submission_id: int) -> HttpResponse:
    """The status block alone, polled by htmx while evaluation runs."""
    submission = submission_get_for_viewer(submission_id=submission_id, viewer=request.user)
    return render(request, "bounties/partials/submission_status.html", _status_context(submission))


@require_GET
@application_errors_as_pages
def submission_file_view(request: HttpRequest, submission_id: int, kind: str) -> FileResponse:
    """The model file or source archive, for whoever may see the submission."""
    submission = submission_get_for_viewer(submission_id=submission_id, viewer=request.user)
    if kind == "model":
        return artifact_download(submission.model_artifact, submission.model_filename)
    if kind == "source":
        return artifact_download(submission.source_artifact, submission.source_filename)
    raise Http404("There is no such file.")
