"""The challenge page's Data tab: public files with size, sha256 and download; never the hidden set."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bounties.models import Challenge, ResourceKind
from bounties.services.datasets import hidden_dataset_path, hidden_dataset_upload
from bounties.services.resources import challenge_resource_add
from tests.factories import ChallengeFactory, npz_bytes

pytestmark = pytest.mark.django_db
TRAINING = b"training rows " * 100


@pytest.fixture
def offered(challenge: Any) -> Any:
    challenge_resource_add(
        challenge=challenge,
        upload=SimpleUploadedFile("digits-train.npz", TRAINING),
        title="Training split",
        description="Rows *like* the hidden ones.",
    )
    challenge_resource_add(
        challenge=challenge,
        upload=SimpleUploadedFile("starter.py", b"print(1)\n"),
        title="Starter script",
        kind=ResourceKind.STARTER_KIT,
    )
    return challenge


def test_the_data_tab_lists_each_file_with_size_hash_and_download_link(client: Client, offered: Any) -> None:
    response = client.get(reverse("bounties:challenge-data", args=[offered.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-current="page">Data' in html
    assert "Training split" in html and "Starter script" in html and "Starter kit" in html
    assert "<em>like</em>" in html  # the description is rendered Markdown
    assert hashlib.sha256(TRAINING).hexdigest() in html
    assert "1.4\xa0KB" in html  # 1,400 bytes
    assert f'href="/challenges/{offered.slug}/data/digits-train.npz"' in html
    detail = client.get(reverse("bounties:challenge-detail", args=[offered.slug])).content.decode()
    assert f'href="/challenges/{offered.slug}/data/"' in detail and "(2 files)" in detail


def test_a_file_downloads_with_its_bytes_and_name(client: Client, offered: Any) -> None:
    response = client.get(f"/challenges/{offered.slug}/data/digits-train.npz")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == TRAINING  # type: ignore[attr-defined]
    assert 'filename="digits-train.npz"' in response["Content-Disposition"]


def test_a_drafts_files_are_hidden_from_everyone_but_staff(client: Client, contributor: Any) -> None:
    draft = ChallengeFactory.create(published_at=None)
    challenge_resource_add(challenge=draft, upload=SimpleUploadedFile("early.npz", b"early"))
    client.force_login(contributor)
    assert client.get(f"/challenges/{draft.slug}/data/").status_code == 404
    assert client.get(f"/challenges/{draft.slug}/data/early.npz").status_code == 404


def test_unknown_files_are_404(client: Client, offered: Any) -> None:
    assert client.get(f"/challenges/{offered.slug}/data/nothing.npz").status_code == 404
    assert client.get(f"/challenges/{offered.slug}/data/..%2F..%2Fhidden").status_code == 404


def test_no_page_or_download_ever_serves_the_hidden_set(
    client: Client, offered: Any, contributor: Any
) -> None:
    """Follow every link of the challenge's pages and API, as a contributor: no answer holds the hidden set."""
    hidden = ChallengeFactory.create(slug="secret", published_at=None)
    rng = np.random.default_rng(1)
    hidden_bytes = npz_bytes(inputs=rng.random((50, 64), dtype=np.float32), labels=np.arange(50) % 10)
    dataset = hidden_dataset_upload(challenge=hidden, upload=SimpleUploadedFile("hidden.npz", hidden_bytes))
    Challenge.objects.filter(pk=hidden.pk).update(published_at=offered.published_at)
    client.force_login(contributor)

    urls = [f"/challenges/{slug}/{tab}" for slug in ("secret", offered.slug) for tab in ("", "data/")]
    urls += [f"/api/v1/challenges/{slug}/" for slug in ("secret", offered.slug)]
    urls += [
        f"/challenges/secret/data/{dataset.stored_name}",
        f"/challenges/secret/data/{dataset.original_name}",
        f"/challenges/secret/data/{hidden_dataset_path(dataset)}",
    ]
    seen: set[str] = set()
    while urls:
        url = urls.pop()
        if url in seen or not url.startswith(("/challenges/", "/api/v1/")):
            continue
        seen.add(url)
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
        assert hidden_bytes not in body and hashlib.sha256(body).hexdigest() != dataset.sha256, url
        if response.get("Content-Type", "").startswith("text/html"):
            urls += re.findall(r'href="(/[^"#?]*)"', body.decode())
    assert {
        f"/challenges/{offered.slug}/data/digits-train.npz",
        f"/challenges/{offered.slug}/data/starter.py",
    } <= seen


def test_the_data_tab_makes_as_many_queries_for_two_files_as_for_twenty(
    client: Client, offered: Any, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    url = reverse("bounties:challenge-data", args=[offered.slug])
    with CaptureQueriesContext(connection) as two_files:
        assert client.get(url).status_code == 200
    for n in range(18):
        challenge_resource_add(challenge=offered, upload=SimpleUploadedFile(f"extra-{n}.npz", bytes([n])))
    with django_assert_max_num_queries(len(two_files)):
        assert client.get(url).status_code == 200
