"""Routes of the governance API, included under /api/v1/governance/."""

from django.urls import URLPattern, URLResolver, include, path

from governance.api.views import DeploymentView

urlpatterns: list[URLPattern | URLResolver] = [
    path("deployment/", DeploymentView.as_view(), name="governance-deployment"),
    path("", include("governance.api.urls_proposals")),
    path("", include("governance.api.urls_treasury")),  # wip-treasury: the lead may move this line
]
