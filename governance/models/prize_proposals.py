"""Prize proposals drafted by the platform: what will be proposed, shown to members before anyone signs."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from bounties.fields import TokenAmountField
from governance.models.deployment import ChainDeployment
from governance.models.outbox import OutgoingTransaction


class PrizeProposalDraft(models.Model):
    """The award proposal for one closed, attested challenge, with its evidence, exactly as it will be sent.

    The calls are encoded when the draft is made (the escrow's `award` with the attested results hash),
    so what members review is byte for byte what the governor receives. The chain's own proposal record
    (state, votes) lives in the indexer's mirror; this row keeps the platform's side: who drafted it,
    the evidence, and how it was submitted.
    """

    class Kind(models.TextChoices):
        FINAL = "final", "Final prizes, from the escrowed pool by the attested results"
        PROGRESS = "progress", "Progress prize for one published work, from the DAO treasury"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft, not submitted"
        PROPOSER_QUEUED = "proposer_queued", "Submitted through the platform's proposer"
        WALLET = "wallet", "Prepared for a member's wallet"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FINAL)
    challenge = models.ForeignKey("bounties.Challenge", on_delete=models.PROTECT, related_name="+")
    # A progress prize's work, {"kind": "clue"|"submission", "id", "title", "author"}; empty for final prizes.
    awarded_work = models.JSONField(default=dict, blank=True)
    deployment = models.ForeignKey(ChainDeployment, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    escrow_challenge_id = models.PositiveBigIntegerField()
    spec_hash = models.CharField(max_length=66)  # 0x-hex bytes32
    results_hash = models.CharField(max_length=66)
    leaderboard_url = models.CharField(max_length=500)
    leaderboard_sha256 = models.CharField(max_length=64)
    attestation = models.JSONField()  # {"evaluators": [...], "attested_at": iso, "round": n}
    pool = TokenAmountField(help_text="What the escrow held for the challenge when the draft was made.")
    split = models.JSONField()  # the percentages used, rank 1 first
    # [{"rank", "user_id", "username", "address", "amount"}] (amount as a decimal string), in rank order
    recipients = models.JSONField()
    unpayable = models.JSONField(default=list)  # ranked contributors without a linked wallet
    claim_window = models.PositiveIntegerField()  # seconds
    target = models.CharField(max_length=42)
    call_data = models.TextField()  # 0x-hex award(...) calldata
    text = models.TextField()  # the description, without the proposer suffix
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    proposer = models.CharField(max_length=42, blank=True)
    description = models.TextField(blank=True)  # `text` plus the proposer's suffix, once there is one
    proposal_id = models.CharField(max_length=78, blank=True, db_index=True)  # uint256, decimal
    submission = models.ForeignKey(
        OutgoingTransaction, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "results_hash"],
                condition=models.Q(kind="final"),
                name="prize_draft_one_per_attested_results",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} prize proposal for challenge {self.challenge_id} ({self.status})"

    @property
    def is_progress(self) -> bool:
        return self.kind == self.Kind.PROGRESS
