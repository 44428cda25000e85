"""The demo story's trust steps on chain: each challenge in the escrow and funded by the organizer, every
submission committed, the earlier rounds closed and their results attested by the evaluators."""

from __future__ import annotations

from collections.abc import Sequence

from bounties.models import Challenge, ChallengeStatus, Clue, Submission, SubmissionStatus
from bounties.services.challenges import challenge_close_now
from governance.chain.anvil import DevChain
from governance.chain.client import ChainClient
from governance.chain.escrow import PrizeEscrow
from governance.chain.token import Erc20
from governance.demo import cast
from governance.demo.waiting import DemoStuck, Log, rows_mined, until
from governance.models import ChainDeployment, ChallengeOnChain, ChallengeResults, OutgoingTransaction
from governance.services.attestations import IN_FLIGHT
from governance.services.challenges import challenges_on_chain_enqueue_waiting, challenges_on_chain_record_ids
from governance.services.commitments import commitment_batches_create
from governance.services.trust import trust_chain_advance

SCORING_TIMEOUT = 240.0  # seconds for the worker to score the whole demo (it trains nothing, it evaluates)


def escrow_ids_ensure(challenges: Sequence[Challenge], *, client: ChainClient) -> dict[int, int]:
    """Every challenge created in the escrow (createChallenge sent and its id learnt); {challenge pk: id}."""

    def advance() -> None:
        challenges_on_chain_enqueue_waiting()
        records = ChallengeOnChain.objects.filter(challenge__in=challenges).select_related(
            "create_transaction"
        )
        rows_mined([r.create_transaction for r in records], what="creating the challenges in the escrow")
        challenges_on_chain_record_ids(client=client)

    def known() -> bool:
        return not ChallengeOnChain.objects.filter(
            challenge__in=challenges, escrow_challenge_id__isnull=True
        ).exists()

    until(known, what="the escrow ids of the demo challenges", timeout=90, poll=advance)
    records = ChallengeOnChain.objects.filter(challenge__in=challenges)
    return {record.challenge_id: int(record.escrow_challenge_id or 0) for record in records}


def pools_fund(
    challenges: Sequence[Challenge],
    escrow_ids: dict[int, int],
    *,
    deployment: ChainDeployment,
    client: ChainClient,
    log: Log,
) -> None:
    """The organizer funds each pool from its own wallet (approve, then fund), as on the challenge page."""
    organizer = cast.ORGANIZER.account
    escrow = PrizeEscrow(client, deployment.escrow)
    token = Erc20(client, deployment.prize_token)
    for challenge in challenges:
        escrow_id = escrow_ids[challenge.pk]
        if escrow.funded(challenge_id=escrow_id, funder=organizer.address) > 0:
            continue
        amount = int(challenge.prize_pool)
        token.approve(sender=organizer, spender=deployment.escrow, amount=amount)
        escrow.fund(sender=organizer, challenge_id=escrow_id, amount=amount)
        log(f"{cast.ORGANIZER.username} funded '{challenge.slug}' with {amount // 10**18:,} tokens.")


def scores_wait(challenges: Sequence[Challenge], *, log: Log) -> None:
    """Wait for the worker (the Procfile's `worker`) to evaluate every demo submission."""
    submissions = Submission.objects.filter(challenge__in=challenges)
    total = submissions.count()
    reported: list[int] = []

    def done() -> bool:
        waiting = submissions.filter(status__in=IN_FLIGHT).count()
        if (reported or waiting) and (not reported or reported[-1] != waiting):  # silent when all are in
            reported.append(waiting)
            log(f"Waiting for the worker to score the demo's work: {total - waiting} of {total} evaluated.")
        return waiting == 0

    until(
        done,
        what="the worker to score the demo's submissions (is the `worker` process running?)",
        timeout=SCORING_TIMEOUT,
    )
    failed = submissions.filter(status=SubmissionStatus.FAILED)
    if failed.exists():
        # Closing the rounds now would attest an incomplete ranking for good: stop before, and say why.
        first = failed.order_by("pk").first()
        raise DemoStuck(
            f"{failed.count()} of the demo's {total} submissions failed evaluation (the first: "
            f"'{first.failure_reason if first else ''}'); the rounds stay open. Fix the worker (see its log), "
            "then delete var/ and start again"
        )


def commitments_ensure(challenges: Sequence[Challenge]) -> None:
    """Every submission and clue committed on chain (the batches the beat task would make)."""

    def batch_and_send() -> None:
        commitment_batches_create()
        pending = OutgoingTransaction.objects.filter(
            purpose__startswith="submissions-commit:",
            status__in=(OutgoingTransaction.Status.QUEUED, OutgoingTransaction.Status.SENT),
        )
        rows_mined(list(pending), what="committing the demo's submissions")

    def committed() -> bool:
        return not (
            Submission.objects.filter(challenge__in=challenges, commitment__isnull=True).exists()
            or Clue.objects.filter(challenge__in=challenges, commitment__isnull=True)
            .exclude(content_hash="")
            .exists()
        )

    until(committed, what="the commitments of the demo's submissions", timeout=90, poll=batch_and_send)


def rounds_close_and_attest(rounds: Sequence[Challenge], *, client: ChainClient, log: Log) -> None:
    """Close the rounds, move the chain's clock past their escrow deadline, and have them attested."""
    for challenge in rounds:
        challenge.refresh_from_db()
        if challenge.status in (ChallengeStatus.OPEN, ChallengeStatus.UPCOMING):
            challenge_close_now(challenge=challenge)
            challenge.refresh_from_db()
            log(f"Closed '{challenge.slug}'.")
    deadline = max(
        ChallengeOnChain.objects.filter(challenge__in=rounds).values_list("submission_deadline", flat=True)
    )
    now = client.latest_timestamp()
    if now <= deadline:
        # The rounds stay open on chain until their deadline, a few hours ahead: skip the chain's clock there.
        DevChain(client).advance(deadline + 1 - now)
        log(f"Moved the local chain's clock {deadline + 1 - now} s on, past the rounds' escrow deadline.")

    def advance() -> None:
        trust_chain_advance()
        results = ChallengeResults.objects.filter(challenge__in=rounds).select_related("attest_transaction")
        rows_mined([r.attest_transaction for r in results], what="attesting the rounds' results")

    def attested() -> bool:
        mined = ChallengeResults.objects.filter(
            challenge__in=rounds,
            attest_transaction__status__in=(
                OutgoingTransaction.Status.MINED,
                OutgoingTransaction.Status.CONFIRMED,
            ),
        )
        return mined.count() == len(rounds)

    until(attested, what="the evaluators' attestation of the rounds", timeout=90, poll=advance)


__all__ = ["DemoStuck"]
