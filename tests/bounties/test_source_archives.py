"""Source archives are checked entry by entry at upload; each hostile archive is refused with its fixed reason."""

from __future__ import annotations

import io
import tarfile
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import LazySettings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from bounties.errors import InvalidUpload
from bounties.models import Submission
from bounties.services import archive_rules as rules
from bounties.services.archive_rules import ArchiveEntry
from bounties.services.archives import check_archive_entries
from bounties.services.submissions import submission_create
from tests.bounties import hostile_archives
from tests.bounties.source_fixtures import project_files, tar_gz_bytes, zip_bytes
from tests.factories import ChallengeFactory, UserFactory, model_upload

pytestmark = pytest.mark.django_db
CORPUS = sorted(hostile_archives.HOSTILE)


def upload_of(archive: tuple[str, bytes]) -> SimpleUploadedFile:
    return SimpleUploadedFile(*archive)


def refusal(archive: tuple[str, bytes]) -> str:
    with pytest.raises(InvalidUpload) as raised:
        submission_create(
            challenge=ChallengeFactory.create(),
            contributor=UserFactory.create(),
            model_file=model_upload(),
            source_archive=upload_of(archive),
        )
    assert raised.value.field == "source_archive"
    return raised.value.message


@pytest.mark.parametrize("case", CORPUS)
def test_each_hostile_archive_is_refused_by_the_service_with_its_reason(case: str) -> None:
    build, reason = hostile_archives.HOSTILE[case]
    assert refusal(build()) == reason
    assert not Submission.objects.exists()


@pytest.fixture
def token_client() -> APIClient:
    client = APIClient()
    token = Token.objects.create(user=UserFactory.create())
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.mark.parametrize("case", CORPUS)
def test_each_hostile_archive_is_refused_by_the_api_with_400_and_its_reason(
    case: str, token_client: APIClient
) -> None:
    ChallengeFactory.create(slug="digits")
    build, reason = hostile_archives.HOSTILE[case]
    response = token_client.post(
        "/api/v1/submissions/",
        {"challenge": "digits", "model_file": model_upload(), "source_archive": upload_of(build())},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json() == {"detail": reason, "code": "invalid_upload", "field": "source_archive"}
    assert not Submission.objects.exists()


@pytest.mark.parametrize("case", CORPUS)
def test_each_hostile_archive_is_refused_by_the_web_form_with_its_reason(case: str, client: Client) -> None:
    challenge = ChallengeFactory.create()
    client.force_login(UserFactory.create())
    build, reason = hostile_archives.HOSTILE[case]
    response = client.post(
        reverse("bounties:submission-create", args=[challenge.slug]),
        {"model_file": model_upload(), "source_archive": upload_of(build())},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"source_archive": [reason]}
    assert escape(reason) in response.content.decode()
    assert not Submission.objects.exists()


def test_an_archive_over_the_total_cap_is_refused(settings: LazySettings) -> None:
    settings.MAX_SOURCE_EXPANDED_BYTES = 1024 * 1024
    archive = hostile_archives.zip_over_total(entry_bytes=400 * 1024, entries=3)
    assert refusal(archive) == rules.TOTAL_TOO_LARGE.format(size="1 MiB")


def test_a_file_over_the_per_file_cap_is_refused(settings: LazySettings) -> None:
    settings.MAX_SOURCE_ENTRY_BYTES = 300 * 1024
    archive = hostile_archives.zip_over_total(entry_bytes=400 * 1024, entries=1)
    assert refusal(archive) == rules.ENTRY_TOO_LARGE.format(size="307200 bytes")


def test_an_archive_over_the_entry_count_is_refused(settings: LazySettings) -> None:
    archive = hostile_archives.zip_many_entries(settings.MAX_SOURCE_ARCHIVE_MEMBERS + 1)
    assert refusal(archive) == rules.TOO_MANY_FILES.format(count=20000)


def test_a_gzip_stream_that_inflates_past_the_cap_is_stopped_while_reading(settings: LazySettings) -> None:
    # Random bytes do not compress: only the total cap can stop this one, and it does so mid-stream.
    settings.MAX_SOURCE_EXPANDED_BYTES = 256 * 1024
    settings.MAX_SOURCE_ARCHIVE_MEMBERS = 2
    archive = hostile_archives.tar_of([("a.bin", bytes(range(256)) * 4096)])
    assert refusal(archive) == rules.TOTAL_TOO_LARGE.format(size="262144 bytes")


def test_an_empty_archive_is_refused() -> None:
    assert refusal(hostile_archives.zip_of({})) == rules.EMPTY


@pytest.mark.parametrize(
    ("filename", "build"),
    [("code.zip", zip_bytes), ("code.tar.gz", tar_gz_bytes), ("code.tgz", tar_gz_bytes)],
)
def test_a_sound_project_passes_with_its_entries(filename: str, build: Callable[[Any], bytes]) -> None:
    data = build(project_files())
    entries = check_archive_entries(handle=io.BytesIO(data), filename=filename, archive_bytes=len(data))
    assert sorted(entries, key=lambda entry: entry.path) == [
        ArchiveEntry(path=path, size=len(content), is_dir=False)
        for path, content in sorted(project_files().items())
    ]


def test_a_plain_tar_with_its_root_folder_and_dot_slash_names_passes() -> None:
    root, src = tarfile.TarInfo("./"), tarfile.TarInfo("./src")
    root.type = src.type = tarfile.DIRTYPE
    name, data = hostile_archives.tar_of(
        [root, src, ("./src/train.py", b"print(1)\n"), ("./README.md", b"# hi\n")], name="code.tar"
    )
    entries = check_archive_entries(handle=io.BytesIO(data), filename=name, archive_bytes=len(data))
    assert [(entry.path, entry.is_dir) for entry in entries] == [
        ("src", True),
        ("src/train.py", False),
        ("README.md", False),
    ]


def test_text_that_merely_starts_like_an_archive_is_not_refused() -> None:
    data = zip_bytes({"notes.txt": b"BZh is how bzip2 starts; PK is not at the start here.\n"})
    assert len(check_archive_entries(handle=io.BytesIO(data), filename="a.zip", archive_bytes=len(data))) == 1


def test_highly_compressible_small_sources_are_not_taken_for_bombs() -> None:
    data = zip_bytes({"pad.py": b" " * (512 * 1024)})  # thousands to one, but under the 1 MiB floor
    assert len(check_archive_entries(handle=io.BytesIO(data), filename="a.zip", archive_bytes=len(data))) == 1


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("a/../../b", rules.UNSAFE_PATH),
        ("..", rules.UNSAFE_PATH),
        ("/", rules.UNSAFE_PATH),
        ("\\\\server\\share", rules.UNSAFE_PATH),
        ("d:x", rules.UNSAFE_PATH),
        ("a\nb", rules.NAME_NOT_UTF8),
    ],
)
def test_unsafe_names_are_refused(name: str, reason: str) -> None:
    with pytest.raises(InvalidUpload) as raised:
        rules.checked_path(name.encode())
    assert raised.value.message == reason


def test_the_same_path_twice_is_refused() -> None:
    archive = hostile_archives.tar_of([("a.py", b"1"), ("./a.py", b"2")])
    assert refusal(archive) == rules.DUPLICATE_PATH
