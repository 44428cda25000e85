"""The submission status machine: only allowed moves happen, each at most once."""

import math

import pytest

from bounties.errors import InvalidTransition
from bounties.models import FailureKind, Submission, SubmissionStatus
from bounties.services.submissions import (
    ALLOWED_TRANSITIONS,
    submission_mark_failed,
    submission_mark_queued,
    submission_mark_rejected,
    submission_mark_running,
    submission_record_scores,
)
from tests.factories import SubmissionFactory

pytestmark = pytest.mark.django_db


def test_happy_path_sets_each_timestamp() -> None:
    submission = SubmissionFactory.create()
    assert submission_mark_queued(submission_id=submission.pk)
    assert submission_mark_running(submission_id=submission.pk)
    assert submission_record_scores(submission_id=submission.pk, public_score=0.9, private_score=0.8)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SCORED
    assert (submission.public_score, submission.private_score) == (0.9, 0.8)
    moments = [submission.created_at, submission.queued_at, submission.started_at, submission.finished_at]
    assert None not in moments
    assert moments == sorted(moments)  # type: ignore[type-var]


def test_a_move_is_applied_once_so_redelivery_does_nothing() -> None:
    submission = SubmissionFactory.create(status=SubmissionStatus.RUNNING)
    assert submission_record_scores(submission_id=submission.pk, public_score=0.9, private_score=0.8)
    assert not submission_record_scores(submission_id=submission.pk, public_score=0.1, private_score=0.1)
    submission.refresh_from_db()
    assert submission.public_score == 0.9


@pytest.mark.parametrize(
    "final", [SubmissionStatus.SCORED, SubmissionStatus.FAILED, SubmissionStatus.REJECTED]
)
def test_final_statuses_never_move(final: str) -> None:
    submission = SubmissionFactory.create(status=final)
    assert not submission_mark_queued(submission_id=submission.pk)
    assert not submission_mark_running(submission_id=submission.pk)
    assert not submission_mark_failed(submission_id=submission.pk, reason="late")
    assert Submission.objects.get(pk=submission.pk).status == final


def test_scores_need_a_running_submission() -> None:
    submission = SubmissionFactory.create(status=SubmissionStatus.QUEUED)
    assert not submission_record_scores(submission_id=submission.pk, public_score=1.0, private_score=1.0)
    assert Submission.objects.get(pk=submission.pk).public_score is None


def test_lost_worker_requeues_a_running_submission() -> None:
    submission = SubmissionFactory.create(status=SubmissionStatus.RUNNING)
    assert submission_mark_queued(submission_id=submission.pk)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.QUEUED
    assert submission.started_at is None


def test_failure_keeps_reason_and_kind() -> None:
    submission = SubmissionFactory.create(status=SubmissionStatus.RUNNING)
    submission_mark_failed(submission_id=submission.pk, reason="Worker lost", kind=FailureKind.INFRASTRUCTURE)
    submission.refresh_from_db()
    assert (submission.status, submission.failure_reason) == (SubmissionStatus.FAILED, "Worker lost")
    assert not submission.counts_against_limits


def test_rejection_is_the_contributors_fault() -> None:
    submission = SubmissionFactory.create(status=SubmissionStatus.QUEUED)
    assert submission_mark_rejected(submission_id=submission.pk, reason="Wrong output shape")
    submission.refresh_from_db()
    assert submission.counts_against_limits


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_scores_must_be_finite(bad: float) -> None:
    submission = SubmissionFactory.create(status=SubmissionStatus.RUNNING)
    with pytest.raises(InvalidTransition):
        submission_record_scores(submission_id=submission.pk, public_score=bad, private_score=0.5)


def test_transition_table_covers_every_status() -> None:
    assert set(ALLOWED_TRANSITIONS) == set(SubmissionStatus.values)
