"""Shared fixtures: every test writes files into its own temporary directories."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import LazySettings


@pytest.fixture(autouse=True)
def isolated_file_roots(settings: LazySettings, tmp_path: Path) -> None:
    settings.ARTIFACT_ROOT = tmp_path / "artifacts"
    settings.HIDDEN_DATA_ROOT = tmp_path / "hidden"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: LazySettings) -> None:
    """Test users' passwords are not secrets: a cheap hash instead of 1,000,000 rounds of PBKDF2 for each
    of the hundreds of users the suite makes (it took a quarter of a second a user)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> None:
    """Rate limits count in the cache; each test starts with none used."""
    from django.core.cache import cache

    cache.clear()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip PostgreSQL-only tests on SQLite, unless CI said the services must be there."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    require = os.environ.get("REQUIRE_SERVICES") == "1"
    for item in items:
        if "postgres" in item.keywords:
            if require:
                item.add_marker(
                    pytest.mark.xfail(
                        reason="REQUIRE_SERVICES=1 but the database is not PostgreSQL", strict=True, run=False
                    )
                )
            else:
                item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL"))
