"""The project's routes plus the proposal endpoints under /api/v1/governance/, until the lead joins them."""

from django.urls import include, path

from clueboard.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("api/v1/governance/", include(("governance.api.urls_proposals", "governance"))),
    *project_urlpatterns,
]
