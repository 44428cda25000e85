"""Read API for delegates and the treasury (pools, payouts), from the mirror; paginated like bounties'."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny

from governance.selectors.chain_clock import chain_time
from governance.selectors.delegates import delegates_list
from governance.selectors.deployment import current_deployment
from governance.selectors.treasury import treasury_payouts, treasury_pools

# Amounts are uint256 base units: strings, as JSON numbers lose precision past 2**53.
PAYOUTS_LIMIT = 1000
PAGE_ERRORS = {404: OpenApiResponse(OpenApiTypes.OBJECT, description="There is no such page.")}


class DelegateSerializer(serializers.Serializer[Any]):
    address = serializers.CharField()
    power = serializers.CharField(help_text="Voting power in base units (18 decimals).")
    votes_cast = serializers.IntegerField()
    delegators = serializers.IntegerField(help_text="Accounts delegating to it, itself included.")


class PoolSerializer(serializers.Serializer[Any]):
    challenge_id = serializers.CharField(help_text="The escrow's challenge id (uint256, decimal).")
    spec_hash = serializers.CharField()
    state = serializers.ChoiceField(
        choices=["open", "closed", "attested", "awarded", "finalized", "cancelled"]
    )
    funded = serializers.CharField()
    awarded = serializers.CharField()
    claimed = serializers.CharField()
    refunded = serializers.CharField()
    swept = serializers.CharField()
    left = serializers.CharField()


class MovementSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=["funding", "award", "claim", "claim_failed", "refund", "sweep"])
    challenge_id = serializers.CharField(source="pool.challenge_id")
    account = serializers.CharField(help_text="Empty for a sweep to the treasury.")
    amount = serializers.CharField()
    tx_hash = serializers.CharField()
    block_number = serializers.IntegerField()
    block_time = serializers.DateTimeField()


class _MirrorList(ListAPIView):
    permission_classes = [AllowAny]
    filter_backends: list[Any] = []


@extend_schema_view(
    get=extend_schema(
        tags=["governance"],
        operation_id="governance_delegates_list",
        summary="Delegates",
        responses={200: DelegateSerializer(many=True), **PAGE_ERRORS},
    )
)
class DelegatesView(_MirrorList):
    """Every delegate with voting power or delegators, most power first (empty before any deployment)."""

    serializer_class = DelegateSerializer

    def get_queryset(self) -> Any:
        deployment = current_deployment()
        return [] if deployment is None else delegates_list(deployment=deployment)


@extend_schema_view(
    get=extend_schema(
        tags=["governance"],
        operation_id="governance_pools_list",
        summary="Escrow pools",
        responses={200: PoolSerializer(many=True), **PAGE_ERRORS},
    )
)
class PoolsView(_MirrorList):
    """Every escrow pool with its funded, awarded, claimed, refunded, swept and remaining amounts."""

    serializer_class = PoolSerializer

    def get_queryset(self) -> Any:
        deployment = current_deployment()
        return [] if deployment is None else treasury_pools(deployment=deployment, now=chain_time())


@extend_schema_view(
    get=extend_schema(
        tags=["governance"],
        operation_id="governance_payouts_list",
        summary="Payouts",
        responses={200: MovementSerializer(many=True), **PAGE_ERRORS},
    )
)
class PayoutsView(_MirrorList):
    """Money paid out of pools (claims, refunds, sweeps), newest first, with their transactions."""

    serializer_class = MovementSerializer

    def get_queryset(self) -> Any:
        deployment = current_deployment()
        return [] if deployment is None else treasury_payouts(deployment=deployment, limit=PAYOUTS_LIMIT)
