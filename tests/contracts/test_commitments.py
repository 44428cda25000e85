"""Submission priority: commitments keyed by committer cannot be front-run, and one root commits a batch."""

from __future__ import annotations

import pytest
from eth_utils import keccak

from governance.chain import merkle
from tests.contracts.helpers import EscrowLab, reverts


def _submission(author: str, content: str) -> bytes:
    """A submission hash binds its author, so nobody else can present it as theirs."""
    return keccak(bytes.fromhex(author[2:]) + keccak(text=content))


def test_a_copied_commitment_blocks_nobody_and_proves_nothing_for_the_copier(plain_lab: EscrowLab) -> None:
    lab, author, copier = plain_lab, plain_lab.actors.funders[0], plain_lab.actors.funders[1]
    challenge_id = lab.open_challenge()
    submission = _submission(author.address, "repo@abc123 weights:sha256:9f...")
    # The copier saw commit(id, root) in the mempool and had the same call mined first.
    copied = lab.escrow.commit(sender=copier, challenge_id=challenge_id, submission_hashes=[submission])
    lab.chain.advance(30)
    batch = lab.escrow.commit(sender=author, challenge_id=challenge_id, submission_hashes=[submission])
    committed_at = lab.client.latest_timestamp()
    assert copied.root == batch.root == merkle.leaf_hash(submission)

    def proven(committer: str, submission_hash: bytes) -> int:
        return lab.escrow.commitment_time(
            challenge_id=challenge_id, committer=committer, submission_hash=submission_hash, batch=batch
        )

    assert proven(author.address, submission) == committed_at
    # The copy is the copier's own record of the author's submission: it proves the author's priority,
    # and nothing for a submission of the copier's.
    assert proven(copier.address, _submission(copier.address, "repo@abc123 weights:sha256:9f...")) == 0
    with reverts("AlreadyCommitted"):
        lab.escrow.commit(sender=author, challenge_id=challenge_id, submission_hashes=[submission])


def test_one_transaction_commits_a_whole_batch_with_a_proof_for_each(plain_lab: EscrowLab) -> None:
    lab, platform = plain_lab, plain_lab.actors.relayer
    challenge_id = lab.open_challenge()
    submissions = [_submission(lab.actors.funders[i % 3].address, f"run {i}") for i in range(13)]
    nonce_before = lab.client.pending_nonce(platform.address)
    batch = lab.escrow.commit(sender=platform, challenge_id=challenge_id, submission_hashes=submissions)
    committed_at = lab.client.latest_timestamp()
    assert lab.client.pending_nonce(platform.address) == nonce_before + 1
    for submission in submissions:
        assert merkle.verify(submission, batch.proof(submission), batch.root)
        assert (
            lab.escrow.commitment_time(
                challenge_id=challenge_id, committer=platform.address, submission_hash=submission, batch=batch
            )
            == committed_at
        )
    # Another submission's proof proves nothing for a hash outside the batch.
    outsider = _submission(lab.actors.outsider.address, "late")
    forged = merkle.SubmissionBatch(batch.root, {outsider: batch.proof(submissions[0])})
    assert (
        lab.escrow.commitment_time(
            challenge_id=challenge_id, committer=platform.address, submission_hash=outsider, batch=forged
        )
        == 0
    )
    lab.chain.advance_to(lab.escrow.challenge(challenge_id).submission_deadline + 1)
    with reverts("WrongState"):  # submissions closed
        lab.escrow.commit(sender=platform, challenge_id=challenge_id, submission_hashes=[outsider])


def test_a_batch_needs_distinct_submission_hashes() -> None:
    with pytest.raises(ValueError, match="each once"):
        merkle.build_batch([b"\x01" * 32, b"\x01" * 32])
    with pytest.raises(ValueError, match="at least one"):
        merkle.build_batch([])
    single = merkle.build_batch([b"\x02" * 32])
    assert single.root == merkle.leaf_hash(b"\x02" * 32) and single.proof(b"\x02" * 32) == ()
