"""The organizer's console: challenges, hidden test sets and a read-only view of submissions and clues.

Every change goes through a service; the admin only collects input and shows the service's errors.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from bounties.errors import ApplicationError
from bounties.models import Challenge, Clue, HiddenDataset, ModelFormat, Submission
from bounties.services.challenges import (
    challenge_close_now,
    challenge_mark_awarded,
    challenge_publish,
    challenge_validate_settings,
)
from bounties.services.datasets import (
    DEFAULT_PUBLIC_FRACTION,
    PreparedHiddenDataset,
    hidden_dataset_prepare,
    hidden_dataset_save,
)


class ChallengeAdminForm(forms.ModelForm):
    accepted_formats = forms.MultipleChoiceField(
        choices=ModelFormat.choices, widget=forms.CheckboxSelectMultiple, initial=list(ModelFormat.values)
    )
    hidden_dataset_file = forms.FileField(
        required=False,
        label="Hidden test set",
        help_text=".npz or .safetensors with arrays 'inputs' and 'labels'. Replaceable only while a draft.",
    )
    public_fraction = forms.FloatField(
        initial=DEFAULT_PUBLIC_FRACTION,
        min_value=0.01,
        max_value=0.99,
        help_text="Share of rows scored on the live (public) leaderboard; the rest decide the prizes.",
    )

    prepared_dataset: PreparedHiddenDataset | None = None

    class Meta:
        model = Challenge
        fields = [
            "slug",
            "title",
            "summary",
            "description",
            "organizer",
            "metric",
            "input_spec",
            "output_spec",
            "accepted_formats",
            "starts_at",
            "ends_at",
            "daily_submission_limit",
            "total_submission_limit",
            "publish_policy",
            "prize_pool",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._check_settings(cleaned)
        upload = cleaned.get("hidden_dataset_file")
        if upload is not None and not self.errors:
            self._prepare_dataset(upload, cleaned.get("input_spec") or {})
        return cleaned

    def _prepare_dataset(self, upload: Any, input_spec: dict[str, Any]) -> None:
        """Read and check the file here so that its problems show as form errors, not as a crash on save."""
        if self.instance.pk and self.instance.published_at is not None:
            self.add_error("hidden_dataset_file", "The hidden test set cannot be replaced after publishing.")
            return
        try:
            self.prepared_dataset = hidden_dataset_prepare(upload=upload, input_spec=input_spec)
        except ApplicationError as exc:
            self.add_error("hidden_dataset_file", exc.message)

    def _check_settings(self, cleaned: dict[str, Any]) -> None:
        try:
            challenge_validate_settings(
                input_spec=cleaned.get("input_spec") or {},
                output_spec=cleaned.get("output_spec") or {},
                accepted_formats=list(cleaned.get("accepted_formats") or []),
                starts_at=cleaned.get("starts_at"),
                ends_at=cleaned.get("ends_at"),
            )
        except ApplicationError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)


class HiddenDatasetInline(admin.StackedInline):
    model = HiddenDataset
    can_delete = False
    extra = 0
    max_num = 0  # uploads go through the form's file field so the service can check and split them
    fields = readonly_fields = (
        "original_name",
        "sha256",
        "size_bytes",
        "n_rows",
        "n_public",
        "n_private",
        "public_fraction",
        "input_shape",
        "input_dtype",
        "uploaded_at",
    )


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    form = ChallengeAdminForm
    inlines = [HiddenDatasetInline]
    list_display = ["title", "slug", "status", "metric", "starts_at", "ends_at", "dataset_rows"]
    list_filter = ["metric", "publish_policy"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    actions = ["publish", "close_now", "mark_awarded"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Challenge]:
        return super().get_queryset(request).with_status().select_related("hidden_dataset")  # type: ignore[attr-defined]

    @admin.display(description="Hidden rows (public / private)")
    def dataset_rows(self, challenge: Challenge) -> str:
        dataset = getattr(challenge, "hidden_dataset", None)
        if dataset is None:
            return "none uploaded"
        return f"{dataset.n_rows} ({dataset.n_public} / {dataset.n_private})"

    def save_model(self, request: HttpRequest, obj: Challenge, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if form.prepared_dataset is None:
            return
        dataset = hidden_dataset_save(
            challenge=obj,
            prepared=form.prepared_dataset,
            public_fraction=form.cleaned_data["public_fraction"],
            uploaded_by=request.user,  # type: ignore[arg-type]
        )
        messages.success(
            request,
            f"Hidden test set stored: {dataset.n_rows} rows, {dataset.n_public} public, {dataset.n_private} private.",
        )

    def _run_action(
        self, request: HttpRequest, challenges: QuerySet[Challenge], action: Any, done: str
    ) -> None:
        for challenge in challenges:
            try:
                action(challenge=challenge)
            except ApplicationError as exc:
                self.message_user(request, f"{challenge.slug}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{challenge.slug}: {done}.", messages.SUCCESS)

    @admin.action(description="Publish the selected drafts")
    def publish(self, request: HttpRequest, challenges: QuerySet[Challenge]) -> None:
        self._run_action(request, challenges, challenge_publish, "published")

    @admin.action(description="Close now (stop submissions, reveal the private leaderboard)")
    def close_now(self, request: HttpRequest, challenges: QuerySet[Challenge]) -> None:
        self._run_action(request, challenges, challenge_close_now, "closed")

    @admin.action(description="Mark awarded")
    def mark_awarded(self, request: HttpRequest, challenges: QuerySet[Challenge]) -> None:
        self._run_action(request, challenges, challenge_mark_awarded, "marked awarded")


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["id", "challenge", "contributor", "status", "public_score", "private_score", "created_at"]
    list_filter = ["status", "challenge"]
    search_fields = ["contributor__username", "title", "content_hash"]
    list_select_related = ["challenge", "contributor"]
    readonly_fields = [
        field.name for field in Submission._meta.get_fields() if field.concrete and not field.many_to_many
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Clue)
class ClueAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "challenge", "author", "created_at"]
    list_select_related = ["challenge", "author"]
    search_fields = ["title", "author__username"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
