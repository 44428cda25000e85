"""Read API of the proposal pages (from the mirror, so it answers with the chain down) and the wallet vote call."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from eth_abi import encode as abi_encode
from eth_utils import keccak
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bounties.errors import PermissionDenied
from governance.api.chain_answers import on_chain
from governance.models import PrizeProposalDraft, ProposalMirror
from governance.selectors.chain_clock import chain_time
from governance.selectors.deployment import current_deployment
from governance.selectors.proposals import ProposalSummary, proposal_detail, proposals_list
from governance.services import prize_inputs, proposals
from governance.services.relaying import parse_address

_CAST_WITH_REASON = keccak(text="castVoteWithReason(uint256,uint8,string)")[:4]
_MAX_REASON = 2000
PROPOSAL_ID = OpenApiParameter(
    "proposal_id", str, OpenApiParameter.PATH, pattern="^[0-9]{1,78}$", description="uint256, decimal"
)


class ProposalSummarySerializer(serializers.Serializer[ProposalSummary]):
    proposal_id = serializers.CharField()
    title = serializers.CharField()
    proposer = serializers.CharField()
    state = serializers.CharField(allow_null=True, help_text="The governor's state name, null before read")
    state_read_at = serializers.DateTimeField(allow_null=True)
    time_left = serializers.IntegerField(
        allow_null=True, help_text="Seconds to the vote opening/closing or eta"
    )
    for_votes = serializers.CharField(help_text="Base units, decimal")
    against_votes = serializers.CharField()
    abstain_votes = serializers.CharField()
    created_at = serializers.DateTimeField()


class VoteSerializer(serializers.Serializer[Any]):
    voter = serializers.CharField()
    support = serializers.IntegerField(help_text="0 against, 1 for, 2 abstain")
    weight = serializers.CharField(help_text="Base units, decimal")
    reason = serializers.CharField(allow_blank=True)
    tx_hash = serializers.CharField()
    block_number = serializers.IntegerField()
    block_time = serializers.DateTimeField()


class ActionSerializer(serializers.Serializer[Any]):
    target = serializers.CharField()
    value = serializers.CharField()
    signature = serializers.CharField(allow_blank=True)
    calldata = serializers.CharField()


class ProposalDetailSerializer(serializers.Serializer[Any]):
    summary = ProposalSummarySerializer()
    description = serializers.CharField(allow_blank=True)
    actions = ActionSerializer(many=True)
    vote_start = serializers.IntegerField()
    deadline = serializers.IntegerField()
    extended = serializers.BooleanField()
    eta = serializers.IntegerField(allow_null=True)
    quorum = serializers.CharField(allow_null=True, help_text="At the snapshot, base units; null before")
    created_tx = serializers.CharField()
    queued_tx = serializers.CharField(allow_blank=True)
    executed_tx = serializers.CharField(allow_blank=True)
    canceled_tx = serializers.CharField(allow_blank=True)
    votes = VoteSerializer(many=True)


@extend_schema(
    tags=["governance"],
    responses={
        200: ProposalSummarySerializer(many=True),
        404: OpenApiResponse(OpenApiTypes.OBJECT, description="There is no such page."),
    },
)
class ProposalListView(generics.ListAPIView[Any]):
    """Every proposal of the current DAO, newest first, with its state and tallies (from the mirror)."""

    serializer_class = ProposalSummarySerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        deployment = current_deployment()
        return [] if deployment is None else proposals_list(deployment=deployment, now=chain_time())


class ProposalDetailView(APIView):
    """One proposal: description, actions, tallies, quorum, steps and votes (largest weight first)."""

    @extend_schema(
        tags=["governance"],
        parameters=[PROPOSAL_ID],
        responses={
            200: ProposalDetailSerializer,
            404: OpenApiResponse(OpenApiTypes.OBJECT, description="No such proposal."),
        },
    )
    def get(self, request: Request, proposal_id: str) -> Response:
        deployment = current_deployment()
        detail = (
            None
            if deployment is None
            else proposal_detail(deployment=deployment, proposal_id=str(int(proposal_id)), now=chain_time())
        )
        if detail is None:
            raise NotFound("No such proposal.")
        return Response(ProposalDetailSerializer(detail).data)


class VoteCallRequestSerializer(serializers.Serializer[Any]):
    support = serializers.ChoiceField(choices=[0, 1, 2], help_text="0 against, 1 for, 2 abstain")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=_MAX_REASON, default="")


class VoteCallView(APIView):
    """POST {"support", "reason"}: the governor call a member's wallet sends to vote directly (it pays gas).

    Only for a proposal the mirror knows (404 otherwise); it reads no chain, so it answers with the chain down.
    """

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        tags=["governance"],
        parameters=[PROPOSAL_ID],
        request=VoteCallRequestSerializer,
        responses={
            200: OpenApiTypes.OBJECT,
            400: OpenApiTypes.OBJECT,
            404: OpenApiResponse(OpenApiTypes.OBJECT, description="No such proposal."),
        },
    )
    def post(self, request: Request, proposal_id: str) -> Response:
        body = VoteCallRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        support, reason = body.validated_data["support"], body.validated_data["reason"]
        number = int(proposal_id)  # the route admits 1 to 78 digits only
        deployment = current_deployment()
        known = ProposalMirror.objects.filter(deployment=deployment, proposal_id=str(number)).exists()
        if deployment is None or not known:
            raise NotFound("No such proposal.")
        arguments = abi_encode(["uint256", "uint8", "string"], [number, int(support), reason])
        return Response(
            {"to": deployment.governor, "data": "0x" + (_CAST_WITH_REASON + arguments).hex(), "value": "0x0"}
        )


_PROPOSE = keccak(text="propose(address[],uint256[],bytes[],string)")[:4]


class ProposerSerializer(serializers.Serializer[Any]):
    proposer = serializers.CharField(help_text="The member's wallet address, 0x and 40 hex digits")


class ProposeCallView(APIView):
    """POST {"proposer"}: the governor `propose` transaction of a prize draft, for that member's wallet."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        tags=["governance"],
        request=ProposerSerializer,
        responses={
            200: OpenApiTypes.OBJECT,
            400: OpenApiTypes.OBJECT,
            403: OpenApiTypes.OBJECT,
            404: OpenApiResponse(OpenApiTypes.OBJECT, description="No such draft."),
            503: OpenApiTypes.OBJECT,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        draft = get_object_or_404(PrizeProposalDraft, pk=pk)
        body = ProposerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        proposer = parse_address(body.validated_data["proposer"], field="proposer")
        if prize_inputs.wallet_address_of(request.user) != proposer:
            raise PermissionDenied("Prepare the proposal for the wallet linked to your account.")
        calls = on_chain(lambda: proposals.prize_proposal_calls(draft=draft, proposer=proposer))
        arguments = abi_encode(
            ["address[]", "uint256[]", "bytes[]", "string"],
            [
                calls.targets,
                calls.values,
                [bytes.fromhex(c.removeprefix("0x")) for c in calls.calldatas],
                calls.description,
            ],
        )
        data = "0x" + (_PROPOSE + arguments).hex()
        return Response(
            {
                "to": draft.deployment.governor,
                "data": data,
                "value": "0x0",
                "proposal_id": str(calls.proposal_id),
            }
        )
