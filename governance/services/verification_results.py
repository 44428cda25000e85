"""The score part of a verification: the attested final results, read back from the escrow ON CHAIN.

Three checks, once the challenge has closed and its results are attested: the published final
leaderboard hashes to the results hash the escrow holds; the submission is ranked in it (or is not, and
then no score of it is attested); and the evaluators' signatures over that hash are each valid and by
an evaluator the escrow counts, at least as many as its threshold.
"""

from __future__ import annotations

import json

from eth_utils import keccak

from governance.chain.attestations import attestation_document, attestation_signed_by
from governance.chain.escrow import ChallengeState, PrizeEscrow
from governance.selectors.verification import ResultsEvidence, VerificationEvidence
from governance.services.trust_common import from_hex, to_hex
from governance.services.verification_report import Check, Outcome, chain_check

ATTESTED_STATES = (ChallengeState.ATTESTED, ChallengeState.AWARDED, ChallengeState.FINALIZED)
RESULTS_HASH = ("results_hash", "Final leaderboard hashes to the results hash attested on chain")
RANKED = ("ranked", "Submission and score in the attested final leaderboard")
SIGNATURES = ("signatures", "Evaluators' signatures, checked against the escrow's evaluators")


def results_checks(evidence: VerificationEvidence, escrow: PrizeEscrow | None) -> list[Check]:
    """The three result checks of a submission (not yet while open or not attested)."""
    results = evidence.results
    if not evidence.challenge_closed or results is None or not results.attested:
        why = (
            "The challenge has not closed: final scores are attested after close."
            if not evidence.challenge_closed
            else "The final results are not attested on chain yet."
        )
        return [Check(key, title, Outcome.NOT_YET, why) for key, title in (RESULTS_HASH, RANKED, SIGNATURES)]
    return [
        chain_check(*RESULTS_HASH, _results_hash_check, evidence, escrow),
        _ranked_check(evidence, results),
        chain_check(*SIGNATURES, _signatures_check, evidence, escrow),
    ]


def _results_hash_check(key: str, title: str, evidence: VerificationEvidence, escrow: PrizeEscrow) -> Check:
    assert evidence.results is not None and evidence.escrow is not None
    document_hash = to_hex(keccak(evidence.results.document))
    record = escrow.challenge(evidence.escrow.escrow_challenge_id)
    on_chain, state = to_hex(record.results_hash), escrow.state(evidence.escrow.escrow_challenge_id)
    if state not in ATTESTED_STATES:
        return Check(
            key, title, Outcome.FAILS, f"The escrow holds the challenge as {state.name}, not attested."
        )
    if document_hash != on_chain:
        why = f"The final leaderboard hashes to {document_hash}; the escrow holds {on_chain}."
        return Check(key, title, Outcome.FAILS, why)
    return Check(
        key, title, Outcome.HOLDS, f"The final leaderboard hashes to {on_chain}, as the escrow holds."
    )


def _ranked_check(evidence: VerificationEvidence, results: ResultsEvidence) -> Check:
    key, title = RANKED
    try:
        ranking = json.loads(results.document)["ranking"]
        entry = next((row for row in ranking if row.get("submission_id") == evidence.pk), None)
    except (ValueError, KeyError, TypeError, AttributeError):
        return Check(key, title, Outcome.FAILS, "The final leaderboard is not the published format.")
    if entry is None:
        why = (
            "Not ranked in the final leaderboard (each contributor's final selections are ranked), "
            "so no score of it is attested."
        )
        return Check(key, title, Outcome.NOT_APPLICABLE, why)
    if entry.get("submission_hash") != "0x" + evidence.content_hash:
        why = f"The leaderboard ranks it under the hash {entry.get('submission_hash')}, not its content hash."
        return Check(key, title, Outcome.FAILS, why)
    why = (
        f"Ranked {entry.get('rank')} with private score {entry.get('private_score')} under its content hash."
    )
    return Check(key, title, Outcome.HOLDS, why)


def _signatures_check(key: str, title: str, evidence: VerificationEvidence, escrow: PrizeEscrow) -> Check:
    results, on_chain = evidence.results, evidence.escrow
    assert results is not None and on_chain is not None
    record = escrow.challenge(on_chain.escrow_challenge_id)
    document = attestation_document(
        escrow.domain(),
        challenge_id=on_chain.escrow_challenge_id,
        round_=results.escrow_round or 0,
        results_hash=from_hex(results.results_hash),
        spec_hash=record.spec_hash,
    )
    evaluators, threshold = set(escrow.evaluators()), escrow.evaluator_threshold()
    problems, valid = [], set()
    for signer, signature in zip(results.signers, results.signatures, strict=False):
        if signer not in evaluators:
            problems.append(f"{signer} is not one of the escrow's evaluators")
        elif not attestation_signed_by(escrow.client, document, signer, _bytes(signature)):
            problems.append(f"the signature named for {signer} is not that evaluator's")
        else:
            valid.add(signer)
    if len(results.signers) != len(results.signatures):
        problems.append("signers and signatures do not pair up")
    if problems or len(valid) < threshold:
        problems.append(f"{len(valid)} valid of the {threshold} the escrow requires")
        sentence = "; ".join(problems)
        return Check(key, title, Outcome.FAILS, sentence[0].upper() + sentence[1:] + ".")
    why = (
        f"{len(valid)} evaluators of the escrow signed (it requires {threshold}): {', '.join(sorted(valid))}."
    )
    return Check(key, title, Outcome.HOLDS, why)


def _bytes(signature: str) -> bytes:
    try:
        return from_hex(signature)
    except ValueError:
        return b""
