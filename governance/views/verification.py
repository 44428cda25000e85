"""The Verify page: every check of a submission or clue, whether it holds and why."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
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
# Checking hashes every stored file (a model may be 200 MiB): one check a minute per work serves everyone.
REPORT_CACHE_SECONDS = 60


def _checked(
    kind: str, pk: int, verify: Callable[[], VerificationReport]
) -> tuple[VerificationReport, datetime]:
    key = f"verification:{kind}:{pk}"
    cached = cache.get(key)
    if isinstance(cached, tuple) and len(cached) == 2 and isinstance(cached[0], VerificationReport):
        return cached
    checked = (verify(), timezone.now())
    cache.set(key, checked, REPORT_CACHE_SECONDS)
    return checked


def _render(
    request: HttpRequest, checked: tuple[VerificationReport, datetime], back_url: str, title: str
) -> HttpResponse:
    report, checked_at = checked
    context = {
        "report": report,
        "checked_at": checked_at,
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
    checked = _checked(
        "submission", submission.pk, lambda: submission_verify(submission=submission, client=_client())
    )
    back = reverse("bounties:submission-detail", args=[submission.pk])
    return _render(request, checked, back, f"Submission #{submission.pk}")


@require_GET
@application_errors_as_pages
def clue_verify_view(request: HttpRequest, clue_id: int) -> HttpResponse:
    clue = clue_get(clue_id=clue_id, viewer=request.user)
    checked = _checked("clue", clue.pk, lambda: clue_verify(clue=clue, client=_client()))
    return _render(request, checked, reverse("bounties:clue-detail", args=[clue.pk]), f"Clue #{clue.pk}")
