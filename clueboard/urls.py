"""Top-level routes: the web pages, the REST API under /api/v1/, accounts and the admin."""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path, register_converter
from django.views import defaults

from clueboard.ids import RowIdConverter

register_converter(RowIdConverter, "id")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("api/v1/", include("clueboard.api_urls")),
    path("governance/", include("governance.urls")),
    path("", include("activity.urls")),
    path("", include("bounties.urls")),
]


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """JSON under /api/ (clients parse it; the schema says so), the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)
    return defaults.page_not_found(request, exception)


handler404 = page_not_found
