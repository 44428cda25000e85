"""The lineage page: the challenge's published work and citations as server-drawn SVG, in fixed queries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bounties.lineage_graph import BAND_Y, PLOT_HEIGHT, TOP, LineageNode, lineage_picture
from bounties.selectors.lineage import challenge_lineage
from bounties.shares import Work
from tests.factories import ChallengeFactory, ClueFactory, ScoredSubmissionFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


def _node(kind: str, pk: int, minutes: int, score: float | None) -> LineageNode:
    return LineageNode(
        Work(kind, pk),
        f"{kind} {pk}",
        pk,
        f"u{pk}",
        timezone.now().replace(year=2026, month=1, day=1, hour=0, minute=minutes, second=0, microsecond=0),
        score,
    )


def test_the_picture_puts_time_left_to_right_and_better_scores_higher() -> None:
    clue, worse, better = (
        _node("clue", 1, 0, None),
        _node("submission", 2, 1, 0.5),
        _node("submission", 3, 2, 0.9),
    )
    cites = {better.work: [worse.work, clue.work]}

    picture = lineage_picture(nodes=[better, clue, worse], cites=cites, higher_is_better=True)

    assert [(p.node.work.id, p.x, p.y, p.sets_record) for p in picture.nodes] == [
        (1, 104, BAND_Y, False),
        (2, 168, TOP + PLOT_HEIGHT, True),
        (3, 232, TOP, True),
    ]
    assert picture.record_path == f"M 168 {TOP + PLOT_HEIGHT} H 232 V {TOP}"
    assert len(picture.edges) == 2 and all(e.x2 < e.x1 for e in picture.edges)  # towards older work
    assert (picture.best_label, picture.worst_label) == ("0.9", "0.5")
    lower = lineage_picture(nodes=[better, clue, worse], cites=cites, higher_is_better=False)
    assert [p.y for p in lower.nodes] == [BAND_Y, TOP, TOP + PLOT_HEIGHT]
    assert lineage_picture(nodes=[worse, better, clue], cites=cites, higher_is_better=True) == picture


def test_one_score_only_is_labelled_once_beside_the_marks() -> None:
    first, second = _node("submission", 1, 0, 0.5), _node("submission", 2, 1, 0.5)

    picture = lineage_picture(nodes=[first, second], cites={}, higher_is_better=True)

    assert [p.y for p in picture.nodes] == [TOP + PLOT_HEIGHT // 2] * 2
    assert (picture.best_label, picture.worst_label) == ("0.5", "")
    assert picture.best_y == TOP + PLOT_HEIGHT // 2 + 4


def test_the_lineage_holds_only_published_work_and_citations_between_it() -> None:
    challenge = ChallengeFactory.create()
    hidden_challenge = ChallengeFactory.create(publish_policy="at_close")
    base = ScoredSubmissionFactory.create(challenge=challenge)
    clue = ClueFactory.create(challenge=challenge)
    clue.builds_on_submissions.set([base])
    follower = ScoredSubmissionFactory.create(challenge=challenge)
    follower.builds_on_clues.set([clue])
    follower.builds_on_submissions.set([base])
    ClueFactory.create(challenge=challenge).builds_on_clues.set([clue])
    unpublished = SubmissionFactory.create(challenge=hidden_challenge)
    citing = ClueFactory.create(challenge=hidden_challenge)
    citing.builds_on_submissions.set([unpublished])

    lineage = challenge_lineage(challenge=challenge)

    s, c = (lambda pk: Work("submission", pk)), (lambda pk: Work("clue", pk))
    later_clue = challenge.clues.order_by("id")[1]
    assert set(lineage.nodes) == {s(base.pk), c(clue.pk), s(follower.pk), c(later_clue.pk)}
    assert lineage.cites == {
        c(clue.pk): [s(base.pk)],
        s(follower.pk): [c(clue.pk), s(base.pk)],
        c(later_clue.pk): [c(clue.pk)],
    }
    hidden = challenge_lineage(challenge=hidden_challenge)
    assert (set(hidden.nodes), hidden.cites) == ({c(citing.pk)}, {})


def _grow(challenge: Any, n: int) -> None:
    for _ in range(n):
        cited = ScoredSubmissionFactory.create(
            challenge=challenge, created_at=timezone.now() - timedelta(hours=1)
        )
        ClueFactory.create(challenge=challenge).builds_on_submissions.set([cited])


def test_the_lineage_page_links_every_node_in_a_fixed_number_of_queries(client: Client) -> None:
    challenge = ChallengeFactory.create(slug="digits")
    url = reverse("bounties:challenge-lineage", args=["digits"])
    _grow(challenge, 2)
    with CaptureQueriesContext(connection) as baseline:
        client.get(url)
    _grow(challenge, 10)

    with CaptureQueriesContext(connection) as grown:
        response = client.get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert len(grown) == len(baseline)
    assert html.count('class="lineage-node"') == 24
    assert html.count('class="lineage-edge"') == 12
    first_clue = challenge.clues.order_by("id")[0]
    assert f'href="{reverse("bounties:clue-detail", args=[first_clue.pk])}" class="lineage-node"' in html
    detail = client.get(reverse("bounties:challenge-detail", args=["digits"])).content.decode()
    assert f'href="{url}"' in detail


def test_titles_in_the_picture_are_escaped(client: Client) -> None:
    challenge = ChallengeFactory.create(slug="digits")
    ClueFactory.create(challenge=challenge, title="<script>alert(1)</script>")
    html = client.get(reverse("bounties:challenge-lineage", args=["digits"])).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


def test_a_draft_challenge_has_no_lineage_page(client: Client) -> None:
    ChallengeFactory.create(slug="secret", published_at=None)
    assert client.get(reverse("bounties:challenge-lineage", args=["secret"])).status_code == 404
