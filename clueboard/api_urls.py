"""The REST API under /api/v1/: the resources, the OpenAPI schema and its two documentation pages."""

from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from bounties.api.views import ChallengeViewSet, ClueViewSet, SubmissionViewSet

app_name = "api"

router = DefaultRouter()
router.register("challenges", ChallengeViewSet, basename="challenge")
router.register("submissions", SubmissionViewSet, basename="submission")
router.register("clues", ClueViewSet, basename="clue")

urlpatterns: list[URLPattern | URLResolver] = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("governance/", include("governance.api.urls")),
    *router.urls,
]
