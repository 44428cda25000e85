"""Challenges, their hidden test sets, submissions, clues and the files behind them."""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from bounties.fields import TokenAmountField
from bounties.licenses import LICENSE_MAX_LENGTH
from evaluation.scoring.metrics import Metric, higher_is_better, metric_choices


class ModelFormat(models.TextChoices):
    SAFETENSORS = "safetensors", "safetensors weights (platform architecture)"
    ONNX = "onnx", "ONNX"


class PublishPolicy(models.TextChoices):
    IMMEDIATELY = "immediately", "Immediately"
    AT_CLOSE = "at_close", "At close"


class EvaluationQueue(models.TextChoices):
    CPU = "eval-cpu", "CPU workers"
    GPU = "eval-gpu", "GPU workers"


class ChallengeStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    UPCOMING = "upcoming", "Upcoming"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    AWARDED = "awarded", "Awarded"


@dataclass(frozen=True)
class StatusRule:
    """A challenge has `status` when its `field` passes `lookup`: against `operand`, or against now."""

    status: ChallengeStatus
    field: str
    lookup: str
    operand: object = None

    def as_q(self, now: datetime) -> Q:
        return Q(**{f"{self.field}__{self.lookup}": self._operand(now)})

    def holds(self, challenge: Challenge, now: datetime) -> bool:
        return bool(PYTHON_LOOKUPS[self.lookup](getattr(challenge, self.field), self._operand(now)))

    def _operand(self, now: datetime) -> object:
        return now if self.operand is None else self.operand


PYTHON_LOOKUPS: dict[str, Callable[[Any, Any], bool]] = {
    "isnull": lambda value, is_null: (value is None) is is_null,
    "lte": operator.le,
    "gt": operator.gt,
}
# The status rules, written once: the first rule that holds decides, and a challenge that no rule
# matches is open. Lists read them as SQL (`with_status`), single challenges in Python (`status`).
STATUS_RULES = (
    StatusRule(ChallengeStatus.DRAFT, "published_at", "isnull", True),
    StatusRule(ChallengeStatus.AWARDED, "awarded_at", "isnull", False),
    StatusRule(ChallengeStatus.CLOSED, "ends_at", "lte"),
    StatusRule(ChallengeStatus.UPCOMING, "starts_at", "gt"),
)
STATUS_WHEN_NO_RULE_HOLDS = ChallengeStatus.OPEN


class ChallengeQuerySet(models.QuerySet["Challenge"]):
    def with_status(self) -> ChallengeQuerySet:
        """Annotate `current_status` from STATUS_RULES, so lists can filter on it in SQL."""
        now = timezone.now()
        return self.annotate(
            current_status=Case(
                *(When(rule.as_q(now), then=Value(rule.status)) for rule in STATUS_RULES),
                default=Value(STATUS_WHEN_NO_RULE_HOLDS),
                output_field=models.CharField(),
            )
        )

    def visible(self) -> ChallengeQuerySet:
        return self.filter(published_at__isnull=False)


# The share of the prize pool each final rank gets, in whole percent, rank 1 first: what an organizer who
# sets nothing gets. The on-chain award pays exactly these shares of what the escrow holds.
DEFAULT_PRIZE_SPLIT = (50, 30, 20)


def default_prize_split() -> list[int]:
    """A fresh list for each challenge (a JSON default must not be one shared mutable list)."""
    return list(DEFAULT_PRIZE_SPLIT)


class Challenge(models.Model):
    """A machine-learning bounty: rules, dates, limits and prize pool. Status follows dates and actions."""

    slug = models.SlugField(
        unique=True,
        max_length=64,
        help_text="The challenge's address, /challenges/<slug>/; fixed once published.",
    )
    title = models.CharField(max_length=200, help_text="Shown on every page of the challenge.")
    summary = models.CharField(max_length=300, blank=True, help_text="One line shown in the challenge list.")
    description = models.TextField(
        help_text="Markdown, rendered sanitised: the task, the data, what to submit, how it is scored."
    )
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who runs the challenge and answers for its rules.",
    )

    metric = models.CharField(
        max_length=32,
        choices=metric_choices(),
        default=Metric.ACCURACY.value,
        help_text="How submissions are scored and ranked; fixed once published.",
    )
    input_spec = models.JSONField(
        help_text='Shape and dtype of one input row, e.g. {"shape": [64], "dtype": "float32"}.'
    )
    output_spec = models.JSONField(
        help_text='Shape of one output row, e.g. {"shape": [10]} for 10 class scores. Required.'
    )
    accepted_formats = models.JSONField(default=list, help_text="Model formats accepted at upload.")

    starts_at = models.DateTimeField(help_text="When submissions open (UTC).")
    ends_at = models.DateTimeField(
        help_text="When submissions close (UTC) and the private leaderboard is revealed."
    )
    daily_submission_limit = models.PositiveIntegerField(default=5, help_text="Per contributor, per UTC day.")
    total_submission_limit = models.PositiveIntegerField(default=100, help_text="Per contributor, overall.")
    final_selection_limit = models.PositiveIntegerField(
        default=2,
        help_text="How many final submissions each contributor may select for the private ranking; without "
        "a selection their best public ones count, so sheer volume cannot buy a lucky private score.",
    )
    publish_policy = models.CharField(
        max_length=16,
        choices=PublishPolicy.choices,
        default=PublishPolicy.IMMEDIATELY,
        help_text="When contributors' code and write-ups become public: at once, or when the challenge closes.",
    )
    prize_pool = TokenAmountField(help_text="Token base units (18 decimals): 1 token is 10**18.")
    prize_split = models.JSONField(
        default=default_prize_split,
        help_text="Whole percentages of the escrowed pool for final ranks 1, 2, ..., summing to 100, e.g. "
        "[50, 30, 20]. The prize proposal pays these shares to the ranked contributors' wallets.",
    )
    clue_share_bps = models.PositiveIntegerField(
        default=0,
        help_text="Basis points (1000 = 10%) of each prize shared among the work the winner built on: the "
        "clues and submissions it cites and, one level deeper, theirs, halving at each step. 0: none.",
    )
    share_depth = models.PositiveSmallIntegerField(
        default=2,
        help_text="How many levels of citations the clue share reaches (1: only what the winner cites).",
    )

    architectures = models.JSONField(
        default=dict,
        blank=True,
        help_text="Registry architectures accepted for safetensors weights, each with its fixed config, e.g. "
        '{"mlp": {"in_features": 64, "hidden": 128, "depth": 1, "n_outputs": 10}}.',
    )
    evaluation_queue = models.CharField(
        max_length=16,
        choices=EvaluationQueue.choices,
        default=EvaluationQueue.CPU,
        help_text="Which workers score the submissions: CPU workers, or workers with a GPU.",
    )
    eval_time_limit_seconds = models.PositiveIntegerField(
        default=60,
        help_text="Wall time allowed to load the model and predict every hidden row.",
    )
    eval_memory_limit_mb = models.PositiveIntegerField(
        default=4096, help_text="Memory allowed to the sandboxed run, its runtime (~1 GiB) included."
    )
    use_ladder = models.BooleanField(
        default=True,
        help_text="Show a new public score only when it beats the contributor's best by more than its standard "
        "error (the Ladder), so probing the public part cannot climb the board.",
    )

    published_at = models.DateTimeField(null=True, blank=True, help_text="Empty while a draft.")
    awarded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Counts the changes to the ranking (bounties.leaderboard_version), in the transaction of each change.
    scores_version = models.PositiveBigIntegerField(default=0, editable=False)

    objects = ChallengeQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="challenge_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def status(self) -> str:
        """The status now, from STATUS_RULES; lists use the SQL annotation from `with_status` instead."""
        annotated = getattr(self, "current_status", None)
        if annotated is not None:
            return str(annotated)
        now = timezone.now()
        return next(
            (rule.status for rule in STATUS_RULES if rule.holds(self, now)), STATUS_WHEN_NO_RULE_HOLDS
        )

    @property
    def is_open(self) -> bool:
        return self.status == ChallengeStatus.OPEN

    @property
    def is_past_close(self) -> bool:
        """True once the private leaderboard may be shown."""
        return self.status in (ChallengeStatus.CLOSED, ChallengeStatus.AWARDED)

    @property
    def higher_is_better(self) -> bool:
        return higher_is_better(self.metric)


class HiddenDataset(models.Model):
    """The organizer's hidden test set: stored outside every served directory, never given out by URL."""

    challenge = models.OneToOneField(Challenge, on_delete=models.CASCADE, related_name="hidden_dataset")
    stored_name = models.CharField(max_length=100, help_text="Path under HIDDEN_DATA_ROOT.")
    original_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=16)
    sha256 = models.CharField(max_length=64)
    size_bytes = models.PositiveBigIntegerField()
    n_rows = models.PositiveIntegerField()
    input_shape = models.JSONField(help_text="Shape of one input row as found in the file.")
    input_dtype = models.CharField(max_length=16)
    public_fraction = models.FloatField()
    split_seed = models.CharField(
        max_length=64, help_text="Seed of the hash that splits rows public/private."
    )
    n_public = models.PositiveIntegerField()
    n_private = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.original_name} ({self.n_rows} rows)"


class Artifact(models.Model):
    """A stored file, addressed by its content: the same bytes are stored once."""

    sha256 = models.CharField(max_length=64, unique=True)
    size_bytes = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    touched_at = models.DateTimeField(
        default=timezone.now,
        db_index=True,
        help_text="Last time an upload stored or reused these bytes; the clean-up spares recent ones.",
    )

    def __str__(self) -> str:
        return self.sha256

    @property
    def relative_path(self) -> str:
        return f"{self.sha256[:2]}/{self.sha256}"


class ResourceKind(models.TextChoices):
    TRAINING_DATA = "training_data", "Training data"
    STARTER_KIT = "starter_kit", "Starter kit"
    OTHER = "other", "Other file"


class ChallengeResource(models.Model):
    """A public file of a challenge, offered for download on its Data tab; never the hidden test set."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="resources")
    artifact = models.ForeignKey(Artifact, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=255, help_text="The name it downloads under; one per challenge.")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="Markdown: what the file holds and how to use it.")
    kind = models.CharField(max_length=16, choices=ResourceKind.choices, default=ResourceKind.TRAINING_DATA)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "filename"], name="one_resource_per_filename")
        ]

    def __str__(self) -> str:
        return self.title


class Participation(models.Model):
    """One row per contributor and challenge; its row lock serialises that contributor's submits."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="participations")
    contributor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "contributor"], name="one_participation_per_contributor"
            )
        ]

    def __str__(self) -> str:
        return f"contributor {self.contributor_id} in challenge {self.challenge_id}"


class SubmissionStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SCORED = "scored", "Scored"
    FAILED = "failed", "Failed"
    REJECTED = "rejected", "Rejected"


class FailureKind(models.TextChoices):
    NONE = "", "None"
    CONTRIBUTOR = "contributor", "The submission's fault"
    INFRASTRUCTURE = "infrastructure", "Platform fault (does not count against limits)"


FINAL_STATUSES = (SubmissionStatus.SCORED, SubmissionStatus.FAILED, SubmissionStatus.REJECTED)


class Submission(models.Model):
    """A contributor's model, its source and write-up, and what evaluation made of it."""

    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="submissions")
    contributor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="submissions"
    )
    model_format = models.CharField(max_length=16, choices=ModelFormat.choices)
    model_artifact = models.ForeignKey(Artifact, on_delete=models.PROTECT, related_name="+")
    model_filename = models.CharField(max_length=255)
    source_artifact = models.ForeignKey(
        Artifact, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    source_filename = models.CharField(max_length=255, blank=True)
    source_license = models.CharField(
        max_length=LICENSE_MAX_LENGTH,
        blank=True,
        help_text="SPDX id of the OSI-approved license of the source (bounties.licenses); empty for none.",
    )
    title = models.CharField(max_length=200, blank=True)
    writeup = models.TextField(blank=True, help_text="Markdown.")
    content_hash = models.CharField(
        max_length=64, help_text="sha256 binding challenge, contributor and the files' hashes."
    )

    status = models.CharField(
        max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.RECEIVED
    )
    failure_kind = models.CharField(max_length=16, choices=FailureKind.choices, default="", blank=True)
    failure_reason = models.TextField(blank=True)
    public_score = models.FloatField(null=True, blank=True)
    private_score = models.FloatField(null=True, blank=True)
    selected_for_final = models.BooleanField(
        default=False, help_text="Chosen by its contributor to count in the private (final) ranking."
    )

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    builds_on_submissions = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="cited_by_submissions"
    )
    builds_on_clues: models.ManyToManyField[Clue, Any] = models.ManyToManyField(
        "Clue", blank=True, related_name="cited_by_submissions"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["challenge", "contributor", "created_at"]),
            models.Index(fields=["challenge", "status"]),
            # Windows over a contributor's scores by public score (the final candidates after close, the
            # computed ranking that BestSubmission must equal) read only these columns: the database
            # answers them from the index, not the table.
            models.Index(
                fields=["challenge", "status", "contributor", "public_score", "created_at"],
                name="submission_public_rank_idx",
            ),
            # The score chart walks a challenge's scored rows in time order.
            models.Index(
                fields=["challenge", "status", "created_at", "public_score"], name="submission_history_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title or self.model_filename}"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def counts_against_limits(self) -> bool:
        return self.failure_kind != FailureKind.INFRASTRUCTURE


class BestSubmission(models.Model):
    """A contributor's best scored submission of a challenge by public score (ties to the earlier one),
    with how many scored submissions they made: the open leaderboard, one row per ranked contributor.

    Kept by `bounties.services.best_submissions` in the transaction that stores each score, so reading the
    open leaderboard is an index range instead of a window over every submission. The private ranking
    after close is still computed from the submissions (it depends on the final selection).
    """

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="+")
    contributor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    public_score = models.FloatField()
    submitted_at = models.DateTimeField(help_text="The best submission's created_at: the tie-break.")
    entries = models.PositiveIntegerField(help_text="The contributor's scored submissions in the challenge.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["challenge", "contributor"], name="one_best_submission_each")
        ]
        indexes = [
            # The ranking's order for the usual higher-is-better metrics; lower-is-better ones sort
            # a challenge's contributors (thousands, not its submissions).
            models.Index(
                fields=["challenge", "-public_score", "submitted_at", "submission"],
                name="best_submission_rank_idx",
            )
        ]

    def __str__(self) -> str:
        return f"best of contributor {self.contributor_id} in challenge {self.challenge_id}"


class Clue(models.Model):
    """A published finding that is not a model: a write-up, optional code and files, and its citations."""

    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="clues")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="clues")
    title = models.CharField(max_length=200)
    writeup = models.TextField(help_text="Markdown.")
    code_url = models.URLField(blank=True)
    content_hash = models.CharField(
        max_length=64,
        blank=True,
        help_text="sha256 binding challenge, author, title, write-up, code link and the files' hashes.",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    builds_on_submissions = models.ManyToManyField(Submission, blank=True, related_name="cited_by_clues")
    builds_on_clues = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="cited_by_clues"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ClueAttachment(models.Model):
    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="attachments")
    artifact = models.ForeignKey(Artifact, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=255)

    def __str__(self) -> str:
        return self.filename
