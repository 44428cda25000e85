"""Reading a stored source archive: the tree, one file within the view limit, and archives that fail the checks."""

from __future__ import annotations

import pytest
from django.conf import LazySettings
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from bounties.errors import NotFound
from bounties.selectors.source_browser import MISSING, SourceFile, source_file, source_tree
from bounties.services import archive_rules as rules
from bounties.services.artifacts import artifact_path
from bounties.source_rendering import BINARY, NOTEBOOK_UNREADABLE, TOO_LARGE, render_source_file
from tests.bounties import hostile_archives
from tests.bounties.source_fixtures import published_source_submission, zip_bytes
from tests.bounties.test_source_views import PAGE_QUERIES
from tests.factories import SubmissionFactory

pytestmark = pytest.mark.django_db


def test_an_archive_stored_before_the_checks_is_not_browsed_and_says_why(client: Client) -> None:
    _, data = hostile_archives.zip_traversal()
    submission = published_source_submission(data=data)
    tree = source_tree(submission=submission)
    assert (tree.rows, tree.refusal) == ([], rules.UNSAFE_PATH)
    with pytest.raises(NotFound, match="leaves the archive"):
        source_file(submission=submission, path="x")
    page = client.get(reverse("bounties:source-browse", args=[submission.pk])).content.decode()
    assert "This archive cannot be browsed: The source archive holds a path that is absolute" in page


def test_a_missing_archive_file_is_said_so() -> None:
    submission = published_source_submission()
    assert submission.source_artifact is not None
    artifact_path(submission.source_artifact).unlink()
    assert source_tree(submission=submission).refusal == MISSING


def test_only_a_top_level_readme_is_the_readme() -> None:
    nested = published_source_submission(data=zip_bytes({"docs/README.md": b"# nested", "a.py": b""}))
    upper = published_source_submission(data=zip_bytes({"ReadMe.TXT": b"plain", "a.py": b""}))
    assert source_tree(submission=nested).readme_path is None
    assert source_tree(submission=upper).readme_path == "ReadMe.TXT"


def test_a_file_over_the_view_limit_is_read_only_up_to_it_and_not_shown(
    settings: LazySettings, client: Client
) -> None:
    settings.MAX_SOURCE_VIEW_BYTES = 10
    submission = published_source_submission(data=zip_bytes({"big.py": b"x = 1\n" * 100}))
    assert source_file(submission=submission, path="big.py") == SourceFile(
        path="big.py", size=600, data=b"x = 1\nx = ", truncated=True
    )
    page = client.get(reverse("bounties:source-file", args=[submission.pk, "big.py"]))
    assert page.context["rendered"].note == TOO_LARGE
    assert reverse("bounties:source-raw", args=[submission.pk, "big.py"]) not in page.content.decode()
    assert client.get(reverse("bounties:source-raw", args=[submission.pk, "big.py"])).status_code == 404


def test_a_submission_without_source_has_no_code_pages(client: Client) -> None:
    submission = SubmissionFactory.create()
    assert client.get(reverse("bounties:source-browse", args=[submission.pk])).status_code == 404


@pytest.mark.parametrize("n_files", [3, 60])
def test_the_tree_page_makes_the_same_queries_whatever_the_number_of_files(
    n_files: int, client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    files = {f"pkg{i % 5}/m{i}.py": b"pass\n" for i in range(n_files)}
    submission = published_source_submission(data=zip_bytes(files))
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(reverse("bounties:source-browse", args=[submission.pk]))
    assert sum(not row.is_dir for row in response.context["tree"].rows) == n_files


def test_code_is_escaped_and_odd_files_get_a_fixed_note() -> None:
    html = render_source_file(path="x.py", data=b"s = '<script>alert(1)</script>'", truncated=False).html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert render_source_file(path="w.bin", data=b"\xff\xfe\x00", truncated=False).note == BINARY
    broken = render_source_file(path="n.ipynb", data=b'{"cells": "no"}', truncated=False)
    assert (broken.kind, broken.note) == ("code", NOTEBOOK_UNREADABLE)
    html_md = render_source_file(path="a.md", data=b"<img src=x onerror=alert(1)>", truncated=False).html
    assert "onerror" not in html_md
