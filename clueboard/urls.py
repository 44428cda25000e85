"""Top-level routes: the web pages, the REST API under /api/v1/, accounts and the admin."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("api/v1/", include("clueboard.api_urls")),
    path("", include("bounties.urls")),
]
