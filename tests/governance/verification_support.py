"""An honest world to verify: a challenge in the escrow, a submission with real files and a clue with an
attachment, both committed in one batch on chain, the challenge closed and its results attested."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bounties.content_hashes import submission_content_hash
from bounties.models import Challenge, Clue, Submission
from bounties.services.artifacts import artifact_store
from bounties.services.challenges import challenge_close_now
from bounties.services.clues import clue_create
from governance.models import ChainDeployment, ChallengeResults
from governance.services.commitments import commitment_batches_create
from governance.services.trust import trust_chain_advance
from tests.factories import ScoredSubmissionFactory, UserFactory, safetensors_bytes
from tests.governance.trust_support import TrustChain, publish_challenge, send_queued

THIRTY_ONE_DAYS = 31 * 24 * 3600  # past the escrow's deadline (the factory's challenges end in 30 days)
WRITEUP = "Two hidden layers and **dropout**."


@dataclass(frozen=True)
class HonestWorld:
    chain: TrustChain
    challenge: Challenge
    submission: Submission
    other: Submission  # a second ranked submission in the same batch
    clue: Clue


def scored_submission_with_files(
    challenge: Challenge, *, seed: int, private_score: float, archive: bytes | None = None, **fields: Any
) -> Submission:
    """A scored submission whose model and source files are stored, with its true content hash.

    `archive` is the source archive's bytes (default: a few bytes that only hash, not browse)."""
    contributor = UserFactory.create()
    model = artifact_store(
        upload=SimpleUploadedFile("model.safetensors", safetensors_bytes() + bytes([seed])),
        max_bytes=10**7,
        label="model file",
    )
    source = artifact_store(
        upload=SimpleUploadedFile("source.zip", archive or b"PK source " + bytes([seed])),
        max_bytes=10**7,
        label="source",
    )
    content_hash = submission_content_hash(
        challenge_slug=challenge.slug,
        contributor_id=contributor.pk,
        model_sha256=model.sha256,
        source_sha256=source.sha256,
        writeup=WRITEUP,
    )
    return ScoredSubmissionFactory.create(
        challenge=challenge,
        contributor=contributor,
        model_artifact=model,
        source_artifact=source,
        source_filename="source.zip",
        writeup=WRITEUP,
        content_hash=content_hash,
        private_score=private_score,
        **fields,
    )


def build_honest_world(chain: TrustChain) -> HonestWorld:
    challenge = publish_challenge()
    send_queued(chain)
    trust_chain_advance()
    submission = scored_submission_with_files(challenge, seed=1, private_score=0.9)
    other = scored_submission_with_files(challenge, seed=2, private_score=0.8)
    clue = clue_create(
        challenge=challenge,
        author=UserFactory.create(),
        title="Normalise first",
        writeup="Scaling the pixels to [0, 1] helps every model.",
        code_url="https://example.org/code",
        attachments=[SimpleUploadedFile("notes.txt", b"mean 0.13, std 0.31\n")],
    )
    commitment_batches_create()
    send_queued(chain)
    challenge_close_now(challenge=challenge)
    chain.chain.advance(THIRTY_ONE_DAYS)
    trust_chain_advance()
    send_queued(chain)
    assert ChallengeResults.objects.get(challenge=challenge).attest_transaction is not None
    for row in (submission, other, clue, challenge):
        row.refresh_from_db()
    return HonestWorld(chain, challenge, submission, other, clue)


@pytest.fixture
def honest(chain_settings: TrustChain, deployment_row: ChainDeployment) -> HonestWorld:
    return build_honest_world(chain_settings)
