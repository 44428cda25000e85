"""API views: parse the request, call a selector or a service, serialise the answer. No rules here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import set_rollback

from bounties.api import serializers as api
from bounties.api.filters import ChallengeFilter, ClueFilter, SubmissionFilter
from bounties.errors import ApplicationError
from bounties.models import Challenge, ChallengeStatus, Clue, Submission, SubmissionStatus
from bounties.selectors.challenges import (
    challenge_get_visible,
    challenge_list,
    published_challenge_version,
)
from bounties.selectors.clues import clue_get, clue_list
from bounties.selectors.leaderboard import leaderboard_phase
from bounties.selectors.leaderboard_pages import LeaderboardRanking
from bounties.selectors.queue import queue_positions
from bounties.selectors.quota import submission_quota
from bounties.selectors.submissions import submission_get_for_viewer, submissions_visible_to
from bounties.services.clues import clue_create
from bounties.services.final_selection import submission_set_final_selection
from bounties.services.submissions import submission_create
from clueboard.api_pagination import LeaderboardPagination
from clueboard.ids import ROW_ID_PATTERN
from clueboard.reader_pages import reader_api_answer
from evaluation.scoring.metrics import metric_choices

ERROR_RESPONSES: dict[int, OpenApiResponse] = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="Invalid input or upload (wrong file type)."),
    401: OpenApiResponse(OpenApiTypes.OBJECT, description="Not signed in: send 'Authorization: Token …'."),
    404: OpenApiResponse(OpenApiTypes.OBJECT, description="No such challenge, or a cited work is missing."),
    409: OpenApiResponse(OpenApiTypes.OBJECT, description="The challenge does not take this now."),
    413: OpenApiResponse(OpenApiTypes.OBJECT, description="A file is over its size limit."),
    429: OpenApiResponse(OpenApiTypes.OBJECT, description="The daily or total submission limit is reached."),
}
LIST_ERRORS: dict[int, OpenApiResponse] = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="A filter has a value outside its choices."),
    404: OpenApiResponse(OpenApiTypes.OBJECT, description="There is no such page."),
}
DETAIL_ERRORS: dict[int, OpenApiResponse] = {
    404: OpenApiResponse(OpenApiTypes.OBJECT, description="No such resource, or not one you may see."),
}


def any_or_one_of(name: str, values: Sequence[str], description: str) -> OpenApiParameter:
    """A choice filter as it behaves: empty or absent means any, else one of the values."""
    return OpenApiParameter(name, str, OpenApiParameter.QUERY, enum=["", *values], description=description)


def row_id(name: str = "id") -> OpenApiParameter:
    return OpenApiParameter(name, int, OpenApiParameter.PATH, description="A row id (1 to 2^63-1).")


class ApiViewSet(viewsets.GenericViewSet[Any]):
    """Base of the API's view sets."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # Every query parameter of this API takes one value; a repeated one would be read as its last
        # value silently, which the schema does not promise.
        repeated = sorted(name for name, values in request.query_params.lists() if len(values) > 1)
        if repeated:
            raise ValidationError({name: ["Give this query parameter once."] for name in repeated})

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        # The project handler answers ApplicationError without DRF's own rollback; a request is one
        # transaction (ATOMIC_REQUESTS), so mark it failed here lest a view's earlier write commit.
        if isinstance(exc, ApplicationError):
            set_rollback()
        return response

    def is_schema_view(self) -> bool:
        return bool(getattr(self, "swagger_fake_view", False))


LEADERBOARD_PARAMS = (LeaderboardPagination.page_query_param, LeaderboardPagination.page_size_query_param)


@extend_schema(tags=["challenges"])
@extend_schema_view(
    list=extend_schema(
        responses={200: api.ChallengeListSerializer(many=True), **LIST_ERRORS},
        parameters=[
            any_or_one_of("status", ChallengeStatus.values, "Only challenges in this status."),
            any_or_one_of(
                "metric", [value for value, _ in metric_choices()], "Only challenges scored by this metric."
            ),
        ],
    )
)
class ChallengeViewSet(mixins.ListModelMixin, ApiViewSet):
    """Published challenges: their rules, dates, limits, prize pool and leaderboard."""

    queryset = Challenge.objects.none()
    lookup_field = "slug"
    filterset_class = ChallengeFilter
    search_fields = ("title", "summary")
    ordering_fields = ("ends_at", "starts_at", "title", "prize_pool", "n_submissions")

    def get_queryset(self) -> QuerySet[Challenge]:
        return challenge_list()

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        return api.ChallengeListSerializer

    @extend_schema(responses={200: api.ChallengeDetailSerializer, **DETAIL_ERRORS})
    def retrieve(self, request: Request, slug: str) -> Response:
        challenge = challenge_get_visible(slug=slug, viewer=request.user)
        return Response(api.ChallengeDetailSerializer(challenge, context={"request": request}).data)

    @extend_schema(
        parameters=[api.LeaderboardQuerySerializer],
        responses={
            200: api.LeaderboardSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="The limit is not between 1 and 1000."),
            **DETAIL_ERRORS,
        },
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=LeaderboardPagination)
    def leaderboard(self, request: Request, slug: str) -> HttpResponseBase:
        """Best scored submission per contributor, ranked; public scores only until the challenge closes.

        A page at a time: 100 entries unless `limit` says otherwise, `next` and `previous` link the pages.
        """
        # A published challenge's ranking is the same for every client, signed in or not: kept until a
        # score lands, or a few seconds.
        return reader_api_answer(
            request,
            lambda: published_challenge_version(slug=slug),
            lambda: self._leaderboard_page(request, slug),
            params=LEADERBOARD_PARAMS,
            same_for_everyone=True,
        )

    def _leaderboard_page(self, request: Request, slug: str) -> Any:
        # A plain dict: "" is not "absent". Refused before anything is kept.
        api.LeaderboardQuerySerializer(data=request.query_params.dict()).is_valid(raise_exception=True)
        challenge = challenge_get_visible(slug=slug, viewer=request.user)
        paginator = LeaderboardPagination()
        ranking = LeaderboardRanking(challenge)
        # A lazy sequence, not a QuerySet: the paginator only counts and slices it.
        entries: list[Any] | None = paginator.paginate_queryset(ranking, request, view=self)  # type: ignore[arg-type]
        page = {
            "challenge": challenge,
            "phase": leaderboard_phase(challenge),
            "higher_is_better": challenge.higher_is_better,
            "count": ranking.count(),
            "next": paginator.get_next_link(),
            "previous": paginator.get_previous_link(),
            "entries": entries or [],
        }
        return api.LeaderboardSerializer(page).data


@extend_schema(tags=["submissions"])
@extend_schema_view(
    list=extend_schema(
        responses={200: api.SubmissionSerializer(many=True), **LIST_ERRORS},
        parameters=[any_or_one_of("status", SubmissionStatus.values, "Only submissions in this status.")],
    )
)
class SubmissionViewSet(mixins.ListModelMixin, ApiViewSet):
    """Your own submissions and everyone's published ones. Submissions cannot be changed or deleted."""

    queryset = Submission.objects.none()
    serializer_class = api.SubmissionSerializer
    filterset_class = SubmissionFilter
    # Named explicitly: DRF's default would allow ordering by every serialised field.
    ordering_fields = ("created_at", "public_score")
    lookup_value_regex = ROW_ID_PATTERN
    parser_classes = (MultiPartParser,)  # uploads are files: multipart only

    def get_queryset(self) -> QuerySet[Submission]:
        viewer = None if self.is_schema_view() else self.request.user
        return submissions_visible_to(viewer=viewer)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        submissions = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(submissions)
        rows = list(submissions) if page is None else page
        context = {**self.get_serializer_context(), "queue_positions": queue_positions(rows)}
        data = api.SubmissionSerializer(rows, many=True, context=context).data
        return Response(data) if page is None else self.get_paginated_response(data)

    @extend_schema(parameters=[row_id()], responses={200: api.SubmissionSerializer, **DETAIL_ERRORS})
    def retrieve(self, request: Request, pk: str) -> Response:
        submission = submission_get_for_viewer(submission_id=int(pk), viewer=request.user)
        context = {"request": request, "queue_positions": queue_positions([submission])}
        return Response(api.SubmissionSerializer(submission, context=context).data)

    @extend_schema(
        request=api.SubmissionCreateSerializer,
        responses={
            201: api.SubmissionCreatedSerializer,
            **{code: ERROR_RESPONSES[code] for code in (400, 401, 404, 409, 413, 429)},
        },
        examples=[
            OpenApiExample(
                "Limit reached",
                value={
                    "detail": "You have used all 5 submissions allowed today; …",
                    "code": "submission_limit_reached",
                },
                response_only=True,
                status_codes=["429"],
            )
        ],
    )
    def create(self, request: Request) -> Response:
        """Upload a model (multipart). Counts against your daily and total limits."""
        form = api.SubmissionCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        fields = form.validated_data
        challenge = challenge_get_visible(slug=fields["challenge"], viewer=request.user)
        created = submission_create(
            challenge=challenge,
            contributor=request.user,
            model_file=fields["model_file"],
            source_archive=fields.get("source_archive"),
            source_license=fields["source_license"],
            title=fields["title"],
            writeup=fields["writeup"],
            builds_on_submission_ids=fields["builds_on_submissions"],
            builds_on_clue_ids=fields["builds_on_clues"],
        )
        # Re-read through the selector so the answer has the same shape and relations as a GET.
        submission = submission_get_for_viewer(submission_id=created.pk, viewer=request.user)
        context = {
            "request": request,
            "queue_positions": queue_positions([submission]),
            "quota": submission_quota(challenge=challenge, contributor=request.user),
        }
        data = api.SubmissionCreatedSerializer(submission, context=context).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[row_id()],
        request=api.FinalSelectionSerializer,
        responses={
            200: api.SubmissionSerializer,
            400: ERROR_RESPONSES[400],
            401: ERROR_RESPONSES[401],
            404: DETAIL_ERRORS[404],
            409: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="The challenge has closed, or the selection is full: unselect one first.",
            ),
        },
    )
    @action(detail=True, methods=["post"], url_path="final-selection", parser_classes=[JSONParser])
    def final_selection(self, request: Request, pk: str) -> Response:
        """Select your scored submission for the final (private) ranking, or unselect it."""
        form = api.FinalSelectionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        submission_set_final_selection(
            submission_id=int(pk), contributor=request.user, selected=form.validated_data["selected"]
        )
        submission = submission_get_for_viewer(submission_id=int(pk), viewer=request.user)
        context = {"request": request, "queue_positions": queue_positions([submission])}
        return Response(api.SubmissionSerializer(submission, context=context).data)


@extend_schema(tags=["clues"])
@extend_schema_view(list=extend_schema(responses={200: api.ClueListSerializer(many=True), **LIST_ERRORS}))
class ClueViewSet(mixins.ListModelMixin, ApiViewSet):
    """Published findings that are not models: write-ups, code links, files, and what they build on."""

    queryset = Clue.objects.none()
    serializer_class = api.ClueListSerializer
    filterset_class = ClueFilter
    search_fields = ("title",)
    ordering_fields = ("created_at", "n_cited_by")
    # The selector's GROUP BY drops the model's default ordering, and pages need a stable order.
    ordering = ("-created_at", "-id")
    lookup_value_regex = ROW_ID_PATTERN
    parser_classes = (MultiPartParser,)  # uploads are files: multipart only

    def get_queryset(self) -> QuerySet[Clue]:
        return clue_list(viewer=None if self.is_schema_view() else self.request.user)

    @extend_schema(parameters=[row_id()], responses={200: api.ClueDetailSerializer, **DETAIL_ERRORS})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(api.ClueDetailSerializer(clue_get(clue_id=int(pk), viewer=request.user)).data)

    @extend_schema(
        request=api.ClueCreateSerializer,
        responses={
            201: api.ClueDetailSerializer,
            **{code: ERROR_RESPONSES[code] for code in (400, 401, 404, 409, 413)},
        },
    )
    def create(self, request: Request) -> Response:
        """Share a clue (multipart, optional attachments); it is published at once."""
        form = api.ClueCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        fields = form.validated_data
        challenge = challenge_get_visible(slug=fields["challenge"], viewer=request.user)
        created = clue_create(
            challenge=challenge,
            author=request.user,
            title=fields["title"],
            writeup=fields["writeup"],
            code_url=fields["code_url"],
            attachments=fields["attachments"],
            builds_on_submission_ids=fields["builds_on_submissions"],
            builds_on_clue_ids=fields["builds_on_clues"],
        )
        clue = clue_get(clue_id=created.pk, viewer=request.user)
        return Response(api.ClueDetailSerializer(clue).data, status=status.HTTP_201_CREATED)
