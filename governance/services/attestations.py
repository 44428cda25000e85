"""Closing the trust chain: freeze a closed challenge's final leaderboard, have the evaluators sign its
results hash (EIP-712 ResultsAttestation, domain read from the escrow) and queue attestResults.

Freezing needs no node. Signing reads the escrow (its domain, the challenge's round and spec hash), so it
waits while the chain is down, and until the escrow itself says Closed (its deadline passed).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from bounties.models import Challenge, Submission, SubmissionStatus
from governance.chain.attestations import SpecHashMismatchError, ordered_signatures, results_hash
from governance.chain.client import ChainClient
from governance.chain.escrow import ChallengeState
from governance.models import ChallengeOnChain, ChallengeResults
from governance.selectors.trust_results import final_leaderboard_json
from governance.services.challenges import escrow_of
from governance.services.connection import evaluator_accounts
from governance.services.outbox import outgoing_transaction_enqueue
from governance.services.trust_common import from_hex, logger, to_hex

# Scores still to come: freezing before they land would attest an incomplete ranking.
IN_FLIGHT = (SubmissionStatus.RECEIVED, SubmissionStatus.QUEUED, SubmissionStatus.RUNNING)


def attest_purpose(deployment_id: int, challenge_id: int, escrow_round: int) -> str:
    """The outbox purpose of a challenge's attestResults in one escrow round of one deployment."""
    return f"challenge-attest:{deployment_id}:{challenge_id}:{escrow_round}"


def challenge_results_freeze(*, challenge: Challenge) -> ChallengeResults | None:
    """Freeze the canonical final leaderboard of a closed challenge whose scores are all in; idempotent.

    None while the challenge is open or a submission is still being evaluated.
    """
    if not challenge.is_past_close:
        return None
    if Submission.objects.filter(challenge=challenge, status__in=IN_FLIGHT).exists():
        return None
    document = final_leaderboard_json(challenge=challenge)
    results, _ = ChallengeResults.objects.get_or_create(
        challenge=challenge,
        defaults={"document": document.decode("ascii"), "results_hash": to_hex(results_hash(document))},
    )
    return results


def challenges_results_freeze_due() -> int:
    """Freeze every challenge in the escrow that closed and has no frozen results yet."""
    due = Challenge.objects.filter(
        on_chain__isnull=False, final_results__isnull=True, ends_at__lte=timezone.now()
    )
    return sum(challenge_results_freeze(challenge=challenge) is not None for challenge in due)


def challenges_results_attest(*, client: ChainClient) -> int:
    """Sign and queue the attestation of every frozen result whose escrow challenge is Closed."""
    waiting = ChallengeResults.objects.filter(
        attest_transaction__isnull=True, challenge__on_chain__escrow_challenge_id__isnull=False
    ).values_list("pk", flat=True)
    attested = 0
    for pk in waiting:
        try:
            attested += challenge_results_attest(results_id=pk, client=client)
        except SpecHashMismatchError:
            # The escrow commits to other rules than the platform published: a person must look.
            logger.error("results %s not signed: the escrow holds another spec hash", pk)
    return attested


@transaction.atomic
def challenge_results_attest(*, results_id: int, client: ChainClient) -> bool:
    """Have every configured evaluator sign the results and queue attestResults; False if not yet.

    Not yet: the escrow is not Closed (its deadline is later than the platform's after an early close),
    or fewer of the configured keys are the escrow's evaluators than its threshold. Raises SpecHashMismatchError,
    signing nothing, if the escrow holds another spec hash than the platform recorded; raises what the
    client raises when the node is unreachable.
    """
    results = ChallengeResults.objects.select_for_update().get(pk=results_id)
    if results.attest_transaction_id is not None:
        return False
    record = ChallengeOnChain.objects.select_related("create_transaction__deployment").get(
        challenge_id=results.challenge_id
    )
    assert record.escrow_challenge_id is not None and record.create_transaction is not None
    escrow = escrow_of(record, client)
    escrow_id, hash_bytes = record.escrow_challenge_id, from_hex(results.results_hash)
    if escrow.state(escrow_id) != ChallengeState.CLOSED:
        return False
    # Only keys the escrow counts: a signature by any other key would make the relayed call revert.
    allowed = set(escrow.evaluators())
    evaluators = [key for key in evaluator_accounts() if key.address in allowed]
    if len(evaluators) < escrow.evaluator_threshold():
        logger.warning("%d of the configured keys are evaluators, too few to attest", len(evaluators))
        return False
    spec_hash = from_hex(record.spec_hash)
    attestations = [
        escrow.sign_attestation(
            evaluator=key, challenge_id=escrow_id, results_hash=hash_bytes, spec_hash=spec_hash
        )
        for key in evaluators
    ]
    document = escrow.attestation_typed_data(challenge_id=escrow_id, results_hash=hash_bytes)
    signers, signatures = ordered_signatures(client, document, attestations)
    escrow_round = int(document["message"]["round"])
    row = outgoing_transaction_enqueue(
        purpose=attest_purpose(record.create_transaction.deployment_id, results.challenge_id, escrow_round),
        deployment=record.create_transaction.deployment,
        contract="PrizeEscrow",
        function="attestResults",
        args=[escrow_id, hash_bytes, signers, signatures],
    )
    results.escrow_round, results.signers = escrow_round, list(signers)
    results.signatures = [to_hex(signature) for signature in signatures]
    results.attest_transaction, results.signed_at = row, timezone.now()
    results.save()
    return True
