"""The evidence behind a submission's or a clue's priority and score, as the platform published it.

One read for the Verify page, `manage.py verify_submission` and the public verification API: the
content hash, the files it binds (where their bytes lie, and under which public URL), the commitment
(batch root, proof, committer, escrow) and, after close, the attested final results. Database only:
checking it against the files and the chain is `governance.services.verification`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.urls import reverse

from bounties.models import Artifact, Clue, Submission
from bounties.services.artifacts import artifact_path
from governance.models import (
    ChallengeOnChain,
    ChallengeResults,
    ClueCommitment,
    CommitmentBatch,
    OutgoingTransaction,
    SubmissionCommitment,
)

SUBMISSION, CLUE = "submission", "clue"
MINED = (OutgoingTransaction.Status.MINED, OutgoingTransaction.Status.CONFIRMED)


@dataclass(frozen=True)
class PublishedFile:
    """A file a content hash binds: its role, name, recorded sha256, stored bytes and public URL."""

    role: str  # "model", "source" or "attachment"
    filename: str
    recorded_sha256: str
    path: Path
    url: str


@dataclass(frozen=True)
class EscrowChallenge:
    """The challenge's place in the escrow: which chain, which contract, which id."""

    chain_id: int
    escrow: str
    escrow_challenge_id: int


@dataclass(frozen=True)
class CommitmentEvidence:
    """Where the content hash was committed: the batch root and proof, and the commit transaction."""

    root: str  # 0x-hex
    proof: tuple[str, ...]  # 0x-hex, leaf to root
    committer: str  # who sent the commit: the escrow keys commitments by sender ("" before it was sent)
    tx_hash: str
    block_number: int | None
    block_time: datetime | None
    mined: bool


@dataclass(frozen=True)
class ResultsEvidence:
    """The frozen final leaderboard and the evaluators' signatures over its hash."""

    document: bytes
    document_url: str
    results_hash: str  # 0x-hex, keccak256 of document
    escrow_round: int | None
    signers: tuple[str, ...]
    signatures: tuple[str, ...]
    tx_hash: str
    attested: bool  # the attestResults transaction was mined


@dataclass(frozen=True)
class VerificationEvidence:
    """Everything a check of one submission or clue starts from (see the module docstring)."""

    kind: str  # SUBMISSION or CLUE
    pk: int
    challenge_slug: str
    challenge_closed: bool
    author_id: int
    content_hash: str  # hex, as recorded
    title: str
    writeup: str
    code_url: str
    files: tuple[PublishedFile, ...]
    escrow: EscrowChallenge | None
    commitment: CommitmentEvidence | None
    results: ResultsEvidence | None


def submission_evidence(*, submission: Submission) -> VerificationEvidence:
    """The evidence of a submission the caller may see (the caller has checked that)."""
    files = [_file("model", submission.pk, submission.model_filename, submission.model_artifact)]
    if submission.source_artifact is not None:
        files.append(_file("source", submission.pk, submission.source_filename, submission.source_artifact))
    row = (
        SubmissionCommitment.objects.filter(submission=submission)
        .select_related(
            "batch__commit_transaction", "batch__challenge_on_chain__create_transaction__deployment"
        )
        .first()
    )
    return VerificationEvidence(
        kind=SUBMISSION,
        pk=submission.pk,
        challenge_slug=submission.challenge.slug,
        challenge_closed=submission.challenge.is_past_close,
        author_id=submission.contributor_id,
        content_hash=submission.content_hash,
        title=submission.title,
        writeup=submission.writeup,
        code_url="",
        files=tuple(files),
        escrow=_escrow_challenge(submission.challenge_id),
        commitment=_commitment(row.batch, row.proof) if row is not None else None,
        results=_results(submission.challenge_id),
    )


def clue_evidence(*, clue: Clue) -> VerificationEvidence:
    """The evidence of a published clue; clues are not scored, so it has no results."""
    files = [
        PublishedFile(
            role="attachment",
            filename=attachment.filename,
            recorded_sha256=attachment.artifact.sha256,
            path=artifact_path(attachment.artifact),
            url=reverse("bounties:clue-attachment", args=[clue.pk, attachment.pk]),
        )
        for attachment in clue.attachments.select_related("artifact").order_by("id")
    ]
    row = (
        ClueCommitment.objects.filter(clue=clue)
        .select_related(
            "batch__commit_transaction", "batch__challenge_on_chain__create_transaction__deployment"
        )
        .first()
    )
    return VerificationEvidence(
        kind=CLUE,
        pk=clue.pk,
        challenge_slug=clue.challenge.slug,
        challenge_closed=clue.challenge.is_past_close,
        author_id=clue.author_id,
        content_hash=clue.content_hash,
        title=clue.title,
        writeup=clue.writeup,
        code_url=clue.code_url,
        files=tuple(files),
        escrow=_escrow_challenge(clue.challenge_id),
        commitment=_commitment(row.batch, row.proof) if row is not None else None,
        results=None,
    )


def _file(role: str, submission_id: int, filename: str, artifact: Artifact) -> PublishedFile:
    return PublishedFile(
        role=role,
        filename=filename,
        recorded_sha256=artifact.sha256,
        path=artifact_path(artifact),
        url=reverse("bounties:submission-file", args=[submission_id, role]),
    )


def _commitment(batch: CommitmentBatch, proof: list[str]) -> CommitmentEvidence:
    tx = batch.commit_transaction
    return CommitmentEvidence(
        root=batch.root,
        proof=tuple(proof),
        committer=tx.sender if tx is not None else "",
        tx_hash=tx.tx_hash if tx is not None else "",
        block_number=tx.block_number if tx is not None else None,
        block_time=tx.block_timestamp if tx is not None else None,
        mined=tx is not None and tx.status in MINED,
    )


def _escrow_challenge(challenge_id: int) -> EscrowChallenge | None:
    record = (
        ChallengeOnChain.objects.filter(challenge_id=challenge_id, escrow_challenge_id__isnull=False)
        .select_related("create_transaction__deployment")
        .first()
    )
    if record is None or record.create_transaction is None or record.escrow_challenge_id is None:
        return None
    deployment = record.create_transaction.deployment
    return EscrowChallenge(deployment.chain_id, deployment.escrow, record.escrow_challenge_id)


def _results(challenge_id: int) -> ResultsEvidence | None:
    results = (
        ChallengeResults.objects.filter(challenge_id=challenge_id)
        .select_related("attest_transaction", "challenge")
        .first()
    )
    if results is None:
        return None
    tx = results.attest_transaction
    return ResultsEvidence(
        document=results.document.encode("ascii"),
        document_url=reverse("bounties:challenge-final-leaderboard", args=[results.challenge.slug]),
        results_hash=results.results_hash,
        escrow_round=results.escrow_round,
        signers=tuple(results.signers),
        signatures=tuple(results.signatures),
        tx_hash=tx.tx_hash if tx is not None else "",
        attested=tx is not None and tx.status in MINED,
    )
