"""Drafting a prize proposal from an attested challenge, and submitting it from a wallet or the platform."""

from __future__ import annotations

import pytest
from eth_utils import keccak
from web3 import Web3

from bounties.errors import ApplicationError
from governance.chain.client import ChainClient
from governance.chain.governor import Proposal, ProposalAction, ProposalState
from governance.models import ChainDeployment, OutgoingTransaction, PrizeProposalDraft
from governance.services import prize_inputs, proposals
from governance.services.proposals import (
    prize_proposal_calls,
    prize_proposal_draft_create,
    prize_proposal_submit_by_platform,
)
from tests.contracts.helpers import Dao
from tests.governance.dao_fixtures import *  # noqa: F403
from tests.governance.dao_fixtures import POOL, AttestedChallenge, send_outbox_row

pytestmark = pytest.mark.django_db


def test_the_draft_pays_the_split_of_the_escrowed_pool_to_the_ranked_wallets_with_the_evidence(
    dao: Dao, deployment: ChainDeployment, attested: AttestedChallenge
) -> None:
    ada, grace, alan = attested.ranked
    draft = prize_proposal_draft_create(challenge=attested.challenge, created_by=ada)

    first, second = attested.wallets[ada.pk], attested.wallets[grace.pk]
    assert [(r["rank"], r["username"], r["address"], r["amount"]) for r in draft.recipients] == [
        (1, "ada", first, str(POOL * 50 // 100)),
        (2, "grace", second, str(POOL * 30 // 100)),
    ]
    assert draft.unpayable == [{"rank": 3, "user_id": alan.pk, "username": "alan", "share": 20}]
    assert (draft.pool, draft.split, draft.status) == (POOL, [50, 30, 20], "draft")
    expected = dao.escrow.award_action(
        challenge_id=attested.escrow_challenge_id,
        results_hash=attested.attestation.results_hash,
        recipients=[first, second],
        amounts=[POOL // 2, POOL * 3 // 10],
        claim_window=proposals.DEFAULT_CLAIM_WINDOW,
    )
    assert (draft.target, draft.call_data) == (dao.escrow.address, "0x" + expected.calldata.hex())
    results_hash = "0x" + attested.attestation.results_hash.hex()
    assert draft.results_hash == results_hash and draft.spec_hash == "0x" + keccak(text="spec:houses").hex()
    for evidence in (
        f"- Spec hash: {draft.spec_hash}\n",
        f"- Results hash (keccak256 of the final leaderboard JSON): {results_hash}\n",
        f"- Final leaderboard: {attested.leaderboard.url} (sha256 {attested.leaderboard.sha256})\n",
        f"- Attested by {', '.join(attested.attestation.evaluators)} at 2026-11-27T12:00:00+00:00 (round 0)",
        f"| 1 | ada | {first} | {POOL // 2} (50%) |",
        "Rank 3 (alan, 20%) has no linked wallet",
    ):
        assert evidence in draft.text

    again = prize_proposal_draft_create(challenge=attested.challenge, created_by=grace)
    assert again.pk == draft.pk and PrizeProposalDraft.objects.count() == 1


def test_a_leaderboard_other_than_the_attested_one_is_refused(
    attested: AttestedChallenge, monkeypatch: pytest.MonkeyPatch
) -> None:
    tampered = prize_inputs.FinalLeaderboard(
        canonical_json=b'{"ranking":["mallory"]}',
        results_hash=attested.attestation.results_hash,
        sha256="0" * 64,
        url="https://example.org/x.json",
        ranking=attested.leaderboard.ranking,
    )
    monkeypatch.setattr(prize_inputs, "final_leaderboard_document", lambda c: tampered)
    with pytest.raises(ApplicationError) as refused:
        prize_proposal_draft_create(challenge=attested.challenge, created_by=attested.ranked[0])
    assert refused.value.message == proposals.MISMATCH
    assert not PrizeProposalDraft.objects.exists()


def test_an_open_or_unattested_challenge_gets_no_draft(
    attested: AttestedChallenge, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing(challenge: object) -> prize_inputs.ChallengeAttestation:
        raise prize_inputs.PrizeInputsMissing("not attested")

    monkeypatch.setattr(prize_inputs, "challenge_attestation", missing)
    with pytest.raises(ApplicationError, match="not attested yet"):
        prize_proposal_draft_create(challenge=attested.challenge, created_by=attested.ranked[0])

    attested.challenge.ends_at = attested.challenge.starts_at.replace(year=2099)
    with pytest.raises(ApplicationError, match="has not closed yet"):
        prize_proposal_draft_create(challenge=attested.challenge, created_by=attested.ranked[0])
    assert not PrizeProposalDraft.objects.exists()


def test_the_wallet_gets_the_exact_propose_arguments_and_the_id_the_governor_gives(
    dao: Dao, attested: AttestedChallenge
) -> None:
    draft = prize_proposal_draft_create(challenge=attested.challenge, created_by=attested.ranked[0])
    member = dao.actors.members[0]

    calls = prize_proposal_calls(draft=draft, proposer=member.address.lower())

    assert calls.description == f"{draft.text}\n\n#proposer={member.address}"
    assert (calls.targets, calls.values, calls.calldatas) == ([dao.escrow.address], [0], [draft.call_data])
    action = ProposalAction(Web3.to_checksum_address(draft.target), bytes.fromhex(draft.call_data[2:]))
    proposal = Proposal((action,), calls.description)
    assert dao.governor.propose(sender=member, proposal=proposal) == calls.proposal_id
    draft.refresh_from_db()
    assert (draft.status, draft.proposer, draft.proposal_id) == (
        "wallet",
        member.address,
        str(calls.proposal_id),
    )


def test_the_platforms_proposer_submits_through_the_outbox_once(
    dao: Dao, attested: AttestedChallenge, client: ChainClient
) -> None:
    draft = prize_proposal_draft_create(challenge=attested.challenge, created_by=attested.ranked[0])

    row = prize_proposal_submit_by_platform(draft=draft)
    assert prize_proposal_submit_by_platform(draft=draft).pk == row.pk
    assert (row.function, row.sender_role, OutgoingTransaction.objects.count()) == ("propose", "proposer", 1)
    draft.refresh_from_db()
    proposer = dao.actors.members[1]
    assert draft.description.endswith(f"#proposer={proposer.address}") and draft.status == "proposer_queued"

    send_outbox_row(client, row, proposer)
    assert dao.governor.state(int(draft.proposal_id)) == ProposalState.PENDING
    with pytest.raises(ApplicationError, match="already submitted"):
        prize_proposal_calls(draft=draft, proposer=dao.actors.members[0].address)


def test_a_proposer_without_enough_voting_power_is_refused_before_anything_is_queued(
    attested: AttestedChallenge, settings: object, dao: Dao
) -> None:
    draft = prize_proposal_draft_create(challenge=attested.challenge, created_by=attested.ranked[0])
    settings.PROPOSER_PRIVATE_KEY = "0x" + bytes(dao.actors.outsider.key).hex()  # type: ignore[attr-defined]

    with pytest.raises(proposals.RelayRefused, match="GovernorInsufficientProposerVotes"):
        prize_proposal_submit_by_platform(draft=draft)
    assert not OutgoingTransaction.objects.exists()


def test_a_wallet_below_the_proposal_threshold_is_told_before_it_pays_for_a_revert(
    dao: Dao, attested: AttestedChallenge
) -> None:
    draft = prize_proposal_draft_create(challenge=attested.challenge, created_by=attested.ranked[0])

    with pytest.raises(ApplicationError) as refused:
        prize_proposal_calls(draft=draft, proposer=dao.actors.outsider.address)

    threshold = dao.governor.proposal_threshold()
    assert refused.value.message == proposals.BELOW_THRESHOLD.format(threshold=threshold, votes=0)
    draft.refresh_from_db()
    assert (draft.status, draft.proposer, draft.proposal_id) == ("draft", "", "")
