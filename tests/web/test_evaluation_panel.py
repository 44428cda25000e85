"""The submission page's evaluation block: queue estimate, progress bar, attestation at the right time."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from bounties.services.challenges import challenge_close_now
from evaluation.models import EvaluationRun, ScoreAttestation
from tests.factories import ChallengeFactory, ScoredSubmissionFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


def status_html(client: Client, submission_id: int) -> str:
    response = client.get(f"/submissions/{submission_id}/status/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_queued_submission_shows_its_place_and_an_estimated_start(client: Client) -> None:
    challenge = ChallengeFactory.create()
    ahead = SubmissionFactory.create(challenge=challenge, status="queued")
    mine = SubmissionFactory.create(challenge=challenge, status="queued")
    EvaluationRun.objects.create(
        submission=ScoredSubmissionFactory.create(challenge=challenge), queue="eval-cpu", seconds=40
    )
    assert ahead.created_at <= mine.created_at
    html = status_html(client, mine.pk)
    assert "Position 2 in the CPU workers queue" in html
    assert "about 40 s a run" in html
    assert "estimated start" in html


def test_a_running_submission_shows_a_progress_bar(client: Client) -> None:
    submission = SubmissionFactory.create(status="running", started_at=timezone.now())
    EvaluationRun.objects.create(
        submission=submission, queue="eval-cpu", progress_done=500, progress_total=2000, isolation="full"
    )
    html = status_html(client, submission.pk)
    assert '<progress id="progress-' in html and 'value="25"' in html
    assert "Scored 500 of 2000 hidden rows" in html
    assert "full isolation" in html


def attested(challenge: Any) -> Any:
    submission = ScoredSubmissionFactory.create(challenge=challenge, private_score=0.123456)
    ScoreAttestation.objects.create(
        submission=submission,
        signer="0xa0Ee7A142d267C1f36714E4a8F75612F20a79720",
        typed_data={"message": {"privateScore": 123456000000000000}},
        signature="0x" + "ab" * 65,
    )
    return submission


def test_the_signature_waits_for_the_close_because_it_covers_the_private_score(client: Client) -> None:
    challenge = ChallengeFactory.create()
    submission = attested(challenge)
    html = status_html(client, submission.pk)
    assert "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720" in html
    assert "ab" * 65 not in html
    assert "123456" not in html
    challenge_close_now(challenge=challenge)
    html = status_html(client, submission.pk)
    assert "ab" * 65 in html
    assert "123456000000000000" in html
    assert f"verify_attestation {submission.pk}" in html
