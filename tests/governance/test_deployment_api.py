"""GET /api/v1/governance/deployment/: where the contracts are, from the database."""

from __future__ import annotations

import pytest
from django.conf import LazySettings
from django.utils import timezone
from rest_framework.test import APIClient

from governance.models import ChainDeployment

pytestmark = pytest.mark.django_db
URL = "/api/v1/governance/deployment/"


def _record(chain_id: int = 31337, **fields: object) -> ChainDeployment:
    values: dict[str, object] = {
        "chain_id": chain_id,
        "token": "0x" + "10" * 20,
        "timelock": "0x" + "11" * 20,
        "governor": "0x" + "12" * 20,
        "escrow": "0x" + "13" * 20,
        "prize_token": "0x" + "10" * 20,
        "guardian": "0x" + "14" * 20,
        "evaluators": ["0x" + "15" * 20, "0x" + "16" * 20],
        "evaluator_threshold": 2,
        "first_block": 7,
        **fields,
    }
    return ChainDeployment.objects.create(**values)


def test_the_current_deployment_of_the_configured_chain() -> None:
    _record(escrow="0x" + "99" * 20, replaced_at=timezone.now())  # before the chain was reset
    current = _record()
    _record(chain_id=1, escrow="0x" + "98" * 20)  # another chain's

    response = APIClient().get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body.pop("deployed_at").startswith(current.deployed_at.strftime("%Y-%m-%dT%H:%M"))
    assert body == {
        "chain_id": 31337,
        "token": "0x" + "10" * 20,
        "timelock": "0x" + "11" * 20,
        "governor": "0x" + "12" * 20,
        "escrow": "0x" + "13" * 20,
        "prize_token": "0x" + "10" * 20,
        "guardian": "0x" + "14" * 20,
        "evaluators": ["0x" + "15" * 20, "0x" + "16" * 20],
        "evaluator_threshold": 2,
        "first_block": 7,
    }


def test_404_before_anything_is_deployed() -> None:
    _record(chain_id=1)

    response = APIClient().get(URL)

    assert response.status_code == 404
    assert response.json() == {
        "detail": "No contracts are deployed on the chain yet.",
        "code": "not_deployed",
    }


def test_503_when_no_chain_is_configured(settings: LazySettings) -> None:
    settings.CHAIN_RPC_URL = ""
    _record()

    response = APIClient().get(URL)

    assert response.status_code == 503
    assert response.json()["code"] == "chain_not_configured"


def test_it_is_in_the_openapi_schema() -> None:
    schema = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()

    operation = schema["paths"][URL]["get"]
    assert operation["operationId"] == "governance_deployment"
    assert set(operation["responses"]) >= {"200", "404", "503"}
