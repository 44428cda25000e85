"""What every governance endpoint shares: the current deployment, a chain outage as a 503 with a fixed
message, the request body as an object, how an outbox row is shown, and the base views and answer helpers
that let each endpoint state only what it parses and which service it calls."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.chain.client import ChainIdMismatchError
from governance.models import ChainDeployment, OutgoingTransaction
from governance.selectors.deployment import current_deployment
from governance.services.connection import ChainNotConfiguredError
from governance.services.relaying import (
    CHAIN_DOWN,
    CHAIN_ERRORS,
    NO_DEPLOYMENT,
    ChainUnavailable,
)

T = TypeVar("T")

# What the request schemas promise about values a wallet produces; the services parse them again.
ADDRESS_PATTERN = r"^0x[0-9a-fA-F]{40}$"
UINT256_PATTERN = r"^[0-9]{1,78}$"
SIGNATURE_PATTERN = r"^0x[0-9a-fA-F]{130}$"

_ERRORS: dict[int, OpenApiResponse] = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="A value is malformed (an address, a number)."),
    401: OpenApiResponse(OpenApiTypes.OBJECT, description="Not signed in."),
    403: OpenApiResponse(OpenApiTypes.OBJECT, description="Not yours to do (another wallet, not organizer)."),
    404: OpenApiResponse(OpenApiTypes.OBJECT, description="No such proposal, draft or challenge."),
    409: OpenApiResponse(
        OpenApiTypes.OBJECT,
        description="Refused before any gas was spent (forged signature, no voting power, closed, nothing owed).",
    ),
    503: OpenApiResponse(
        OpenApiTypes.OBJECT, description="The chain cannot be reached, or nothing is deployed."
    ),
}


def governance_errors(*codes: int) -> dict[int, OpenApiResponse]:
    """The documented error answers of a governance endpoint, by status code."""
    return {code: _ERRORS[code] for code in codes}


# A node that is down, or one the platform cannot use (not configured, another chain): the same 503.
_NO_CHAIN: tuple[type[Exception], ...] = (*CHAIN_ERRORS, ChainNotConfiguredError, ChainIdMismatchError)


def current_deployment_or_503() -> ChainDeployment:
    """The contract set in use; ChainUnavailable (503) before there is one."""
    deployment = current_deployment()
    if deployment is None:
        raise ChainUnavailable(NO_DEPLOYMENT)
    return deployment


def on_chain(action: Callable[[], T]) -> T:
    """Run a service that reads the chain; a node that is down or slow becomes a 503 with a fixed message."""
    try:
        return action()
    except _NO_CHAIN as error:
        raise ChainUnavailable(CHAIN_DOWN) from error


def request_body(request: Request) -> dict[str, Any]:
    """The JSON object sent; anything else (a list, a string) is read as an empty object."""
    return dict(request.data) if isinstance(request.data, dict) else {}


class TransactionSerializer(serializers.ModelSerializer[OutgoingTransaction]):
    """An outbox row as a person follows it: queued, sent, mined, confirmed or failed, with its hash."""

    class Meta:
        model = OutgoingTransaction
        fields = ["purpose", "function", "status", "tx_hash", "block_number", "last_error"]


class GovernanceView(APIView):
    """A governance endpoint that a wallet page calls."""

    parser_classes = [JSONParser]  # wallets send JSON; a form post would make each value a list


class MemberGovernanceView(GovernanceView):
    """A governance endpoint for signed-in people only."""

    permission_classes = [IsAuthenticated]


def chain_response(
    action: Callable[[], T],
    *,
    show: Callable[[T], Any] = lambda result: result,
    status_code: int = status.HTTP_200_OK,
) -> Response:
    """Run a chain service (an outage is a 503, see `on_chain`); answer with what `show` makes of its result."""
    return Response(show(on_chain(action)), status=status_code)


def relayed_response(action: Callable[[], OutgoingTransaction]) -> Response:
    """Run a service that queues a transaction: 202 Accepted with the outbox row the person follows."""
    return chain_response(
        action, show=lambda row: TransactionSerializer(row).data, status_code=status.HTTP_202_ACCEPTED
    )
