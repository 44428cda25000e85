"""Content hashes: a clue's binds what it publishes, and is of another kind than any submission's."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bounties.content_hashes import clue_content_hash, submission_content_hash
from bounties.services.clues import clue_create
from tests.factories import ChallengeFactory, UserFactory

NOTES_SHA256 = "ab5aa97074c454a0632057e704220d9a6678fbf773a0a5806fc09b8173b07309"  # sha256 of b"notes"
CLUE = {
    "challenge_slug": "digits",
    "author_id": 7,
    "title": "Normalise first",
    "writeup": "Scale to [0, 1].",
    "code_url": "",
    "attachment_sha256s": ["aa" * 32, "bb" * 32],
}


@pytest.mark.parametrize(
    "change",
    [
        {"challenge_slug": "other"},
        {"author_id": 8},
        {"title": "Normalise later"},
        {"writeup": "Scale to [-1, 1]."},
        {"code_url": "https://example.org"},
        {"attachment_sha256s": ["aa" * 32]},
    ],
)
def test_every_published_part_of_a_clue_changes_its_hash(change: dict[str, object]) -> None:
    assert clue_content_hash(**{**CLUE, **change}) != clue_content_hash(**CLUE)  # type: ignore[arg-type]


def test_the_order_of_attachments_does_not_matter() -> None:
    reordered = {**CLUE, "attachment_sha256s": ["bb" * 32, "aa" * 32]}
    assert clue_content_hash(**reordered) == clue_content_hash(**CLUE)  # type: ignore[arg-type]


def test_a_clue_never_hashes_like_the_submission_with_the_same_author_and_text() -> None:
    clue = clue_content_hash(**{**CLUE, "attachment_sha256s": []})  # type: ignore[arg-type]
    submission = submission_content_hash(
        challenge_slug="digits",
        contributor_id=7,
        model_sha256="",
        source_sha256=None,
        writeup="Scale to [0, 1].",
    )
    assert clue != submission


@pytest.mark.django_db
def test_a_published_clue_records_the_hash_of_what_it_publishes() -> None:
    challenge, author = ChallengeFactory.create(), UserFactory.create()
    clue = clue_create(
        challenge=challenge,
        author=author,
        title="  Normalise first ",
        writeup="Scale to [0, 1].",
        attachments=[SimpleUploadedFile("notes.txt", b"notes")],
    )

    assert clue.attachments.get().artifact.sha256 == NOTES_SHA256
    assert clue.content_hash == clue_content_hash(
        challenge_slug=challenge.slug,
        author_id=author.pk,
        title="Normalise first",
        writeup="Scale to [0, 1].",
        code_url="",
        attachment_sha256s=[NOTES_SHA256],
    )
