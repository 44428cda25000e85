"""Submission and clue pages show citations both ways, with links, in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import ChallengeFactory, ClueFactory, ScoredSubmissionFactory

pytestmark = pytest.mark.django_db


def _section(html: str, name: str) -> str:
    start = html.index(f'data-citations="{name}"')
    return html[start : html.index("</ul>", start)]


def test_a_clue_page_links_what_it_builds_on_and_what_cites_it(client: Client) -> None:
    challenge = ChallengeFactory.create(slug="digits")
    base = ScoredSubmissionFactory.create(challenge=challenge, title="Baseline", public_score=0.8125)
    clue = ClueFactory.create(challenge=challenge, title="Augment")
    clue.builds_on_submissions.set([base])
    later = ClueFactory.create(challenge=challenge, title="Later")
    later.builds_on_clues.set([clue])

    html = client.get(reverse("bounties:clue-detail", args=[clue.pk])).content.decode()

    builds_on, cited_by = _section(html, "builds-on"), _section(html, "cited-by")
    assert f'<a href="/submissions/{base.pk}/">#{base.pk} Baseline</a>' in builds_on
    assert "score 0.8125" in builds_on
    assert f'<a href="/clues/{later.pk}/">#{later.pk} Later</a>' in cited_by and "Baseline" not in cited_by
    assert 'href="/challenges/digits/lineage/"' in html


def _cite_more(submission: Any, n: int) -> None:
    earlier = timezone.now() - timedelta(hours=1)
    challenge = submission.challenge
    submission.builds_on_submissions.add(
        *(ScoredSubmissionFactory.create(challenge=challenge, created_at=earlier) for _ in range(n))
    )
    submission.builds_on_clues.add(
        *(ClueFactory.create(challenge=challenge, created_at=earlier) for _ in range(n))
    )
    for _ in range(n):
        ClueFactory.create(challenge=challenge).builds_on_submissions.add(submission)


def test_the_submission_page_makes_the_same_queries_for_2_or_20_citations(client: Client) -> None:
    submission = ScoredSubmissionFactory.create(challenge=ChallengeFactory.create())
    url = reverse("bounties:submission-detail", args=[submission.pk])
    _cite_more(submission, 2)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _cite_more(submission, 18)

    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()

    assert len(many) == len(few)
    assert _section(html, "builds-on").count("<li>") == 40
    assert _section(html, "cited-by").count("<li>") == 20
