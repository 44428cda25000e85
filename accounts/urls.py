"""Accounts: Django's log-in/log-out (and password) views, plus sign-up and settings."""

from django.urls import URLPattern, URLResolver, include, path

from accounts import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("signup/", views.signup_view, name="signup"),
    path("settings/", views.account_settings_view, name="account-settings"),
    path("settings/token/", views.api_token_regenerate_view, name="api-token-regenerate"),
    path("", include("django.contrib.auth.urls")),
]
