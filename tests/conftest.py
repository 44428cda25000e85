"""Shared fixtures: every test writes files into its own temporary directories."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import LazySettings


@pytest.fixture(autouse=True)
def isolated_file_roots(settings: LazySettings, tmp_path: Path) -> None:
    settings.ARTIFACT_ROOT = tmp_path / "artifacts"
    settings.HIDDEN_DATA_ROOT = tmp_path / "hidden"
