"""Citations name only earlier, published work of the same challenge, with a fixed reason otherwise."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from bounties.errors import ApplicationError, NotFound
from bounties.models import Clue
from bounties.services.citations import LATER_WORK, OTHER_CHALLENGE, resolve_citations
from bounties.services.clues import clue_create
from tests.factories import ChallengeFactory, ClueFactory, SubmissionFactory, UserFactory

pytestmark = pytest.mark.django_db


def share(challenge: object, author: object, **kwargs: object) -> Clue:
    return clue_create(challenge=challenge, author=author, title="T", writeup="W", **kwargs)  # type: ignore[arg-type]


def test_later_work_is_refused_with_the_fixed_reason() -> None:
    challenge = ChallengeFactory.create()
    later = ClueFactory.create(challenge=challenge, created_at=timezone.now() + timedelta(hours=1))

    with pytest.raises(ApplicationError) as refused:
        share(challenge, UserFactory.create(), builds_on_clue_ids=[later.pk])

    assert refused.value.message == LATER_WORK.format(kind="Clue", id=later.pk)
    assert refused.value.field == "builds_on_clues"
    assert Clue.objects.count() == 1


def test_work_of_another_challenge_is_refused() -> None:
    elsewhere = SubmissionFactory.create()

    with pytest.raises(ApplicationError) as refused:
        share(ChallengeFactory.create(), UserFactory.create(), builds_on_submission_ids=[elsewhere.pk])

    assert refused.value.message == OTHER_CHALLENGE.format(kind="Submission", id=elsewhere.pk)
    assert Clue.objects.count() == 0


def test_ones_own_unpublished_submission_is_refused_like_anyone_elses() -> None:
    challenge = ChallengeFactory.create(publish_policy="at_close")
    author = UserFactory.create()
    own = SubmissionFactory.create(challenge=challenge, contributor=author)

    with pytest.raises(NotFound, match=f"Submission #{own.pk} does not exist or is not published"):
        share(challenge, author, builds_on_submission_ids=[own.pk])


def test_self_citation_of_published_work_is_allowed() -> None:
    challenge, author = ChallengeFactory.create(), UserFactory.create()
    own = ClueFactory.create(challenge=challenge, author=author)

    clue = share(challenge, author, builds_on_clue_ids=[own.pk])

    assert list(clue.builds_on_clues.all()) == [own]


def test_a_work_created_at_the_same_instant_is_not_earlier() -> None:
    challenge = ChallengeFactory.create()
    clue = ClueFactory.create(challenge=challenge)
    with pytest.raises(ApplicationError, match="published after this work"):
        resolve_citations(
            challenge=challenge, citing_created_at=clue.created_at, submission_ids=[], clue_ids=[clue.pk]
        )
