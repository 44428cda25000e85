"""Clues are committed in the same Merkle batches as submissions; their proofs check on chain."""

from __future__ import annotations

import secrets

import pytest

from bounties.models import Challenge
from governance.chain.merkle import SubmissionBatch
from governance.models import ChainDeployment, ChallengeOnChain, ClueCommitment, SubmissionCommitment
from governance.services.commitments import commitment_batches_create
from governance.services.trust import trust_chain_advance
from governance.services.trust_common import from_hex
from tests.factories import ClueFactory, SubmissionFactory
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
    challenge = publish_challenge()
    send_queued(chain_settings)
    trust_chain_advance()
    assert ChallengeOnChain.objects.get(challenge=challenge).escrow_challenge_id == 1
    return challenge


def test_clues_share_the_batch_of_submissions_and_their_proofs_check_on_chain(
    chain_settings: TrustChain, created: Challenge
) -> None:
    submission = SubmissionFactory.create(challenge=created, content_hash=secrets.token_hex(32))
    clues = [ClueFactory.create(challenge=created, content_hash=secrets.token_hex(32)) for _ in range(2)]
    unhashed = ClueFactory.create(challenge=created, content_hash="")

    (batch,) = commitment_batches_create()
    send_queued(chain_settings)

    assert [m.submission_id for m in batch.members.all()] == [submission.pk]
    assert sorted(c.clue_id for c in batch.clue_members.all()) == sorted(c.pk for c in clues)
    assert not ClueCommitment.objects.filter(clue=unhashed).exists()
    for clue in clues:
        row = ClueCommitment.objects.get(clue=clue)
        assert row.clue_hash == "0x" + clue.content_hash
        proof = SubmissionBatch(
            from_hex(batch.root), {from_hex(clue.content_hash): tuple(map(from_hex, row.proof))}
        )
        on_chain = chain_settings.escrow.commitment_time(
            challenge_id=1,
            committer=chain_settings.relayer.address,
            submission_hash=from_hex(clue.content_hash),
            batch=proof,
        )
        assert on_chain > 0
    assert commitment_batches_create() == []  # nothing new: no second batch


def test_a_clue_published_later_gets_its_own_batch(chain_settings: TrustChain, created: Challenge) -> None:
    SubmissionFactory.create(challenge=created, content_hash=secrets.token_hex(32))
    commitment_batches_create()
    late = ClueFactory.create(challenge=created, content_hash=secrets.token_hex(32))

    (second,) = commitment_batches_create()

    assert [c.clue_id for c in second.clue_members.all()] == [late.pk]
    assert not SubmissionCommitment.objects.filter(batch=second).exists()
