"""Receiving a submission: format checks, limits, content-addressed files, citations."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bounties.errors import ChallengeNotOpen, FileTooLarge, InvalidUpload, NotFound, SubmissionLimitReached
from bounties.models import Artifact, Challenge, FailureKind, Submission, SubmissionStatus
from bounties.selectors.quota import submission_quota
from bounties.services.artifacts import artifact_path
from bounties.services.submissions import submission_create
from tests.factories import (
    ChallengeFactory,
    ClueFactory,
    SubmissionFactory,
    UserFactory,
    model_upload,
    source_zip_upload,
)

pytestmark = pytest.mark.django_db


def submit(challenge: Challenge, contributor: Any, **kwargs: Any) -> Submission:
    return submission_create(
        challenge=challenge, contributor=contributor, model_file=model_upload(), **kwargs
    )


def test_submission_is_queued_with_hashed_files() -> None:
    challenge, contributor = ChallengeFactory.create(), UserFactory.create()
    submission = submit(challenge, contributor, source_archive=source_zip_upload(), writeup="MLP")
    assert submission.status == SubmissionStatus.QUEUED
    assert submission.queued_at is not None
    assert submission.evaluation.queue == "eval-cpu"
    assert submission.model_filename == "model.safetensors"
    assert artifact_path(submission.model_artifact).read_bytes() == model_upload().read()
    assert submission.source_artifact is not None
    assert len(submission.content_hash) == 64


def test_same_bytes_are_stored_once() -> None:
    challenge = ChallengeFactory.create()
    first, second = submit(challenge, UserFactory.create()), submit(challenge, UserFactory.create())
    assert first.model_artifact_id == second.model_artifact_id
    assert Artifact.objects.count() == 1


@pytest.mark.parametrize(
    "name", ["model.pt", "model.pth", "model.bin", "model.ckpt", "model.pkl", "model.pt2"]
)
def test_code_running_formats_are_refused_with_the_accepted_ones(name: str) -> None:
    with pytest.raises(InvalidUpload, match=r"can run arbitrary code.*\.safetensors.*\.onnx"):
        submission_create(
            challenge=ChallengeFactory.create(),
            contributor=UserFactory.create(),
            model_file=model_upload(name),
        )
    assert not Submission.objects.exists()


def test_a_renamed_pickle_is_refused() -> None:
    pickle_bytes = b"\x80\x04\x95" + b"\x00" * 20
    with pytest.raises(InvalidUpload, match="pickle"):
        submission_create(
            challenge=ChallengeFactory.create(),
            contributor=UserFactory.create(),
            model_file=SimpleUploadedFile("model.onnx", pickle_bytes),
        )


def test_format_not_accepted_by_the_challenge() -> None:
    challenge = ChallengeFactory.create(accepted_formats=["safetensors"])
    with pytest.raises(InvalidUpload, match=r"Accepted formats: \.safetensors \(weights\)\.$"):
        submission_create(
            challenge=challenge,
            contributor=UserFactory.create(),
            model_file=SimpleUploadedFile("m.onnx", b"\x08\x07"),
        )


def test_malformed_safetensors_header_is_refused() -> None:
    with pytest.raises(InvalidUpload, match="header"):
        submit_with = SimpleUploadedFile("m.safetensors", b"\xff" * 40)
        submission_create(
            challenge=ChallengeFactory.create(), contributor=UserFactory.create(), model_file=submit_with
        )


def test_oversized_model_is_refused(settings: LazySettings) -> None:
    settings.MAX_MODEL_FILE_BYTES = 100
    with pytest.raises(FileTooLarge):
        submit(ChallengeFactory.create(), UserFactory.create())
    assert not Artifact.objects.exists()
    assert not list(Path(settings.ARTIFACT_ROOT).rglob("*")) or all(
        p.is_dir() for p in Path(settings.ARTIFACT_ROOT).rglob("*")
    )


def test_source_archive_must_be_an_archive() -> None:
    with pytest.raises(InvalidUpload, match="source archive"):
        submit(
            ChallengeFactory.create(),
            UserFactory.create(),
            source_archive=SimpleUploadedFile("src.zip", b"nope"),
        )
    with pytest.raises(InvalidUpload, match=r"\.zip, \.tar\.gz"):
        submit(
            ChallengeFactory.create(),
            UserFactory.create(),
            source_archive=SimpleUploadedFile("src.rar", b"nope"),
        )


@pytest.mark.parametrize(
    "dates",
    [
        {"starts_at": timezone.now() + timedelta(days=1), "ends_at": timezone.now() + timedelta(days=2)},
        {"starts_at": timezone.now() - timedelta(days=2), "ends_at": timezone.now() - timedelta(days=1)},
    ],
)
def test_only_open_challenges_take_submissions(dates: dict[str, object]) -> None:
    with pytest.raises(ChallengeNotOpen):
        submit(ChallengeFactory.create(**dates), UserFactory.create())
    with pytest.raises(ChallengeNotOpen):
        submit(ChallengeFactory.create(published_at=None), UserFactory.create())


def test_daily_limit_counts_today_only() -> None:
    challenge, contributor = ChallengeFactory.create(daily_submission_limit=2), UserFactory.create()
    SubmissionFactory.create(
        challenge=challenge, contributor=contributor, created_at=timezone.now() - timedelta(days=1)
    )
    submit(challenge, contributor)
    submit(challenge, contributor)
    with pytest.raises(SubmissionLimitReached, match="all 2 submissions allowed today"):
        submit(challenge, contributor)
    assert submission_quota(challenge=challenge, contributor=contributor).remaining == 0
    submit(challenge, UserFactory.create())  # someone else's limit is their own


def test_total_limit() -> None:
    challenge, contributor = ChallengeFactory.create(total_submission_limit=1), UserFactory.create()
    submit(challenge, contributor)
    with pytest.raises(SubmissionLimitReached, match="all 1 submissions allowed on this challenge"):
        submit(challenge, contributor)


def test_infrastructure_failures_do_not_count() -> None:
    challenge, contributor = ChallengeFactory.create(daily_submission_limit=1), UserFactory.create()
    SubmissionFactory.create(
        challenge=challenge,
        contributor=contributor,
        status=SubmissionStatus.FAILED,
        failure_kind=FailureKind.INFRASTRUCTURE,
    )
    assert submission_quota(challenge=challenge, contributor=contributor).remaining_today == 1
    submit(challenge, contributor)
    SubmissionFactory.create(
        challenge=challenge,
        contributor=contributor,
        status=SubmissionStatus.FAILED,
        failure_kind="contributor",
    )
    assert submission_quota(challenge=challenge, contributor=contributor).used_today == 2


def test_citations_of_published_work() -> None:
    challenge = ChallengeFactory.create()
    earlier, clue = SubmissionFactory.create(challenge=challenge), ClueFactory.create(challenge=challenge)
    submission = submit(
        challenge, UserFactory.create(), builds_on_submission_ids=[earlier.pk], builds_on_clue_ids=[clue.pk]
    )
    assert list(submission.builds_on_submissions.all()) == [earlier]
    assert list(earlier.cited_by_submissions.all()) == [submission]
    assert list(submission.builds_on_clues.all()) == [clue]


def test_unpublished_work_cannot_be_cited_and_nothing_is_written() -> None:
    hidden = SubmissionFactory.create(challenge=ChallengeFactory.create(publish_policy="at_close"))
    with pytest.raises(NotFound, match=f"#{hidden.pk} does not exist or is not published"):
        submit(ChallengeFactory.create(), UserFactory.create(), builds_on_submission_ids=[hidden.pk])
    with pytest.raises(NotFound, match="Clue #999"):
        submit(ChallengeFactory.create(), UserFactory.create(), builds_on_clue_ids=[999])
    assert Submission.objects.count() == 1


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/code", "not a url"])
def test_a_clue_code_link_must_be_http(url: str) -> None:
    from bounties.errors import ApplicationError
    from bounties.services.clues import clue_create

    with pytest.raises(ApplicationError, match="http"):
        clue_create(
            challenge=ChallengeFactory.create(),
            author=UserFactory.create(),
            title="t",
            writeup="w",
            code_url=url,
        )
