"""The Verify page: every check of a submission or clue, whether it holds and why."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from bounties.selectors.clues import clue_get
from bounties.selectors.submissions import submission_get_for_viewer
from bounties.views.common import application_errors_as_pages
from governance.chain.client import ChainClient
from governance.services.connection import chain_client
from governance.services.trust_common import CHAIN_UNAVAILABLE
from governance.services.verification import clue_verify, submission_verify
from governance.services.verification_report import VerificationReport

# A page waits this long for the node at most; the checks it could not make say so.
PAGE_CHAIN_TIMEOUT = 5.0


def _render(request: HttpRequest, report: VerificationReport, back_url: str, title: str) -> HttpResponse:
    context = {
        "report": report,
        "back_url": back_url,
        "title": title,
        "evidence_url": reverse(f"api:verification-{report.kind}", args=[report.pk]),
    }
    return render(request, "governance/verify.html", context)


def _client() -> ChainClient | None:
    try:
        return chain_client(request_timeout=PAGE_CHAIN_TIMEOUT)
    except CHAIN_UNAVAILABLE:
        return None


@require_GET
@application_errors_as_pages
def submission_verify_view(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = submission_get_for_viewer(submission_id=submission_id, viewer=request.user)
    report = submission_verify(submission=submission, client=_client())
    back = reverse("bounties:submission-detail", args=[submission.pk])
    return _render(request, report, back, f"Submission #{submission.pk}")


@require_GET
@application_errors_as_pages
def clue_verify_view(request: HttpRequest, clue_id: int) -> HttpResponse:
    clue = clue_get(clue_id=clue_id, viewer=request.user)
    report = clue_verify(clue=clue, client=_client())
    return _render(request, report, reverse("bounties:clue-detail", args=[clue.pk]), f"Clue #{clue.pk}")
