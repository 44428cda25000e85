"""Accounts: django-allauth's sign-up, log-in, email confirmation and password pages, plus settings."""

from django.urls import URLPattern, URLResolver, include, path

from accounts import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("settings/", views.account_settings_view, name="account-settings"),
    path("settings/token/", views.api_token_regenerate_view, name="api-token-regenerate"),
    path("", include("allauth.urls")),
]
