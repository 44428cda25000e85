"""Accounts: django-allauth's sign-up, log-in, email confirmation and password pages, plus settings and
wallets (Sign-In with Ethereum)."""

from django.urls import URLPattern, URLResolver, include, path

from accounts import views, wallet_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("settings/", views.account_settings_view, name="account-settings"),
    path("settings/token/", views.api_token_regenerate_view, name="api-token-regenerate"),
    path("wallet/chain/", wallet_views.wallet_chain_view, name="wallet-chain"),
    path("wallet/nonce/", wallet_views.wallet_nonce_view, name="wallet-nonce"),
    path("wallet/link/", wallet_views.wallet_link_view, name="wallet-link"),
    path("wallet/sign-in/", wallet_views.wallet_sign_in_view, name="wallet-sign-in"),
    path("wallet/unlink/", wallet_views.wallet_unlink_view, name="wallet-unlink"),
    path("", include("allauth.urls")),
]
