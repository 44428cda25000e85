"""A challenge in the escrow: its spec hash recorded at publish, createChallenge queued, its escrow id learnt.

`bounties` calls `challenge_on_chain_open` when a challenge is published; everything else runs from the
trust-chain beat task. Nothing here needs the node to be up except learning the escrow id, which waits.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from web3 import Web3

from bounties.models import Challenge, HiddenDataset
from governance.chain.client import ChainClient
from governance.chain.escrow import PrizeEscrow
from governance.models import ChallengeOnChain, OutgoingTransaction
from governance.selectors.deployment import current_deployment
from governance.selectors.trust_spec import challenge_spec, spec_fingerprint
from governance.services.outbox import outgoing_transaction_enqueue
from governance.services.trust_common import from_hex, logger, to_hex

MINED_STATUSES = (OutgoingTransaction.Status.MINED, OutgoingTransaction.Status.CONFIRMED)


def create_purpose(deployment_id: int, challenge_id: int) -> str:
    """The outbox purpose (idempotency key) of a challenge's createChallenge on one deployment: after a
    chain reset the challenge is created again in the new escrow, under a new key."""
    return f"challenge-create:{deployment_id}:{challenge_id}"


@transaction.atomic
def challenge_on_chain_open(*, challenge: Challenge) -> ChallengeOnChain:
    """Record what a just-published challenge commits to and queue its creation in the escrow.

    Idempotent (a second call returns the first record). Needs no node: without a deployment the record
    waits and the beat task queues it once there is one. Raises HiddenDataset.DoesNotExist if the
    challenge has no hidden test set (publishing refuses that before calling).
    """
    dataset = HiddenDataset.objects.get(challenge=challenge)
    spec = challenge_spec(challenge=challenge, dataset=dataset)
    deadline = int(challenge.ends_at.timestamp())
    record, _ = ChallengeOnChain.objects.get_or_create(
        challenge=challenge,
        defaults={
            "spec_document": spec.canonical.decode("ascii"),
            "spec_hash": spec.spec_hash_hex,
            "rules_fingerprint": spec_fingerprint(challenge=challenge, dataset=dataset),
            "submission_deadline": deadline,
            # Must leave a whole governance cycle after the deadline, or the escrow refuses it.
            "award_deadline": deadline + settings.ESCROW_AWARD_WINDOW_SECONDS,
        },
    )
    _enqueue_create(record)
    return record


def challenges_on_chain_enqueue_waiting() -> int:
    """Queue createChallenge for every recorded challenge still without one (no deployment before)."""
    challenges_on_chain_forget_replaced()
    queued = 0
    for record in ChallengeOnChain.objects.filter(create_transaction__isnull=True):
        queued += _enqueue_create(record)
    return queued


def challenges_on_chain_forget_replaced() -> int:
    """Forget the escrow creation of challenges whose deployment was replaced (a chain reset): the old
    escrow no longer exists, so they wait to be created again in the current one. Returns how many."""
    if current_deployment() is None:
        return 0  # nothing to re-create them in yet: keep what the records say until there is
    return ChallengeOnChain.objects.filter(create_transaction__deployment__replaced_at__isnull=False).update(
        create_transaction=None, escrow_challenge_id=None
    )


def _enqueue_create(record: ChallengeOnChain) -> int:
    if record.create_transaction_id is not None:
        return 0
    deployment = current_deployment()
    if deployment is None:
        return 0
    row = outgoing_transaction_enqueue(
        purpose=create_purpose(deployment.pk, record.challenge_id),
        deployment=deployment,
        contract="PrizeEscrow",
        function="createChallenge",
        args=[from_hex(record.spec_hash), record.submission_deadline, record.award_deadline],
    )
    return ChallengeOnChain.objects.filter(pk=record.pk, create_transaction__isnull=True).update(
        create_transaction=row
    )


def challenges_on_chain_record_ids(*, client: ChainClient) -> int:
    """Learn the escrow ids of mined createChallenge transactions from their ChallengeCreated events.

    Returns how many were recorded; a receipt without the expected event leaves the record waiting.
    Raises what the client raises when the node is unreachable (callers treat it as "try later").
    """
    waiting = ChallengeOnChain.objects.filter(
        escrow_challenge_id__isnull=True, create_transaction__status__in=MINED_STATUSES
    ).select_related("create_transaction__deployment")
    recorded = 0
    for record in waiting:
        escrow_id = _escrow_id_from_receipt(client, record)
        if escrow_id is not None:
            recorded += ChallengeOnChain.objects.filter(
                pk=record.pk, escrow_challenge_id__isnull=True
            ).update(escrow_challenge_id=escrow_id)
    return recorded


def _escrow_id_from_receipt(client: ChainClient, record: ChallengeOnChain) -> int | None:
    row = record.create_transaction
    assert row is not None and row.block_number is not None  # filtered: mined rows have both
    escrow = PrizeEscrow(client, row.deployment.escrow)
    receipts = [
        receipt
        for receipt in client.receipts_in_block(row.block_number)
        if to_hex(receipt["transactionHash"]) == row.tx_hash.lower()
    ]
    # Trust boundary: the node's receipt. Only an event of our escrow, for our spec hash, names the id.
    for receipt in receipts:
        for event in escrow.events(receipt, "ChallengeCreated"):
            if to_hex(event["specHash"]) == record.spec_hash and int(event["id"]) > 0:
                return int(event["id"])
    logger.warning("no ChallengeCreated event for %s in block %s", row.tx_hash, row.block_number)
    return None


def escrow_of(record: ChallengeOnChain, client: ChainClient) -> PrizeEscrow:
    """The escrow wrapper for the deployment that created `record` (queued on the current one)."""
    assert record.create_transaction is not None
    return PrizeEscrow(client, Web3.to_checksum_address(record.create_transaction.deployment.escrow))
