"""Governance API for relayed votes and delegations: typed data to sign, then the signed message relayed."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from bounties.errors import ApplicationError
from governance.api.chain_answers import (
    ADDRESS_PATTERN,
    SIGNATURE_PATTERN,
    UINT256_PATTERN,
    GovernanceView,
    MemberGovernanceView,
    TransactionSerializer,
    chain_response,
    current_deployment_or_503,
    governance_errors,
    request_body,
)
from governance.chain.governor import VoteSupport
from governance.services import ballots, delegation
from governance.services.relaying import (
    parse_address,
    parse_uint,
)


class BallotRequestSerializer(serializers.Serializer[Any]):
    voter = serializers.RegexField(ADDRESS_PATTERN)
    support = serializers.ChoiceField(choices=[0, 1, 2])
    nonce = serializers.RegexField(UINT256_PATTERN)
    signature = serializers.RegexField(SIGNATURE_PATTERN)
    reason = serializers.CharField(required=False, allow_blank=True)


class RelayedBallotSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    proposal_id = serializers.CharField()
    voter = serializers.CharField()
    support = serializers.IntegerField()
    reason = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    transaction = TransactionSerializer(source="outgoing", allow_null=True)


PROPOSAL_ID = OpenApiParameter(
    "proposal_id", str, OpenApiParameter.PATH, description="uint256, decimal", pattern=UINT256_PATTERN
)


class BallotTypedDataView(GovernanceView):
    """GET the EIP-712 ballot a voter's wallet signs (domain from the governor, the voter's next nonce)."""

    @extend_schema(
        tags=["governance"],
        parameters=[
            PROPOSAL_ID,
            OpenApiParameter("voter", str, required=True, pattern=ADDRESS_PATTERN),
            OpenApiParameter(
                "support", int, enum=[0, 1, 2], description="0 against, 1 for (default), 2 abstain"
            ),
            OpenApiParameter("reason", str, description="Given: an ExtendedBallot with this reason"),
        ],
        responses={200: OpenApiTypes.OBJECT, **governance_errors(400, 404, 409, 503)},
    )
    def get(self, request: Request, proposal_id: str) -> Response:
        support = request.query_params.get("support", "1")
        if support not in ("0", "1", "2"):
            raise ApplicationError("Support is 0 (against), 1 (for) or 2 (abstain).", field="support")
        return chain_response(
            lambda: ballots.ballot_typed_data(
                deployment=current_deployment_or_503(),
                proposal_id=parse_uint(proposal_id, field="proposal_id"),
                voter=parse_address(request.query_params.get("voter"), field="voter"),
                support=VoteSupport(int(support)),
                reason=request.query_params.get("reason"),
            )
        )


class BallotRelayView(MemberGovernanceView):
    """POST a signed ballot: checked, stored, relayed by the platform (the voter pays no gas)."""

    @extend_schema(
        tags=["governance"],
        parameters=[PROPOSAL_ID],
        request=BallotRequestSerializer,
        responses={201: RelayedBallotSerializer, **governance_errors(400, 401, 404, 409, 503)},
    )
    def post(self, request: Request, proposal_id: str) -> Response:
        signed = ballots.signed_ballot_parse(proposal_id=proposal_id, data=request_body(request))
        return chain_response(
            lambda: ballots.ballot_relay(
                deployment=current_deployment_or_503(), signed=signed, submitted_by=request.user
            ),
            show=lambda row: RelayedBallotSerializer(row).data,
            status_code=status.HTTP_201_CREATED,
        )


class DelegationTypedDataView(GovernanceView):
    """GET the EIP-712 `Delegation` a holder signs to delegate without paying gas."""

    @extend_schema(
        tags=["governance"],
        parameters=[
            OpenApiParameter("delegator", str, required=True, pattern=ADDRESS_PATTERN),
            OpenApiParameter("delegatee", str, pattern=ADDRESS_PATTERN),
        ],
        responses={200: OpenApiTypes.OBJECT, **governance_errors(400, 409, 503)},
    )
    def get(self, request: Request) -> Response:
        delegator = parse_address(request.query_params.get("delegator"), field="delegator")
        delegatee = parse_address(request.query_params.get("delegatee", delegator), field="delegatee")
        return chain_response(
            lambda: delegation.delegation_typed_data(
                deployment=current_deployment_or_503(), delegator=delegator, delegatee=delegatee
            )
        )


class DelegationRequestSerializer(serializers.Serializer[Any]):
    delegator = serializers.RegexField(ADDRESS_PATTERN)
    delegatee = serializers.RegexField(ADDRESS_PATTERN)
    nonce = serializers.RegexField(UINT256_PATTERN)
    expiry = serializers.IntegerField(min_value=0)
    signature = serializers.RegexField(SIGNATURE_PATTERN)


class DelegationRelayView(MemberGovernanceView):
    """POST a signed delegation: checked, stored, relayed by the platform."""

    @extend_schema(
        tags=["governance"],
        request=DelegationRequestSerializer,
        responses={201: OpenApiTypes.OBJECT, **governance_errors(400, 401, 409, 503)},
    )
    def post(self, request: Request) -> Response:
        signed = delegation.signed_delegation_parse(request_body(request))
        return chain_response(
            lambda: delegation.delegation_relay(
                deployment=current_deployment_or_503(), signed=signed, submitted_by=request.user
            ),
            show=lambda row: {
                "id": row.pk,
                "delegator": row.delegator,
                "delegatee": row.delegatee,
                "transaction": TransactionSerializer(row.outgoing).data,
            },
            status_code=status.HTTP_201_CREATED,
        )
