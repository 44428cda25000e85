"""Shapes of the API's requests and responses. They hold no rules: the services check every input."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bounties.api import schema  # noqa: F401  (registers the schema extensions)
from bounties.api.fields import StrictBooleanField, TitleField, WriteupField
from bounties.licenses import license_choices
from bounties.models import Challenge, ChallengeStatus, Clue, ClueAttachment, Submission, SubmissionStatus
from bounties.rendering import render_markdown
from bounties.selectors.leaderboard import PRIVATE, PUBLIC
from bounties.selectors.prize_eligibility import is_prize_eligible
from bounties.selectors.quota import SubmissionQuota, submission_quota
from bounties.selectors.visibility import private_scores_revealed
from bounties.services.clues import MAX_ATTACHMENTS
from bounties.services.submissions import UNKNOWN_LICENSE
from clueboard.ids import MAX_ROW_ID

AMOUNT_HELP = "Token base units as a decimal string: amounts can exceed 2**63, which JSON numbers lose."


# The same ids the web forms' picker sends; resolve_citations refuses later, unpublished or other
# challenges' work with a fixed reason.
CITATION_HELP = (
    "Ids of the published {noun} of the same challenge this work builds on; only earlier work can be cited "
    "(search them at /challenges/<slug>/citable.json)."
)


class TokenAmountField(serializers.CharField):
    """A uint256 amount as a string of digits, so no JSON reader rounds it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, help_text=AMOUNT_HELP, **kwargs)


@extend_schema_field(serializers.URLField(allow_null=True, read_only=True))
class OptionalUrlField(serializers.ReadOnlyField):
    """A stored URL that may be empty: null then, since "" is not a URL."""

    def to_representation(self, value: str) -> str | None:
        return value or None


class ChallengeStatusField(serializers.ChoiceField):
    """Its schema is a named component: see bounties.api.schema."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=ChallengeStatus.choices, read_only=True, **kwargs)


class SubmissionStatusField(serializers.ChoiceField):
    """Its schema is a named component: see bounties.api.schema."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=SubmissionStatus.choices, read_only=True, **kwargs)


class QuotaSerializer(serializers.Serializer[SubmissionQuota]):
    daily_limit = serializers.IntegerField()
    total_limit = serializers.IntegerField()
    remaining_today = serializers.IntegerField()
    remaining_total = serializers.IntegerField()
    remaining = serializers.IntegerField(help_text="What can be submitted now: the smaller of the two.")
    resets_at = serializers.DateTimeField(help_text="When the daily count starts again (UTC midnight).")


class HiddenTestSetSerializer(serializers.Serializer[Any]):
    """Only the sizes: the file, its path and the split seed never leave the server."""

    n_rows = serializers.IntegerField()
    n_public = serializers.IntegerField()
    n_private = serializers.IntegerField()


class LimitsSerializer(serializers.Serializer[Any]):
    daily_submission_limit = serializers.IntegerField()
    total_submission_limit = serializers.IntegerField()
    max_model_file_bytes = serializers.IntegerField()
    max_source_archive_bytes = serializers.IntegerField()


class ChallengeListSerializer(serializers.ModelSerializer[Challenge]):
    status = ChallengeStatusField()
    higher_is_better = serializers.BooleanField(read_only=True)
    prize_pool = TokenAmountField()
    n_submissions = serializers.IntegerField(read_only=True)
    n_contributors = serializers.IntegerField(read_only=True)

    class Meta:
        model = Challenge
        fields = (
            "slug",
            "title",
            "summary",
            "status",
            "metric",
            "higher_is_better",
            "starts_at",
            "ends_at",
            "prize_pool",
            "n_submissions",
            "n_contributors",
        )
        read_only_fields = fields


class ChallengeDetailSerializer(serializers.ModelSerializer[Challenge]):
    status = ChallengeStatusField()
    higher_is_better = serializers.BooleanField(read_only=True)
    prize_pool = TokenAmountField()
    description_html = serializers.SerializerMethodField(help_text="The rules, rendered and sanitised.")
    limits = serializers.SerializerMethodField()
    hidden_test_set = serializers.SerializerMethodField()
    remaining_submissions = serializers.SerializerMethodField(
        help_text="The caller's submissions left on this challenge; null when not signed in."
    )

    class Meta:
        model = Challenge
        fields = (
            "slug",
            "title",
            "summary",
            "description",
            "description_html",
            "status",
            "metric",
            "higher_is_better",
            "starts_at",
            "ends_at",
            "published_at",
            "awarded_at",
            "prize_pool",
            "input_spec",
            "output_spec",
            "accepted_formats",
            "publish_policy",
            "limits",
            "hidden_test_set",
            "remaining_submissions",
        )
        read_only_fields = fields

    def get_description_html(self, challenge: Challenge) -> str:
        return render_markdown(challenge.description)

    @extend_schema_field(LimitsSerializer)
    def get_limits(self, challenge: Challenge) -> dict[str, int]:
        return {
            "daily_submission_limit": challenge.daily_submission_limit,
            "total_submission_limit": challenge.total_submission_limit,
            "max_model_file_bytes": settings.MAX_MODEL_FILE_BYTES,
            "max_source_archive_bytes": settings.MAX_SOURCE_ARCHIVE_BYTES,
        }

    @extend_schema_field(HiddenTestSetSerializer(allow_null=True))
    def get_hidden_test_set(self, challenge: Challenge) -> dict[str, Any] | None:
        dataset = getattr(challenge, "hidden_dataset", None)
        return None if dataset is None else HiddenTestSetSerializer(dataset).data

    @extend_schema_field(QuotaSerializer(allow_null=True))
    def get_remaining_submissions(self, challenge: Challenge) -> dict[str, Any] | None:
        request = self.context.get("request")
        if request is None or not request.user.is_authenticated:
            return None
        return QuotaSerializer(submission_quota(challenge=challenge, contributor=request.user)).data


class LeaderboardEntrySerializer(serializers.Serializer[Any]):
    rank = serializers.IntegerField()
    contributor = serializers.CharField(source="contributor_username")
    score = serializers.FloatField(help_text="Public score while open; private score after close.")
    submission = serializers.IntegerField(
        source="submission_id", allow_null=True, help_text="Its id once published; null before."
    )
    submitted_at = serializers.DateTimeField()
    entries = serializers.IntegerField(help_text="How many scored submissions this contributor made.")
    submission_published = serializers.BooleanField(help_text="Whether its code and write-up are open.")


class LeaderboardSerializer(serializers.Serializer[Any]):
    challenge = serializers.CharField(source="challenge.slug")
    metric = serializers.CharField(source="challenge.metric")
    phase = serializers.ChoiceField(
        choices=[(PUBLIC, "Public (open)"), (PRIVATE, "Private (after close)")],
        help_text="Which part of the hidden test set the scores come from.",
    )
    higher_is_better = serializers.BooleanField()
    count = serializers.IntegerField(help_text="How many contributors are ranked, on every page.")
    next = serializers.URLField(allow_null=True, help_text="The next page of the ranking; null on the last.")
    previous = serializers.URLField(allow_null=True, help_text="The previous page; null on the first.")
    entries = LeaderboardEntrySerializer(
        many=True, help_text="This page's entries; ranks count from the top."
    )


class LeaderboardQuerySerializer(serializers.Serializer[Any]):
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=1000, help_text="Entries per page (default 100)."
    )
    page = serializers.IntegerField(required=False, min_value=1, help_text="A page number, from 1.")


class CitationIdsMixin(serializers.Serializer[Any]):
    """The four citation lists, as ids; the selectors have already kept only what the viewer may see."""

    builds_on_submissions: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    builds_on_clues: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    cited_by_submissions: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    cited_by_clues: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )


class SubmissionSerializer(CitationIdsMixin, serializers.ModelSerializer[Submission]):
    status = SubmissionStatusField()
    challenge: serializers.SlugRelatedField[Challenge] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    contributor: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    private_score = serializers.SerializerMethodField(
        help_text="Null until the challenge closes, for everyone, owner included."
    )
    queue_position = serializers.SerializerMethodField(
        help_text="1-based place in the evaluation queue while waiting; null otherwise."
    )
    model_sha256 = serializers.CharField(source="model_artifact.sha256", read_only=True)
    source_sha256 = serializers.CharField(source="source_artifact.sha256", read_only=True, allow_null=True)
    source_license = serializers.CharField(
        read_only=True, help_text="SPDX id of the source's OSI-approved license; empty for none."
    )
    prize_eligible = serializers.SerializerMethodField(
        help_text="Whether it may win a prize: it needs a source archive under an OSI-approved license."
    )

    class Meta:
        model = Submission
        fields: tuple[str, ...] = (
            "id",
            "challenge",
            "contributor",
            "status",
            "failure_reason",
            "public_score",
            "private_score",
            "selected_for_final",
            "created_at",
            "queued_at",
            "started_at",
            "finished_at",
            "queue_position",
            "content_hash",
            "model_sha256",
            "model_filename",
            "model_format",
            "source_sha256",
            "source_filename",
            "source_license",
            "prize_eligible",
            "title",
            "writeup",
            "builds_on_submissions",
            "builds_on_clues",
            "cited_by_submissions",
            "cited_by_clues",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_private_score(self, submission: Submission) -> float | None:
        if not private_scores_revealed(submission.challenge):
            return None
        return submission.private_score

    @extend_schema_field(serializers.BooleanField())
    def get_prize_eligible(self, submission: Submission) -> bool:
        return is_prize_eligible(submission)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_queue_position(self, submission: Submission) -> int | None:
        # The view computes the whole page's positions in one query and passes them in.
        positions: dict[int, int] = self.context.get("queue_positions", {})
        return positions.get(submission.pk)


class FinalSelectionSerializer(serializers.Serializer[Any]):
    selected = StrictBooleanField(help_text="true to count it in the final ranking, false to stop.")


class SubmissionCreatedSerializer(SubmissionSerializer):
    remaining_submissions = serializers.SerializerMethodField(
        help_text="The caller's quota on this challenge after this submission."
    )

    class Meta(SubmissionSerializer.Meta):
        fields = (*SubmissionSerializer.Meta.fields, "remaining_submissions")
        read_only_fields = fields

    @extend_schema_field(QuotaSerializer)
    def get_remaining_submissions(self, submission: Submission) -> dict[str, Any]:
        return QuotaSerializer(self.context["quota"]).data


class SubmissionCreateSerializer(serializers.Serializer[Any]):
    """The multipart form of a new submission; the service checks formats, sizes and limits."""

    challenge = serializers.SlugField(help_text="Slug of the challenge to submit to.")
    # Empty files pass through here so that the service's own message explains what is wrong.
    model_file = serializers.FileField(allow_empty_file=True)
    source_archive = serializers.FileField(
        required=False, allow_null=True, allow_empty_file=True, help_text=".zip or tar archive of the code."
    )
    source_license = serializers.ChoiceField(
        choices=license_choices(),
        required=False,
        allow_blank=True,
        default="",
        error_messages={"invalid_choice": UNKNOWN_LICENSE},
        help_text="SPDX id of the source's OSI-approved license; only licensed source is prize-eligible.",
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    writeup = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)
    builds_on_submissions = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ROW_ID),
        required=False,
        default=list,
        help_text=CITATION_HELP.format(noun="submissions"),
    )
    builds_on_clues = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ROW_ID),
        required=False,
        default=list,
        help_text=CITATION_HELP.format(noun="clues"),
    )


class ClueAttachmentSerializer(serializers.ModelSerializer[ClueAttachment]):
    sha256 = serializers.CharField(source="artifact.sha256", read_only=True)
    size_bytes = serializers.IntegerField(source="artifact.size_bytes", read_only=True)

    class Meta:
        model = ClueAttachment
        fields = ("id", "filename", "sha256", "size_bytes")
        read_only_fields = fields


class ClueListSerializer(serializers.ModelSerializer[Clue]):
    challenge: serializers.SlugRelatedField[Challenge] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    author: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    n_cited_by = serializers.IntegerField(read_only=True, help_text="Submissions and clues citing it.")
    code_url = OptionalUrlField()

    class Meta:
        model = Clue
        fields = ("id", "challenge", "author", "title", "code_url", "created_at", "n_cited_by")
        read_only_fields = fields


class ClueDetailSerializer(CitationIdsMixin, serializers.ModelSerializer[Clue]):
    challenge: serializers.SlugRelatedField[Challenge] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    author: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    attachments = ClueAttachmentSerializer(many=True, read_only=True)
    code_url = OptionalUrlField()

    class Meta:
        model = Clue
        fields = (
            "id",
            "challenge",
            "author",
            "title",
            "writeup",
            "code_url",
            "created_at",
            "attachments",
            "builds_on_submissions",
            "builds_on_clues",
            "cited_by_submissions",
            "cited_by_clues",
        )
        read_only_fields = fields


class ClueCreateSerializer(serializers.Serializer[Any]):
    """The multipart form of a new clue; the service checks the rules."""

    challenge = serializers.SlugField(help_text="Slug of the challenge the clue is about.")
    title = TitleField(help_text="What the clue found, in a line.")
    writeup = WriteupField(help_text="Markdown: what you found and how.")
    code_url = serializers.URLField(required=False, allow_blank=True, default="")
    attachments = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        required=False,
        default=list,
        max_length=MAX_ATTACHMENTS,
    )
    builds_on_submissions = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ROW_ID),
        required=False,
        default=list,
        help_text=CITATION_HELP.format(noun="submissions"),
    )
    builds_on_clues = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ROW_ID),
        required=False,
        default=list,
        help_text=CITATION_HELP.format(noun="clues"),
    )
