"""The code browser's pages: tree, highlighted file, README, notebook, raw file; only for who may see it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from bounties.models import PublishPolicy
from tests.bounties.source_fixtures import project_files, published_source_submission, tar_gz_bytes
from tests.factories import ChallengeFactory, UserFactory

pytestmark = pytest.mark.django_db
PAGE_QUERIES = 5  # the submission with its relations; no query per file in the tree


def test_the_tree_lists_folders_first_and_renders_the_readme_sanitised(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    submission = published_source_submission()
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(reverse("bounties:source-browse", args=[submission.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    names = [row.path for row in response.context["tree"].rows]
    assert names == [
        "data",
        "data/blob.bin",
        "notebooks",
        "notebooks/explore.ipynb",
        "src",
        "src/model",
        "src/model/__init__.py",
        "src/train.py",
        "README.md",
    ]
    assert "<h1>Digits MLP</h1>" in html and "<strong>bold</strong>" in html
    assert "<script>alert" not in html and "javascript:" not in html
    assert reverse("bounties:source-file", args=[submission.pk, "src/train.py"]) in html


def test_a_file_is_highlighted_with_line_numbers(client: Client) -> None:
    submission = published_source_submission()
    response = client.get(reverse("bounties:source-file", args=[submission.pk, "src/train.py"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<span class="kn">import</span>' in html
    assert '<span class="c1"># A comment that must be highlighted.</span>' in html
    assert '<span class="nf">train</span>' in html
    assert 'class="linenos"' in html


def test_a_notebook_shows_text_outputs_only_and_never_its_html_or_scripts(client: Client) -> None:
    submission = published_source_submission()
    response = client.get(reverse("bounties:source-file", args=[submission.pk, "notebooks/explore.ipynb"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h2>Exploring the data</h2>" in html
    assert "[0 1 2]" in html
    assert "&lt;Figure size 640x480 with 1 Axes&gt;" in html
    assert "ValueError: boom" in html and "\x1b" not in html
    assert "Output not shown (application/javascript, image/png, text/html)" in html
    assert "<script" not in html.split("<body", 1)[1].replace('<script src="', "")
    assert "onerror" not in html and "html output" not in html and "alert(" not in html


def test_a_binary_file_is_not_shown(client: Client) -> None:
    submission = published_source_submission()
    response = client.get(reverse("bounties:source-file", args=[submission.pk, "data/blob.bin"]))
    assert response.status_code == 200
    assert response.context["rendered"].kind == "binary"


def test_a_raw_file_is_a_plain_text_attachment_that_cannot_be_sniffed(client: Client) -> None:
    submission = published_source_submission()
    response = client.get(reverse("bounties:source-raw", args=[submission.pk, "README.md"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'attachment; filename="README.md"'
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.content == project_files()["README.md"]


def test_a_tar_gz_archive_is_browsed_the_same_way(client: Client) -> None:
    submission = published_source_submission(filename="code.tar.gz", data=tar_gz_bytes(project_files()))
    tree = client.get(reverse("bounties:source-browse", args=[submission.pk]))
    code = client.get(reverse("bounties:source-file", args=[submission.pk, "src/train.py"]))
    assert len(tree.context["tree"].rows) == 9
    assert '<span class="nf">train</span>' in code.content.decode()


def test_a_path_that_is_not_a_file_in_the_archive_is_404(client: Client) -> None:
    submission = published_source_submission()
    for path in ("src", "missing.py", "../etc/passwd"):
        assert client.get(reverse("bounties:source-file", args=[submission.pk, path])).status_code == 404
    assert client.get(reverse("bounties:source-raw", args=[submission.pk, "src"])).status_code == 404


def test_unpublished_code_is_404_to_others_and_shown_to_its_contributor(client: Client) -> None:
    challenge = ChallengeFactory.create(publish_policy=PublishPolicy.AT_CLOSE)
    owner = UserFactory.create()
    submission = published_source_submission(challenge=challenge, contributor=owner)
    urls = [
        reverse("bounties:source-browse", args=[submission.pk]),
        reverse("bounties:source-file", args=[submission.pk, "src/train.py"]),
        reverse("bounties:source-raw", args=[submission.pk, "src/train.py"]),
    ]
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    client.force_login(UserFactory.create())
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    client.force_login(owner)
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]


def test_the_submission_page_shows_the_license_and_links_the_code(client: Client) -> None:
    submission = published_source_submission()
    response = client.get(reverse("bounties:submission-detail", args=[submission.pk]))
    html = response.content.decode()
    assert '<code class="license-id">MIT</code>' in html and "MIT License" in html
    assert reverse("bounties:source-browse", args=[submission.pk]) in html
    assert "Source published under an OSI-approved license: eligible for prizes." in html
