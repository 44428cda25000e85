"""Verify a submission's or a clue's priority and score: recompute, then compare with the chain.

Every check starts from what the platform published (`governance.selectors.verification`) and trusts
none of it: the files are hashed again, the content hash recomputed, the inclusion proof walked to its
root, the root looked up in the escrow ON CHAIN under its committer, and the attestation's signatures
checked against the evaluators the escrow holds now. The report says, per check, whether it holds and
why, in fixed words. The Verify page and `manage.py verify_submission` both show this report;
`verifier/verify_clueboard.py` does the same from public data only, without this code.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from bounties.content_hashes import clue_content_hash, submission_content_hash
from bounties.models import Clue, Submission
from governance.chain.client import ChainClient
from governance.chain.errors import ContractRevertError
from governance.chain.escrow import PrizeEscrow
from governance.chain.merkle import verify as merkle_verify
from governance.selectors.verification import (
    SUBMISSION,
    VerificationEvidence,
    clue_evidence,
    submission_evidence,
)
from governance.services.connection import chain_client
from governance.services.trust_common import CHAIN_UNAVAILABLE, from_hex
from governance.services.verification_report import Check, Outcome, VerificationReport, chain_check
from governance.services.verification_results import results_checks


def submission_verify(*, submission: Submission, client: ChainClient | None = None) -> VerificationReport:
    """Check a submission's files, content hash, commitment and attested score (see the module docstring)."""
    return evidence_verify(evidence=submission_evidence(submission=submission), client=client)


def clue_verify(*, clue: Clue, client: ChainClient | None = None) -> VerificationReport:
    """Check a clue's files, content hash and commitment (clues are not scored)."""
    return evidence_verify(evidence=clue_evidence(clue=clue), client=client)


def evidence_verify(
    *, evidence: VerificationEvidence, client: ChainClient | None = None
) -> VerificationReport:
    """Run every check on `evidence`; a chain that cannot be reached makes the chain checks unchecked."""
    checks = [*_file_checks(evidence)]
    checks.append(_content_hash_check(evidence))
    checks.append(_proof_check(evidence))
    escrow = _escrow(evidence, client)
    checks.append(chain_check("root_on_chain", "Batch root recorded on chain", _root_check, evidence, escrow))
    if evidence.kind == SUBMISSION:
        checks.extend(results_checks(evidence, escrow))
    return VerificationReport(evidence.kind, evidence.pk, evidence.content_hash, tuple(checks))


# ---------------------------------------------------------------- files and hashes (no chain)


def _file_checks(evidence: VerificationEvidence) -> list[Check]:
    checks = []
    for index, published in enumerate(evidence.files):
        key, title = f"file:{published.role}:{index}", f"File {published.filename} ({published.role})"
        actual = _sha256_of(published.path)
        if actual is None:
            checks.append(Check(key, title, Outcome.FAILS, "The file is missing from storage."))
        elif actual != published.recorded_sha256:
            why = f"Its bytes hash to {actual}, not to the recorded sha256 {published.recorded_sha256}."
            checks.append(Check(key, title, Outcome.FAILS, why))
        else:
            checks.append(
                Check(key, title, Outcome.HOLDS, f"Its bytes hash to the recorded sha256 {actual}.")
            )
    return checks


def _sha256_of(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def recomputed_content_hash(evidence: VerificationEvidence) -> str:
    """The content hash of what is published now: the files' actual bytes and the text as shown."""
    actual = {f.role: _sha256_of(f.path) or "missing" for f in evidence.files if f.role != "attachment"}
    if evidence.kind == SUBMISSION:
        return submission_content_hash(
            challenge_slug=evidence.challenge_slug,
            contributor_id=evidence.author_id,
            model_sha256=actual["model"],
            source_sha256=actual.get("source"),
            writeup=evidence.writeup,
        )
    return clue_content_hash(
        challenge_slug=evidence.challenge_slug,
        author_id=evidence.author_id,
        title=evidence.title,
        writeup=evidence.writeup,
        code_url=evidence.code_url,
        attachment_sha256s=[_sha256_of(f.path) or "missing" for f in evidence.files],
    )


def _content_hash_check(evidence: VerificationEvidence) -> Check:
    key, title = "content_hash", "Content hash recomputed from the published files and text"
    if not evidence.content_hash:
        return Check(key, title, Outcome.NOT_YET, "This clue was published before clues had content hashes.")
    recomputed = recomputed_content_hash(evidence)
    if recomputed != evidence.content_hash:
        recorded = evidence.content_hash
        why = f"What is published hashes to {recomputed}, not to the recorded content hash {recorded}."
        return Check(key, title, Outcome.FAILS, why)
    return Check(key, title, Outcome.HOLDS, f"What is published hashes to the recorded {recomputed}.")


def _proof_check(evidence: VerificationEvidence) -> Check:
    key, title = "inclusion_proof", "Inclusion proof leads from the content hash to the batch root"
    commitment = evidence.commitment
    if commitment is None or not evidence.content_hash:
        return Check(
            key, title, Outcome.NOT_YET, "Not in a committed batch yet: batches go out every few minutes."
        )
    try:
        proof = [from_hex(node) for node in commitment.proof]
        holds = merkle_verify(from_hex(evidence.content_hash), proof, from_hex(commitment.root))
    except ValueError:
        holds = False  # a node that is not 32 bytes of hex is no proof
    if not holds:
        steps = len(commitment.proof)
        why = (
            f"Hashing the content hash with the {steps} proof nodes does not give the root {commitment.root}."
        )
        return Check(key, title, Outcome.FAILS, why)
    return Check(
        key,
        title,
        Outcome.HOLDS,
        f"The {len(commitment.proof)} proof nodes lead to the root {commitment.root}.",
    )


# ---------------------------------------------------------------- the chain


def _escrow(evidence: VerificationEvidence, client: ChainClient | None) -> PrizeEscrow | None:
    if evidence.escrow is None:
        return None
    try:
        return PrizeEscrow(client or chain_client(), evidence.escrow.escrow)
    except CHAIN_UNAVAILABLE:
        return None


def _root_check(key: str, title: str, evidence: VerificationEvidence, escrow: PrizeEscrow) -> Check:
    commitment = evidence.commitment
    assert evidence.escrow is not None  # chain_check runs this only for a challenge in the escrow
    if commitment is None or not commitment.mined:
        return Check(key, title, Outcome.NOT_YET, "The batch's commit transaction is not mined yet.")
    try:
        committed = escrow.committed_at(
            challenge_id=evidence.escrow.escrow_challenge_id,
            committer=commitment.committer,
            root=from_hex(commitment.root),
        )
    except (ValueError, ContractRevertError):
        committed = 0
    if committed == 0:
        why = (
            f"The escrow {escrow.address} holds no root {commitment.root} from {commitment.committer} "
            f"for challenge #{evidence.escrow.escrow_challenge_id}."
        )
        return Check(key, title, Outcome.FAILS, why)
    when = datetime.fromtimestamp(committed, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    why = (
        f"The escrow {escrow.address} recorded this root from {commitment.committer} at {when} (block time)."
    )
    return Check(key, title, Outcome.HOLDS, why)
