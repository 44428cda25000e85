"""Clue shares in prize drafts: what the winner built on is paid from the winner's prize, on a real anvil."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from web3 import Web3

from governance.chain.governor import ProposalAction
from governance.models import ChainDeployment
from governance.services import prize_inputs
from governance.services.proposals import prize_proposal_draft_create
from tests.contracts.helpers import Dao
from tests.factories import ClueFactory, ScoredSubmissionFactory, UserFactory
from tests.governance.dao_fixtures import *  # noqa: F403
from tests.governance.dao_fixtures import POOL, AttestedChallenge

pytestmark = pytest.mark.django_db


def _lineage(attested: AttestedChallenge, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """ada's winning submission cites bob's clue and her own; bob's clue cites carol's submission."""
    challenge = attested.challenge
    challenge.clue_share_bps, challenge.share_depth = 1_000, 2
    challenge.save()
    ada, grace, _ = attested.ranked
    bob, carol = UserFactory.create(username="bob"), UserFactory.create(username="carol")
    early = challenge.starts_at + timedelta(hours=1)
    carols = ScoredSubmissionFactory.create(challenge=challenge, contributor=carol, created_at=early)
    bobs = ClueFactory.create(challenge=challenge, author=bob, created_at=early + timedelta(hours=1))
    bobs.builds_on_submissions.set([carols])
    own = ClueFactory.create(challenge=challenge, author=ada, created_at=early + timedelta(hours=1))
    winning = ScoredSubmissionFactory.create(
        challenge=challenge, contributor=ada, created_at=early + timedelta(hours=2)
    )
    winning.builds_on_clues.set([bobs, own])
    seconds = ScoredSubmissionFactory.create(challenge=challenge, contributor=grace)
    attested.wallets[bob.pk] = attested.wallets[grace.pk]  # one address twice: the award adds them up
    leaderboard = dataclasses.replace(
        attested.leaderboard, winning_submissions=(winning.pk, seconds.pk, None)
    )
    monkeypatch.setattr(prize_inputs, "final_leaderboard_document", lambda c: leaderboard)
    return {"bob": bob, "carol": carol, "bobs": bobs, "carols": carols, "winning": winning}


def test_the_clue_share_halves_per_level_and_an_unlinked_authors_part_stays_with_the_winner(
    dao: Dao, deployment: ChainDeployment, attested: AttestedChallenge, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _lineage(attested, monkeypatch)
    ada, grace, alan = attested.ranked
    first_prize, pot = POOL // 2, POOL // 2 // 10
    bobs_share, carols_share = pot * 2 // 3 + 1, pot // 3  # weights 2 and 1; the rounding unit to level 1

    draft = prize_proposal_draft_create(challenge=attested.challenge, created_by=ada)

    first, second = attested.wallets[ada.pk], attested.wallets[grace.pk]
    assert [
        (r["rank"], r.get("kind"), r["username"], r["address"], r["amount"]) for r in draft.recipients
    ] == [
        (1, None, "ada", first, str(first_prize - bobs_share)),
        (1, "share", "bob", second, str(bobs_share)),
        (2, None, "grace", second, str(POOL * 30 // 100)),
    ]
    assert draft.recipients[0]["kept_shares"] == str(carols_share)
    assert draft.recipients[1]["works"] == [
        {"kind": "clue", "id": made["bobs"].pk, "level": 1, "amount": str(bobs_share)}
    ]
    carol = made["carol"]
    assert draft.unpayable == [
        {
            "rank": 1,
            "kind": "share",
            "user_id": carol.pk,
            "username": "carol",
            "works": [
                {"kind": "submission", "id": made["carols"].pk, "level": 2, "amount": str(carols_share)}
            ],
            "amount": str(carols_share),
            "kept_by": "ada",
        },
        {"rank": 3, "user_id": alan.pk, "username": "alan", "share": 20},
    ]
    assert (
        f"| 1 (clue share) | bob | {second} | {bobs_share} (builds on clue #{made['bobs'].pk}) |"
        in draft.text
    )
    assert "it stays with the winner, ada." in draft.text

    # The award, passed and executed, credits each address the sum of its entries (bob and grace share one).
    action = ProposalAction(Web3.to_checksum_address(draft.target), bytes.fromhex(draft.call_data[2:]))
    dao.pass_and_execute([action], draft.text)
    owed = {
        address: dao.escrow.owed(challenge_id=attested.escrow_challenge_id, account=address)
        for address in (first, second)
    }
    assert owed == {first: first_prize - bobs_share, second: bobs_share + POOL * 30 // 100}
    assert sum(owed.values()) == first_prize + POOL * 30 // 100  # the shares come out of the prize, exactly


def test_the_evidence_panel_lists_the_shares_with_links(
    attested: AttestedChallenge, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _lineage(attested, monkeypatch)
    draft = prize_proposal_draft_create(challenge=attested.challenge, created_by=attested.ranked[0])
    client = Client()  # the module's `client` fixture is the chain's
    client.force_login(attested.ranked[0])

    html = client.get(reverse("governance:prize-draft", args=[draft.pk])).content.decode()

    assert (
        f'clue share: builds on <a href="{reverse("bounties:clue-detail", args=[made["bobs"].pk])}">clue #'
        in html
    )
    assert "carol's clue share of rank 1" in html and "it stays with the winner, ada." in html
    assert "1000 basis points of each prize, 2 levels of citations" in html
    assert reverse("bounties:challenge-lineage", args=[attested.challenge.slug]) in html
