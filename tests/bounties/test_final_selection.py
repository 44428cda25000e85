"""Fair final ranking: the private leaderboard ranks only each contributor's final candidates.

A contributor selects up to `final_selection_limit` scored submissions while the challenge is open;
without a selection their best public ones count, so many submissions cannot buy a lucky private score.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from bounties.errors import ApplicationError, ChallengeNotOpen, FinalSelectionFull, NotFound
from bounties.models import Challenge, Submission
from bounties.selectors.leaderboard import PRIVATE, leaderboard_for
from bounties.services.final_selection import submission_set_final_selection
from tests.factories import ChallengeFactory, ScoredSubmissionFactory, SubmissionFactory, UserFactory

pytestmark = pytest.mark.django_db


def select(submission: Submission, selected: bool = True) -> Submission:
    return submission_set_final_selection(
        submission_id=submission.pk, contributor=submission.contributor, selected=selected
    )


def close(challenge: Challenge) -> None:
    Challenge.objects.filter(pk=challenge.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    challenge.refresh_from_db()


@pytest.fixture
def challenge(db: None) -> Challenge:
    return ChallengeFactory.create(slug="final", final_selection_limit=2)


@pytest.fixture
def prober(challenge: Challenge) -> Any:
    """Five submissions: a lucky one has the best private score but a poor public one."""
    contributor = UserFactory.create(username="prober")
    for public, private in ((0.80, 0.70), (0.79, 0.71), (0.60, 0.99), (0.50, 0.50), (0.40, 0.40)):
        ScoredSubmissionFactory.create(
            challenge=challenge, contributor=contributor, public_score=public, private_score=private
        )
    return contributor


def private_scores(challenge: Challenge) -> dict[str, float]:
    board = leaderboard_for(challenge)
    assert board.phase == PRIVATE
    return {entry.contributor_username: entry.score for entry in board.entries}


def test_without_a_selection_the_best_public_ones_count(challenge: Challenge, prober: Any) -> None:
    close(challenge)

    assert private_scores(challenge) == {"prober": 0.71}  # not the lucky 0.99 ranked third in public


def test_a_selection_replaces_the_default(challenge: Challenge, prober: Any) -> None:
    lucky = Submission.objects.get(contributor=prober, private_score=0.99)
    select(lucky)
    close(challenge)

    assert private_scores(challenge) == {"prober": 0.99}


def test_only_selected_submissions_count_once_any_is_selected(challenge: Challenge, prober: Any) -> None:
    select(Submission.objects.get(contributor=prober, public_score=0.50))
    close(challenge)

    assert private_scores(challenge) == {"prober": 0.50}


def test_others_without_selection_keep_their_default(challenge: Challenge, prober: Any) -> None:
    other = UserFactory.create(username="steady")
    ScoredSubmissionFactory.create(
        challenge=challenge, contributor=other, public_score=0.9, private_score=0.8
    )
    select(Submission.objects.get(contributor=prober, private_score=0.99))
    close(challenge)

    assert [entry.contributor_username for entry in leaderboard_for(challenge).entries] == [
        "prober",
        "steady",
    ]


def test_the_selection_is_limited(challenge: Challenge, prober: Any) -> None:
    first, second, third = Submission.objects.filter(contributor=prober).order_by("id")[:3]
    select(first)
    select(second)

    with pytest.raises(FinalSelectionFull, match="selected 2 of 2"):
        select(third)
    select(second, selected=False)
    select(third)

    assert set(Submission.objects.filter(selected_for_final=True).values_list("pk", flat=True)) == {
        first.pk,
        third.pk,
    }


def test_selecting_twice_is_idempotent(challenge: Challenge, prober: Any) -> None:
    submission = Submission.objects.filter(contributor=prober).first()
    assert submission is not None
    select(submission)
    select(submission)

    assert Submission.objects.filter(selected_for_final=True).count() == 1


def test_only_the_owner_selects_and_others_learn_nothing(challenge: Challenge, prober: Any) -> None:
    theirs = Submission.objects.filter(contributor=prober).first()
    assert theirs is not None

    with pytest.raises(NotFound, match=f"There is no submission #{theirs.pk}."):
        submission_set_final_selection(
            submission_id=theirs.pk, contributor=UserFactory.create(), selected=True
        )


def test_unscored_submissions_cannot_be_selected(challenge: Challenge) -> None:
    queued = SubmissionFactory.create(challenge=challenge)

    with pytest.raises(ApplicationError, match="Only a scored submission"):
        select(queued)


def test_the_selection_closes_with_the_challenge(challenge: Challenge, prober: Any) -> None:
    submission = Submission.objects.filter(contributor=prober).first()
    assert submission is not None
    close(challenge)

    with pytest.raises(ChallengeNotOpen, match="closed with the challenge"):
        select(submission)
    assert not Submission.objects.filter(selected_for_final=True).exists()


def test_the_api_selects_and_shows_the_selection(challenge: Challenge, prober: Any) -> None:
    submission = Submission.objects.filter(contributor=prober).first()
    assert submission is not None
    api = APIClient()
    api.force_authenticate(prober)

    answer = api.post(
        f"/api/v1/submissions/{submission.pk}/final-selection/", {"selected": True}, format="json"
    )
    listing = api.get("/api/v1/submissions/", {"challenge": "final"}).json()["results"]

    assert answer.status_code == 200 and answer.json()["selected_for_final"] is True
    assert {row["id"]: row["selected_for_final"] for row in listing}[submission.pk] is True


def test_the_api_refuses_a_full_selection_with_409(challenge: Challenge, prober: Any) -> None:
    api = APIClient()
    api.force_authenticate(prober)
    ids = list(Submission.objects.filter(contributor=prober).values_list("pk", flat=True))
    for submission_id in ids[:2]:
        api.post(f"/api/v1/submissions/{submission_id}/final-selection/", {"selected": True}, format="json")

    refused = api.post(f"/api/v1/submissions/{ids[2]}/final-selection/", {"selected": True}, format="json")

    assert refused.status_code == 409
    assert refused.json()["code"] == "final_selection_full"


def test_the_page_offers_the_selection_to_the_owner_only(
    challenge: Challenge, prober: Any, client: Client
) -> None:
    submission = Submission.objects.filter(contributor=prober).first()
    assert submission is not None
    url = reverse("bounties:submission-detail", args=[submission.pk])
    action = reverse("bounties:submission-final-selection", args=[submission.pk])

    public = client.get(url).content.decode()
    client.force_login(prober)
    before = client.get(url).content.decode()
    client.post(action, {"selected": "1"})
    after = client.get(url).content.decode()

    assert action not in public
    assert "your 2 best by public score will count" in before and "Select for the final ranking" in before
    assert "<strong>Selected</strong>" in after and "1 of 2 selected" in after
