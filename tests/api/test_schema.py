"""The OpenAPI schema generates without warnings and validates; its pages render."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from bounties.api.fields import PYTHON_WHITESPACE


@pytest.mark.django_db
def test_schema_generates_and_validates_without_warnings(tmp_path: Path) -> None:
    out = tmp_path / "schema.yml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))

    schema = out.read_text()
    assert "/api/v1/challenges/{slug}/leaderboard/" in schema
    assert "/api/v1/submissions/" in schema
    assert "ChallengeStatusEnum" in schema
    assert "SubmissionStatusEnum" in schema


@pytest.mark.django_db
def test_no_ordering_or_filter_parameter_mentions_private_score(tmp_path: Path) -> None:
    out = tmp_path / "schema.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(out))

    schema = json.loads(out.read_text())
    for path_item in schema["paths"].values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                assert "private" not in str(parameter)


@pytest.mark.django_db
def test_schema_endpoint_serves_openapi_3(anon_client: APIClient) -> None:
    response = anon_client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "marker"), [("/api/v1/docs/", "swagger-ui"), ("/api/v1/redoc/", "redoc")])
def test_documentation_pages_render_with_local_assets(anon_client: APIClient, path: str, marker: str) -> None:
    response = anon_client.get(path)

    assert response.status_code == 200
    body = response.content.decode()
    assert marker in body
    assert "drf_spectacular_sidecar" in body
    assert "cdn.jsdelivr.net" not in body


@pytest.mark.django_db
def test_api_root_lists_the_resources(anon_client: APIClient) -> None:
    response = anon_client.get("/api/v1/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert set(response.json()) == {"challenges", "submissions", "clues"}


def test_the_blank_characters_of_the_schema_are_pythons_whitespace() -> None:
    whitespace = {chr(code) for code in range(0x110000) if chr(code).isspace()}
    listed: set[str] = set()
    for part in re.findall(r"\\u([0-9a-f]{4})(?:-\\u([0-9a-f]{4}))?", PYTHON_WHITESPACE):
        first, last = int(part[0], 16), int(part[1] or part[0], 16)
        listed |= {chr(code) for code in range(first, last + 1)}

    assert listed == whitespace
