"""The organizer's console: challenges, hidden test sets and a read-only view of submissions and clues.

Every change goes through a service; the admin only collects input and shows the service's errors.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import ForeignKey, QuerySet
from django.forms import BaseInlineFormSet, ModelChoiceField
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html

from bounties.admin_forms import ChallengeAdminForm, ChallengeResourceForm
from bounties.errors import ApplicationError
from bounties.models import Challenge, ChallengeResource, Clue, Submission
from bounties.selectors.visibility import overseen_challenges_q
from bounties.services.challenges import (
    challenge_close_now,
    challenge_create,
    challenge_mark_awarded,
    challenge_publish,
    challenge_update,
)
from bounties.services.datasets import hidden_dataset_save
from bounties.services.resources import (
    challenge_resource_add,
    challenge_resource_remove,
    challenge_resource_update,
)


class ChallengeResourceInline(admin.TabularInline):
    """Public files of the challenge; each change goes through the resource services (save_formset)."""

    model = ChallengeResource
    form = ChallengeResourceForm
    extra = 1
    fields = ["upload", "title", "kind", "description", "filename", "size", "sha256"]
    readonly_fields = ["filename", "size", "sha256"]
    verbose_name = "public resource"
    verbose_name_plural = "Public resources (training data, starter kit, any file: shown on the Data tab)"

    @admin.display(description="Size")
    def size(self, resource: ChallengeResource) -> str:
        return filesizeformat(resource.artifact.size_bytes) if resource.pk else ""

    @admin.display(description="sha256")
    def sha256(self, resource: ChallengeResource) -> str:
        return resource.artifact.sha256 if resource.pk else ""


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    form = ChallengeAdminForm
    inlines = [ChallengeResourceInline]
    fieldsets = [
        (
            "Basics",
            {"fields": ["title", "slug", "summary", "description", "organizer", "starts_at", "ends_at"]},
        ),
        (
            "Data",
            {
                "fields": [
                    "input_shape",
                    "input_dtype",
                    "output_shape",
                    "stored_hidden_set",
                    "hidden_dataset_file",
                    "public_fraction",
                ]
            },
        ),
        (
            "Evaluation",
            {
                "fields": [
                    "metric",
                    "accepted_formats",
                    "architectures",
                    "evaluation_queue",
                    "eval_time_limit_seconds",
                    "eval_memory_limit_mb",
                    "use_ladder",
                ]
            },
        ),
        ("Limits", {"fields": ["daily_submission_limit", "total_submission_limit", "final_selection_limit"]}),
        (
            "Prizes",
            {"fields": ["prize_pool", "prize_split", "clue_share_bps", "share_depth", "publish_policy"]},
        ),
    ]
    readonly_fields = ["stored_hidden_set"]
    list_display = ["title", "slug", "status", "metric", "starts_at", "ends_at", "dataset_rows"]
    list_filter = ["metric", "publish_policy"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    actions = ["publish", "close_now", "mark_awarded"]

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: Any = None,
    ) -> HttpResponse:
        # Read the request body (a hidden set of up to 2 GiB, arriving at the uploader's pace) before the
        # admin opens its transaction: on SQLite a write transaction holds the whole database's lock.
        if request.method == "POST":
            request.POST, request.FILES  # noqa: B018 - parsing is the point
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Challenge]:
        challenges = super().get_queryset(request).with_status().select_related("hidden_dataset")  # type: ignore[attr-defined]
        if not request.user.is_superuser:
            challenges = challenges.filter(organizer=request.user)  # organizers manage their own challenges
        return challenges

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        if db_field.name == "organizer":
            kwargs["initial"] = request.user.pk
            if not request.user.is_superuser:
                kwargs["queryset"] = get_user_model().objects.filter(pk=request.user.pk or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Hidden rows (public / private)")
    def dataset_rows(self, challenge: Challenge) -> str:
        dataset = getattr(challenge, "hidden_dataset", None)
        if dataset is None:
            return "none uploaded"
        return f"{dataset.n_rows} ({dataset.n_public} / {dataset.n_private})"

    @admin.display(description="Stored hidden test set")
    def stored_hidden_set(self, challenge: Challenge) -> str:
        dataset = getattr(challenge, "hidden_dataset", None) if challenge.pk else None
        if dataset is None:
            return "None yet: upload it below. A challenge is published only with one."
        return format_html(
            "{} — {} rows ({} public, {} private), inputs {} {}, {}<br>sha256 <code>{}</code>",
            dataset.original_name,
            dataset.n_rows,
            dataset.n_public,
            dataset.n_private,
            dataset.input_shape,
            dataset.input_dtype,
            filesizeformat(dataset.size_bytes),
            dataset.sha256,
        )

    def save_model(self, request: HttpRequest, obj: Challenge, form: Any, change: bool) -> None:
        """Create or update through the challenge services, then attach an uploaded hidden set."""
        organizer = form.cleaned_data["organizer"]
        if change:
            saved = challenge_update(challenge=obj, settings=form.challenge_settings, organizer=organizer)
        else:
            saved = challenge_create(organizer=organizer, settings=form.challenge_settings)
        obj.pk = saved.pk
        obj.refresh_from_db()
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

    def save_formset(
        self, request: HttpRequest, form: Any, formset: BaseInlineFormSet[Any, Any, Any], change: bool
    ) -> None:
        """Resources are added, changed and removed through their services, never saved directly."""
        # What formset.save() would record, for the admin's change message.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for resource_form in formset.forms:
            resource, data = resource_form.instance, resource_form.cleaned_data
            if resource_form in formset.deleted_forms:
                if resource.pk is not None:
                    challenge_resource_remove(resource=resource)
                    formset.deleted_objects.append(resource)
            elif resource.pk is None and data.get("upload") is not None:
                added = challenge_resource_add(
                    challenge=form.instance,
                    upload=data["upload"],
                    title=data.get("title") or "",
                    description=data.get("description") or "",
                    kind=data["kind"],
                )
                formset.new_objects.append(added)
            elif resource.pk is not None and resource_form.has_changed():
                challenge_resource_update(
                    resource=resource, title=data["title"], description=data["description"], kind=data["kind"]
                )
                formset.changed_objects.append((resource, resource_form.changed_data))

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


class OverseenChallengesOnly(admin.ModelAdmin):
    """Organizers see the rows of their own challenges only (superusers all): unpublished submissions and
    private scores of other organizers' challenges are not theirs to see."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).filter(overseen_challenges_q(request.user, prefix="challenge__"))


@admin.register(Submission)
class SubmissionAdmin(OverseenChallengesOnly):
    list_display = ["id", "challenge", "contributor", "status", "public_score", "private_score", "created_at"]
    list_filter = ["status", ("challenge", admin.RelatedOnlyFieldListFilter)]
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
class ClueAdmin(OverseenChallengesOnly):
    list_display = ["id", "title", "challenge", "author", "created_at"]
    list_select_related = ["challenge", "author"]
    search_fields = ["title", "author__username"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
