"""EIP-712 score attestations: the evaluator key vouches for a score, and anyone can check it."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from django.conf import settings
from eth_account import Account
from eth_account.messages import encode_typed_data

from bounties.models import Submission
from evaluation.models import ScoreAttestation

SCORE_SCALE = 10**18  # scores are signed as fixed-point integers with 18 decimals
ATTESTATION_TYPES = {
    "ScoreAttestation": [
        {"name": "challenge", "type": "bytes32"},
        {"name": "submissionHash", "type": "bytes32"},
        {"name": "datasetHash", "type": "bytes32"},
        {"name": "metric", "type": "string"},
        {"name": "publicScore", "type": "int256"},
        {"name": "privateScore", "type": "int256"},
        {"name": "scoredAt", "type": "uint64"},
    ]
}


class AttestationError(Exception):
    """The attestation cannot be made or does not verify; the message says why."""


def _bytes32_hex(hex_digest: str) -> str:
    return "0x" + hex_digest


def challenge_id(slug: str) -> str:
    return _bytes32_hex(hashlib.sha256(slug.encode()).hexdigest())


def attestation_document(
    *,
    submission: Submission,
    dataset_sha256: str,
    public_score: float,
    private_score: float,
    scored_at: datetime,
) -> dict[str, Any]:
    """The full EIP-712 typed-data document for a score."""
    return {
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"},
                {"name": "version", "type": "string"},
                {"name": "chainId", "type": "uint256"},
            ],
            **ATTESTATION_TYPES,
        },
        "primaryType": "ScoreAttestation",
        "domain": {"name": "Clueboard Evaluator", "version": "1", "chainId": settings.ATTESTATION_CHAIN_ID},
        "message": {
            "challenge": challenge_id(submission.challenge.slug),
            "submissionHash": _bytes32_hex(submission.content_hash),
            "datasetHash": _bytes32_hex(dataset_sha256),
            "metric": submission.challenge.metric,
            "publicScore": round(public_score * SCORE_SCALE),
            "privateScore": round(private_score * SCORE_SCALE),
            "scoredAt": int(scored_at.timestamp()),
        },
    }


def attestation_sign(*, submission: Submission, document: dict[str, Any]) -> ScoreAttestation:
    """Sign with the evaluator key from the environment. Raises AttestationError when no key is set."""
    if not settings.EVALUATOR_PRIVATE_KEY:
        raise AttestationError("EVALUATOR_PRIVATE_KEY is not set: scores cannot be attested.")
    signer = Account.from_key(settings.EVALUATOR_PRIVATE_KEY)
    signed = signer.sign_message(encode_typed_data(full_message=document))
    attestation, _ = ScoreAttestation.objects.get_or_create(
        submission=submission,
        defaults={
            "signer": signer.address,
            "typed_data": document,
            "signature": "0x" + signed.signature.hex().removeprefix("0x"),
        },
    )
    return attestation


def attestation_recover_signer(attestation: ScoreAttestation) -> str:
    return str(
        Account.recover_message(
            encode_typed_data(full_message=attestation.typed_data), signature=attestation.signature
        )
    )


def attestation_verify(*, attestation: ScoreAttestation) -> list[str]:
    """Every way the attestation disagrees with the stored submission; an empty list means it verifies."""
    submission = attestation.submission
    message = attestation.typed_data.get("message", {})
    problems = []
    if attestation_recover_signer(attestation) != attestation.signer:
        problems.append("the signature was not made by the recorded signer")
    expected = {
        "challenge": challenge_id(submission.challenge.slug),
        "submissionHash": _bytes32_hex(submission.content_hash),
        "datasetHash": _bytes32_hex(submission.challenge.hidden_dataset.sha256),
        "metric": submission.challenge.metric,
    }
    for field, value in expected.items():
        if str(message.get(field)).lower() != str(value).lower():
            problems.append(f"{field} does not match the submission")
    # The public score shown may be the Ladder's; the attested one is the measured score, kept by the run.
    measured = {
        "publicScore": submission.evaluation.raw_public_score,
        "privateScore": submission.private_score,
    }
    for field, score in measured.items():
        if score is None or message.get(field) != round(score * SCORE_SCALE):
            problems.append(f"{field} does not match the stored score")
    return problems
