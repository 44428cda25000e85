"""The feed selector: every source merged newest first, windows and limits, and what each item reveals."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from activity.items import ItemKind
from activity.selectors.feed import challenge_feed, challenge_feed_page
from bounties.models import PublishPolicy, SubmissionStatus
from evaluation.scoring.metrics import Metric
from governance.models import PoolMovement
from tests.activity import mirror_rows
from tests.factories import (
    ChallengeFactory,
    ClueFactory,
    ScoredSubmissionFactory,
    SubmissionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

START = timezone.now() - timedelta(days=10)


def at(hours: float) -> Any:
    return START + timedelta(hours=hours)


def scored(challenge: Any, who: Any, score: float, hours: float, title: str = "") -> Any:
    return ScoredSubmissionFactory.create(
        challenge=challenge,
        contributor=who,
        public_score=score,
        private_score=0.123456,
        finished_at=at(hours),
        created_at=at(hours - 0.5),
        title=title,
    )


def test_every_source_is_merged_newest_first() -> None:
    challenge = ChallengeFactory.create(slug="digits", title="Digits")
    carol, dave = UserFactory.create(username="carol"), UserFactory.create(username="dave")
    chain = mirror_rows.deployment()
    record = mirror_rows.on_chain(challenge, chain, escrow_id=4, at=at(0))
    pool = mirror_rows.pool(chain, escrow_id=4, at=at(0))
    mirror_rows.movement(pool, PoolMovement.Kind.FUNDING, amount=100 * mirror_rows.TOKEN, at=at(0.5))
    ClueFactory.create(challenge=challenge, author=dave, title="Normalise", created_at=at(1))
    first = scored(challenge, carol, 0.5, 2, title="Baseline")
    scored(challenge, dave, 0.4, 3)  # worse than the best: not news
    best = scored(challenge, dave, 0.7, 4, title="Deeper")
    scored(challenge, carol, 0.7, 5)  # only equal to the best: not news
    first_batch = mirror_rows.commitment(record, [first, best], at=at(6))
    mirror_rows.commitment(record, [], at=None)  # not mined yet: not on the chain
    proposal = mirror_rows.prize_proposal(
        challenge, chain, proposal_id="77", title="Prizes of Digits", created_at=at(7)
    )
    mirror_rows.vote(proposal, at=at(8))
    proposal.queued_at = at(9)
    proposal.save()
    mirror_rows.movement(pool, PoolMovement.Kind.AWARD, amount=50 * mirror_rows.TOKEN, at=at(10))
    mirror_rows.movement(pool, PoolMovement.Kind.CLAIM, amount=50 * mirror_rows.TOKEN, at=at(11), log_index=1)
    mirror_rows.movement(pool, PoolMovement.Kind.REFUND, amount=1, at=at(12), log_index=2)

    items = challenge_feed(challenge=challenge, limit=50)

    assert [(item.kind, item.headline) for item in items] == [
        (ItemKind.PAYOUT, "0xB0b0…0B0b claimed 50 tokens"),
        (ItemKind.PAYOUT, "50 tokens awarded to 0xB0b0…0B0b"),
        (ItemKind.PROPOSAL, "Prize proposal “Prizes of Digits” passed and was queued in the timelock"),
        (ItemKind.VOTE, "0xa1a1…a1a1 voted for “Prizes of Digits” with 250 votes"),
        (ItemKind.PROPOSAL, "Prize proposal “Prizes of Digits” submitted to the vote"),
        (ItemKind.COMMITMENT, f"2 submissions committed on chain (root {first_batch.root[:10]}…)"),
        (ItemKind.BEST_SCORE, "New best public score 0.700000 by dave with “Deeper”"),
        (ItemKind.BEST_SCORE, "New best public score 0.500000 by carol with “Baseline”"),
        (ItemKind.CLUE, "New clue “Normalise” by dave"),
        (ItemKind.FUNDING, "0xB0b0…0B0b added 100 tokens to the prize pool"),
    ]
    assert [item.at for item in items] == sorted((item.at for item in items), reverse=True)
    assert items[6].path == f"/submissions/{best.pk}/"
    assert items[3].path == "/governance/proposals/77/"
    assert len({item.key for item in items}) == len(items)


def test_other_challenges_and_undrafted_proposals_stay_out() -> None:
    challenge, other = ChallengeFactory.create(), ChallengeFactory.create()
    chain = mirror_rows.deployment()
    ClueFactory.create(challenge=other, created_at=at(1))
    scored(other, UserFactory.create(), 0.9, 2)
    mirror_rows.bare_proposal(chain, proposal_id="5", title="Another matter", created_at=at(3))
    other_proposal = mirror_rows.prize_proposal(
        other, chain, proposal_id="6", title="Other", created_at=at(4)
    )
    mirror_rows.vote(other_proposal, at=at(5))
    mirror_rows.on_chain(other, chain, escrow_id=9, at=at(0))
    other_pool = mirror_rows.pool(chain, escrow_id=9, at=at(0))
    mirror_rows.movement(other_pool, PoolMovement.Kind.AWARD, amount=1, at=at(6))

    assert challenge_feed(challenge=challenge) == []


def test_a_lower_is_better_metric_takes_the_lead_downwards() -> None:
    challenge = ChallengeFactory.create(metric=Metric.RMSE)
    erin = UserFactory.create(username="erin")
    for hours, score in enumerate([3.0, 3.5, 2.0, 2.0, 1.5], start=1):
        scored(challenge, erin, score, hours)

    items = challenge_feed(challenge=challenge)

    assert [item.headline.split(" by ")[0][-8:] for item in items] == ["1.500000", "2.000000", "3.000000"]


def test_the_window_and_the_limit() -> None:
    challenge = ChallengeFactory.create()
    clues = [ClueFactory.create(challenge=challenge, created_at=at(hours)) for hours in range(1, 7)]

    window = challenge_feed(challenge=challenge, after=at(2), until=at(5))
    newest_two = challenge_feed(challenge=challenge, limit=2)

    assert [item.key for item in window] == [f"clue-{clues[i].pk}" for i in (4, 3, 2)]
    assert [item.key for item in newest_two] == [f"clue-{clues[i].pk}" for i in (5, 4)]


def test_pages_follow_each_other_without_gaps_or_repeats() -> None:
    challenge = ChallengeFactory.create()
    for hours in range(45):
        ClueFactory.create(challenge=challenge, created_at=at(hours))

    pages = [challenge_feed_page(challenge=challenge, number=n, size=20) for n in (1, 2, 3)]

    keys = [item.key for page in pages for item in page.items]
    assert [len(page.items) for page in pages] == [20, 20, 5]
    assert [page.has_next for page in pages] == [True, True, False]
    assert keys == [item.key for item in challenge_feed(challenge=challenge, limit=100)]


def test_an_unpublished_submission_and_a_private_score_never_appear() -> None:
    # Code and write-ups are published at close: until then the leaderboard shows the score, not the work.
    challenge = ChallengeFactory.create(slug="secretive", publish_policy=PublishPolicy.AT_CLOSE)
    frank = UserFactory.create(username="frank")
    hidden = scored(challenge, frank, 0.8, 1, title="My secret trick")
    SubmissionFactory.create(challenge=challenge, contributor=frank, status=SubmissionStatus.RUNNING)

    items = challenge_feed(challenge=challenge)

    assert [(item.headline, item.path) for item in items] == [
        ("New best public score 0.800000 by frank", "/challenges/secretive/#leaderboard-heading"),
    ]
    shown = " ".join(f"{item.key} {item.headline} {item.path}" for item in items)
    assert "secret trick" not in shown
    assert f"/submissions/{hidden.pk}/" not in shown
    assert "0.123456" not in shown  # the private score, also after close
    challenge.ends_at = timezone.now() - timedelta(hours=1)
    challenge.starts_at = challenge.ends_at - timedelta(days=20)
    challenge.save()
    after_close = challenge_feed(challenge=challenge)
    assert after_close[0].headline == "New best public score 0.800000 by frank with “My secret trick”"
    assert "0.123456" not in after_close[0].headline
    assert after_close[0].key == items[0].key  # the same item, now naming its submission


def test_the_feed_takes_one_query_per_source_whatever_its_size(
    django_assert_num_queries: Any,
) -> None:
    challenge = ChallengeFactory.create()
    chain = mirror_rows.deployment()
    record = mirror_rows.on_chain(challenge, chain, escrow_id=4, at=at(0))
    pool = mirror_rows.pool(chain, escrow_id=4, at=at(0))
    proposal = mirror_rows.prize_proposal(challenge, chain, proposal_id="8", title="P", created_at=at(0))

    def add(n: int, offset: int = 0) -> None:
        for i in range(offset, offset + n):
            ClueFactory.create(challenge=challenge, created_at=at(i))
            scored(challenge, UserFactory.create(), 0.1 + i / 100, i + 0.2)
            mirror_rows.commitment(record, [], at=at(i + 0.3))
            mirror_rows.vote(proposal, at=at(i + 0.4), voter=f"0x{i:040x}")
            mirror_rows.movement(pool, PoolMovement.Kind.FUNDING, amount=1, at=at(i + 0.5), log_index=i)

    add(2)
    # Six sources, and the challenge's score version that keys the cached best scores.
    with django_assert_num_queries(7):
        assert len(challenge_feed(challenge=challenge, limit=100)) == 11
    add(20, offset=2)
    with django_assert_num_queries(7):
        assert len(challenge_feed(challenge=challenge, limit=100)) == 100
