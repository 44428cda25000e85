"""At close the canonical final leaderboard is frozen, signed by the evaluators and attested on chain."""

from __future__ import annotations

import json

import pytest
from django.conf import LazySettings
from django.test import Client
from django.urls import reverse
from eth_utils import keccak

from bounties.models import Challenge, SubmissionStatus
from bounties.services.challenges import challenge_close_now
from governance.chain.escrow import ChallengeState
from governance.models import ChainDeployment, ChallengeOnChain, ChallengeResults, OutgoingTransaction
from governance.selectors.trust_results import (
    challenge_attestation,
    final_leaderboard_document,
    final_leaderboard_json,
)
from governance.services import prize_inputs
from governance.services.trust import trust_chain_advance
from governance.services.trust_common import from_hex
from tests.factories import ScoredSubmissionFactory, SubmissionFactory
from tests.governance.trust_support import (
    EVALUATOR_THRESHOLD,
    TrustChain,
    chain_settings,
    deployment_row,
    publish_challenge,
    send_queued,
    trust_chain,
)

pytestmark = pytest.mark.django_db
__all__ = ["chain_settings", "deployment_row", "trust_chain"]  # fixtures used by name

THIRTY_ONE_DAYS = 31 * 24 * 3600  # past the escrow's deadline (the factory's challenges end in 30 days)


@pytest.fixture
def scored(chain_settings: TrustChain, deployment_row: ChainDeployment) -> Challenge:
    """A challenge in the escrow with three scored, prize-eligible submissions, closed early on the platform."""
    challenge = publish_challenge()
    send_queued(chain_settings)
    trust_chain_advance()
    for private in (0.7, 0.9, 0.8):
        ScoredSubmissionFactory.create(challenge=challenge, private_score=private, open_source=True)
    return challenge_close_now(challenge=challenge)


def test_close_freezes_signs_and_attests_the_canonical_final_leaderboard(
    chain_settings: TrustChain, scored: Challenge
) -> None:
    trust_chain_advance()  # frozen at once; the escrow still reads Open until its own deadline
    results = ChallengeResults.objects.get(challenge=scored)
    assert results.attest_transaction is None and results.signers == []

    chain_settings.chain.advance(THIRTY_ONE_DAYS)
    trust_chain_advance()
    trust_chain_advance()  # again: the same one row
    (row,) = OutgoingTransaction.objects.filter(function="attestResults")
    results.refresh_from_db()
    assert (
        row.purpose == f"challenge-attest:{row.deployment_id}:{scored.pk}:0"
        and results.attest_transaction == row
    )
    evaluators = sorted(
        (e.address for e in chain_settings.evaluators[:EVALUATOR_THRESHOLD]), key=lambda a: int(a, 16)
    )
    assert results.signers == evaluators

    send_queued(chain_settings)
    escrow_id = ChallengeOnChain.objects.get(challenge=scored).escrow_challenge_id
    assert escrow_id is not None
    assert chain_settings.escrow.state(escrow_id) == ChallengeState.ATTESTED
    document = final_leaderboard_document(challenge=scored)
    assert document is not None
    assert results.results_hash == "0x" + keccak(document).hex()
    assert chain_settings.escrow.challenge(escrow_id).results_hash == from_hex(results.results_hash)


def test_the_final_leaderboard_bytes_are_canonical_and_stable(
    chain_settings: TrustChain, scored: Challenge
) -> None:
    first = final_leaderboard_json(challenge=scored)
    assert final_leaderboard_json(challenge=scored) == first
    parsed = json.loads(first)
    assert json.dumps(parsed, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode() == first
    assert [entry["private_score"] for entry in parsed["ranking"]] == [0.9, 0.8, 0.7]
    assert [entry["rank"] for entry in parsed["ranking"]] == [1, 2, 3]
    assert parsed["spec_hash"] == ChallengeOnChain.objects.get(challenge=scored).spec_hash
    assert all(entry["submission_hash"].startswith("0x") for entry in parsed["ranking"])


def test_nothing_is_frozen_while_open_or_while_a_submission_is_still_scored(
    chain_settings: TrustChain, deployment_row: ChainDeployment
) -> None:
    challenge = publish_challenge()
    with pytest.raises(ValueError, match="closed"):
        final_leaderboard_json(challenge=challenge)
    running = SubmissionFactory.create(challenge=challenge, status=SubmissionStatus.RUNNING)
    challenge_close_now(challenge=challenge)

    trust_chain_advance()
    assert not ChallengeResults.objects.exists()

    type(running).objects.filter(pk=running.pk).update(
        status=SubmissionStatus.SCORED, public_score=0.4, private_score=0.3
    )
    trust_chain_advance()
    assert ChallengeResults.objects.filter(challenge=challenge).exists()


def test_the_page_shows_results_hash_attesters_and_time_and_the_json_downloads(
    chain_settings: TrustChain, scored: Challenge, client: Client
) -> None:
    json_url = reverse("bounties:challenge-final-leaderboard", args=[scored.slug])
    page_url = reverse("bounties:challenge-detail", args=[scored.slug])
    ChallengeResults.objects.all().delete()
    assert client.get(json_url).status_code == 404

    chain_settings.chain.advance(THIRTY_ONE_DAYS)
    trust_chain_advance()
    send_queued(chain_settings)
    download = client.get(json_url)
    page = client.get(page_url).content.decode()

    results = challenge_attestation(challenge=scored)
    assert results is not None and results.attest_transaction is not None
    assert download.status_code == 200 and download["Content-Type"] == "application/json"
    assert download.content == final_leaderboard_document(challenge=scored)
    assert results.results_hash in page and json_url in page
    assert all(signer in page for signer in results.signers)
    mined = results.attest_transaction
    assert mined.tx_hash in page and f"block <strong>{mined.block_number}</strong>" in page
    assert mined.block_timestamp is not None and mined.block_timestamp.strftime("%Y-%m-%d %H:%M:%S") in page


def test_keys_the_escrow_does_not_count_sign_nothing(
    chain_settings: TrustChain, scored: Challenge, settings: LazySettings
) -> None:
    outsider, evaluator = chain_settings.accounts[14], chain_settings.evaluators[0]
    settings.EVALUATOR_PRIVATE_KEYS = ["0x" + bytes(k.key).hex() for k in (outsider, evaluator)]
    chain_settings.chain.advance(THIRTY_ONE_DAYS)

    trust_chain_advance()

    results = ChallengeResults.objects.get(challenge=scored)
    assert (results.attest_transaction, results.signers, results.signatures) == (None, [], [])
    assert not OutgoingTransaction.objects.filter(function="attestResults").exists()


def test_an_escrow_holding_another_spec_hash_gets_no_signature(
    chain_settings: TrustChain, scored: Challenge
) -> None:
    ChallengeOnChain.objects.filter(challenge=scored).update(spec_hash="0x" + "ab" * 32)
    chain_settings.chain.advance(THIRTY_ONE_DAYS)

    trust_chain_advance()

    results = ChallengeResults.objects.get(challenge=scored)
    assert (results.attest_transaction, results.signers) == (None, [])
    assert chain_settings.escrow.state(1) == ChallengeState.CLOSED


def test_prize_drafting_reads_the_attestation_once_it_is_mined_in_the_escrow(
    chain_settings: TrustChain, scored: Challenge
) -> None:
    trust_chain_advance()
    with pytest.raises(prize_inputs.PrizeInputsMissing):
        prize_inputs.challenge_attestation(scored)  # frozen, not attested yet

    chain_settings.chain.advance(THIRTY_ONE_DAYS)
    trust_chain_advance()
    send_queued(chain_settings)
    scored.refresh_from_db()
    attestation = prize_inputs.challenge_attestation(scored)
    leaderboard = prize_inputs.final_leaderboard_document(scored)

    on_chain = chain_settings.escrow.challenge(attestation.escrow_challenge_id)
    assert attestation.results_hash == leaderboard.results_hash == on_chain.results_hash
    assert attestation.spec_hash == on_chain.spec_hash
    ranked = sorted(json.loads(leaderboard.canonical_json)["ranking"], key=lambda row: row["rank"])
    assert leaderboard.ranking == tuple(row["contributor_id"] for row in ranked) and len(ranked) == 3
    assert leaderboard.url == reverse("bounties:challenge-final-leaderboard", kwargs={"slug": scored.slug})
