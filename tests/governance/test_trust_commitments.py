"""Submissions are committed in Merkle batches: each in exactly one batch, its proof checks on chain."""

from __future__ import annotations

import secrets

import pytest
from django.test import Client
from django.urls import reverse

from bounties.models import Challenge, Submission
from governance.chain.merkle import SubmissionBatch, leaf_hash, verify
from governance.models import ChainDeployment, ChallengeOnChain, CommitmentBatch, OutgoingTransaction
from governance.services.commitments import commitment_batches_create
from governance.services.trust import trust_chain_advance
from governance.services.trust_common import from_hex
from tests.factories import SubmissionFactory
from tests.governance.trust_support import (
    TrustChain,
    chain_settings,
    deployment_row,
    publish_challenge,
    send_queued,
    trust_chain,
)

pytestmark = pytest.mark.django_db
__all__ = ["chain_settings", "deployment_row", "trust_chain"]  # fixtures used by name


@pytest.fixture
def created(chain_settings: TrustChain, deployment_row: ChainDeployment) -> Challenge:
    """A published challenge whose createChallenge was mined and whose escrow id is known."""
    challenge = publish_challenge()
    send_queued(chain_settings)
    trust_chain_advance()
    assert ChallengeOnChain.objects.get(challenge=challenge).escrow_challenge_id == 1
    return challenge


def submissions(challenge: Challenge, count: int) -> list[Submission]:
    return [
        SubmissionFactory.create(challenge=challenge, content_hash=secrets.token_hex(32))
        for _ in range(count)
    ]


def on_chain_time(trust: TrustChain, submission: Submission, proof: list[str], root: str) -> int:
    batch = SubmissionBatch(from_hex(root), {from_hex(submission.content_hash): tuple(map(from_hex, proof))})
    return trust.escrow.commitment_time(
        challenge_id=1,
        committer=trust.relayer.address,
        submission_hash=from_hex(submission.content_hash),
        batch=batch,
    )


def test_a_batch_root_is_committed_on_chain_and_every_proof_verifies_against_it(
    chain_settings: TrustChain, created: Challenge
) -> None:
    made = submissions(created, 5)

    (batch,) = commitment_batches_create()

    members = {row.submission_id: row for row in batch.members.all()}
    assert set(members) == {s.pk for s in made}
    row = OutgoingTransaction.objects.get(purpose__endswith=f":{batch.pk}", function="commit")
    assert (row.function, row.status, batch.commit_transaction) == ("commit", "queued", row)
    send_queued(chain_settings)
    for submission in made:
        commitment = members[submission.pk]
        assert commitment.submission_hash == "0x" + submission.content_hash
        assert verify(
            from_hex(submission.content_hash), [from_hex(p) for p in commitment.proof], from_hex(batch.root)
        )
        assert on_chain_time(chain_settings, submission, commitment.proof, batch.root) > 0
    row.refresh_from_db()
    assert on_chain_time(chain_settings, made[0], members[made[0].pk].proof, batch.root) == int(
        row.block_timestamp.timestamp()  # type: ignore[union-attr]
    )

    wrong = members[made[1].pk].proof  # another submission's proof
    assert not verify(from_hex(made[0].content_hash), [from_hex(p) for p in wrong], from_hex(batch.root))
    assert on_chain_time(chain_settings, made[0], wrong, batch.root) == 0


def test_nothing_new_makes_no_batch_and_a_new_submission_makes_its_own(
    chain_settings: TrustChain, created: Challenge
) -> None:
    submissions(created, 2)
    commitment_batches_create()
    rows_before = OutgoingTransaction.objects.count()

    assert commitment_batches_create() == []
    assert (CommitmentBatch.objects.count(), OutgoingTransaction.objects.count()) == (1, rows_before)

    (late,) = submissions(created, 1)
    (second,) = commitment_batches_create()
    assert [m.submission_id for m in second.members.all()] == [late.pk]
    # One hash alone is a one-leaf tree: the root is its leaf, the proof empty.
    assert second.members.get().proof == []
    assert second.root == "0x" + leaf_hash(from_hex(late.content_hash)).hex()
    send_queued(chain_settings)
    assert on_chain_time(chain_settings, late, [], second.root) > 0


def test_identical_content_resubmitted_shares_the_earlier_commitment(
    chain_settings: TrustChain, created: Challenge
) -> None:
    (first,) = submissions(created, 1)
    (batch,) = commitment_batches_create()
    again = SubmissionFactory.create(challenge=created, content_hash=first.content_hash)

    assert commitment_batches_create() == []
    assert again.commitment.batch == batch and again.commitment.proof == first.commitment.proof


def test_no_batch_before_the_escrow_id_is_known_nor_after_the_escrow_deadline(
    chain_settings: TrustChain, deployment_row: ChainDeployment
) -> None:
    challenge = publish_challenge()
    submissions(challenge, 1)
    assert commitment_batches_create() == []  # createChallenge not mined yet

    send_queued(chain_settings)
    trust_chain_advance()
    after_deadline = ChallengeOnChain.objects.get(challenge=challenge).submission_deadline + 1
    assert commitment_batches_create(now=after_deadline) == []
    assert not CommitmentBatch.objects.exists()


def test_the_submission_page_shows_hash_root_proof_and_the_commit_transaction(
    chain_settings: TrustChain, created: Challenge, client: Client
) -> None:
    made = submissions(created, 3)
    url = reverse("bounties:submission-detail", args=[made[0].pk])
    client.force_login(made[0].contributor)
    assert "Not committed yet" in client.get(url).content.decode()

    (batch,) = commitment_batches_create()
    send_queued(chain_settings)
    page = client.get(url).content.decode()

    row = OutgoingTransaction.objects.get(purpose__endswith=f":{batch.pk}", function="commit")
    commitment = made[0].commitment
    assert batch.root in page and commitment.submission_hash in page
    assert commitment.proof and all(node in page for node in commitment.proof)  # 3 leaves: 1 or 2 steps
    assert row.tx_hash in page and f"block <strong>{row.block_number}</strong>" in page
    assert "escrow challenge #1" in page
