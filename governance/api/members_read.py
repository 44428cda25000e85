"""Read API for one member's governance profile, from the mirror."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.api.treasury_read import MovementSerializer
from governance.chain.governor import VoteSupport
from governance.selectors.deployment import current_deployment
from governance.selectors.members import member_profile


class MemberVoteSerializer(serializers.Serializer[Any]):
    proposal_id = serializers.CharField(source="proposal.proposal_id")
    support = serializers.SerializerMethodField()
    weight = serializers.CharField()
    reason = serializers.CharField()
    tx_hash = serializers.CharField()
    block_number = serializers.IntegerField()

    def get_support(self, vote: Any) -> str:
        return VoteSupport(vote.support).name.lower()


class MemberSerializer(serializers.Serializer[Any]):
    address = serializers.CharField()
    power = serializers.CharField(help_text="Voting power in base units (18 decimals).")
    delegate = serializers.CharField(allow_null=True, help_text="Null: never delegated.")
    votes = MemberVoteSerializer(many=True)
    rewards = MovementSerializer(many=True)
    claims = MovementSerializer(many=True)
    rewarded = serializers.CharField()
    claimed = serializers.CharField()


class MemberView(APIView):
    """An address's voting power, delegate, votes, awards and claims."""

    permission_classes = [AllowAny]

    @extend_schema(
        tags=["governance"],
        operation_id="governance_member",
        summary="Member profile",
        responses={
            200: MemberSerializer,
            404: OpenApiResponse(OpenApiTypes.OBJECT, description="Not an address, or nothing known."),
        },
    )
    def get(self, request: Request, address: str) -> Response:
        deployment = current_deployment()
        if deployment is None:
            raise NotFound("No contracts are deployed.")
        try:
            profile = member_profile(deployment=deployment, address=address)
        except ValueError:
            raise NotFound("Not an address.") from None
        if not (profile.power or profile.delegate or profile.votes or profile.rewards):
            raise NotFound("Nothing is known about this address.")
        return Response(MemberSerializer(profile).data)
