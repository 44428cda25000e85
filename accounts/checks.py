"""Deployment checks of the accounts: sign-up needs an email that really leaves the machine."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register

DEVELOPMENT_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}


@register(Tags.security, deploy=True)
def check_email_backend(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """Every new account confirms its address by email: with a development backend, nobody could."""
    if settings.EMAIL_BACKEND not in DEVELOPMENT_EMAIL_BACKENDS:
        return []
    return [
        Warning(
            f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: confirmation emails never reach anyone, so no new "
            "account can confirm its address.",
            hint="Set EMAIL_BACKEND (and its EMAIL_* settings) to a real mail server, e.g. SMTP.",
            id="accounts.W001",
        )
    ]
