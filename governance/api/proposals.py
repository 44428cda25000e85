"""Governance API for proposals and relays: parse the request, call a service, answer. No rules here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import requests
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from web3.exceptions import Web3Exception

from bounties.errors import ApplicationError, PermissionDenied
from bounties.models import Challenge
from governance.chain.client import ChainIdMismatchError
from governance.chain.governor import VoteSupport
from governance.models import ChainDeployment, OutgoingTransaction, PrizeProposalDraft
from governance.selectors.deployment import current_deployment
from governance.services import ballots, delegation, payouts, prize_inputs, proposal_execution, proposals
from governance.services.connection import ChainNotConfiguredError
from governance.services.relaying import (
    CHAIN_DOWN,
    NO_DEPLOYMENT,
    ChainUnavailable,
    parse_address,
    parse_uint,
)

T = TypeVar("T")


def _deployment() -> ChainDeployment:
    deployment = current_deployment()
    if deployment is None:
        raise ChainUnavailable(NO_DEPLOYMENT)
    return deployment


def _on_chain(action: Callable[[], T]) -> T:
    """Run a service that reads the chain; a node that is down or slow becomes a 503 with a fixed message."""
    try:
        return action()
    except (
        requests.exceptions.RequestException,
        Web3Exception,
        ChainNotConfiguredError,
        ChainIdMismatchError,
    ) as error:
        raise ChainUnavailable(CHAIN_DOWN) from error


def _body(request: Request) -> dict[str, Any]:
    """The JSON object sent; anything else (a list, a string) is read as an empty object."""
    return dict(request.data) if isinstance(request.data, dict) else {}


class TransactionSerializer(serializers.ModelSerializer[OutgoingTransaction]):
    class Meta:
        model = OutgoingTransaction
        fields = ["purpose", "function", "status", "tx_hash", "block_number", "last_error"]


class BallotRequestSerializer(serializers.Serializer[Any]):
    voter = serializers.CharField()
    support = serializers.IntegerField()
    nonce = serializers.CharField()
    signature = serializers.CharField()
    reason = serializers.CharField(required=False, allow_blank=True)


class RelayedBallotSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    proposal_id = serializers.CharField()
    voter = serializers.CharField()
    support = serializers.IntegerField()
    reason = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    transaction = TransactionSerializer(source="outgoing", allow_null=True)


PROPOSAL_ID = OpenApiParameter("proposal_id", str, OpenApiParameter.PATH, description="uint256, decimal")


class BallotTypedDataView(APIView):
    """GET the EIP-712 ballot a voter's wallet signs (domain from the governor, the voter's next nonce)."""

    @extend_schema(
        tags=["governance"],
        parameters=[
            PROPOSAL_ID,
            OpenApiParameter("voter", str, required=True),
            OpenApiParameter("support", int, description="0 against, 1 for (default), 2 abstain"),
            OpenApiParameter("reason", str, description="Given: an ExtendedBallot with this reason"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, proposal_id: str) -> Response:
        support = request.query_params.get("support", "1")
        if support not in ("0", "1", "2"):
            raise ApplicationError("Support is 0 (against), 1 (for) or 2 (abstain).", field="support")
        document = _on_chain(
            lambda: ballots.ballot_typed_data(
                deployment=_deployment(),
                proposal_id=parse_uint(proposal_id, field="proposal_id"),
                voter=parse_address(request.query_params.get("voter"), field="voter"),
                support=VoteSupport(int(support)),
                reason=request.query_params.get("reason"),
            )
        )
        return Response(document)


class BallotRelayView(APIView):
    """POST a signed ballot: checked, stored, relayed by the platform (the voter pays no gas)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["governance"],
        parameters=[PROPOSAL_ID],
        request=BallotRequestSerializer,
        responses={201: RelayedBallotSerializer, 409: OpenApiTypes.OBJECT, 503: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, proposal_id: str) -> Response:
        signed = ballots.signed_ballot_parse(proposal_id=proposal_id, data=_body(request))
        row = _on_chain(
            lambda: ballots.ballot_relay(deployment=_deployment(), signed=signed, submitted_by=request.user)
        )
        return Response(RelayedBallotSerializer(row).data, status=status.HTTP_201_CREATED)


class DelegationTypedDataView(APIView):
    """GET the EIP-712 `Delegation` a holder signs to delegate without paying gas."""

    @extend_schema(
        tags=["governance"],
        parameters=[OpenApiParameter("delegator", str, required=True), OpenApiParameter("delegatee", str)],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        delegator = parse_address(request.query_params.get("delegator"), field="delegator")
        delegatee = parse_address(request.query_params.get("delegatee", delegator), field="delegatee")
        document = _on_chain(
            lambda: delegation.delegation_typed_data(
                deployment=_deployment(), delegator=delegator, delegatee=delegatee
            )
        )
        return Response(document)


class DelegationRequestSerializer(serializers.Serializer[Any]):
    delegator = serializers.CharField()
    delegatee = serializers.CharField()
    nonce = serializers.CharField()
    expiry = serializers.IntegerField()
    signature = serializers.CharField()


class DelegationRelayView(APIView):
    """POST a signed delegation: checked, stored, relayed by the platform."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["governance"],
        request=DelegationRequestSerializer,
        responses={201: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT, 503: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        signed = delegation.signed_delegation_parse(_body(request))
        row = _on_chain(
            lambda: delegation.delegation_relay(
                deployment=_deployment(), signed=signed, submitted_by=request.user
            )
        )
        body = {
            "id": row.pk,
            "delegator": row.delegator,
            "delegatee": row.delegatee,
            "transaction": TransactionSerializer(row.outgoing).data,
        }
        return Response(body, status=status.HTTP_201_CREATED)


class PrizeDraftSerializer(serializers.ModelSerializer[PrizeProposalDraft]):
    challenge: serializers.SlugRelatedField[Challenge] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    pool = serializers.CharField()
    submission = TransactionSerializer(allow_null=True)

    class Meta:
        model = PrizeProposalDraft
        fields = [
            "id",
            "challenge",
            "status",
            "escrow_challenge_id",
            "spec_hash",
            "results_hash",
            "leaderboard_url",
            "leaderboard_sha256",
            "attestation",
            "pool",
            "split",
            "recipients",
            "unpayable",
            "claim_window",
            "target",
            "call_data",
            "text",
            "proposer",
            "description",
            "proposal_id",
            "submission",
            "created_at",
        ]


def _may_draft(user: Any, challenge: Challenge) -> None:
    if not (user.is_staff or challenge.organizer_id == user.pk):
        raise PermissionDenied(
            "Only the challenge's organizer or staff can draft or submit its prize proposal."
        )


class PrizeDraftCreateView(APIView):
    """POST {"challenge": slug}: draft (or show the existing draft of) a challenge's prize proposal."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["governance"], request=OpenApiTypes.OBJECT, responses={201: PrizeDraftSerializer})
    def post(self, request: Request) -> Response:
        challenge = get_object_or_404(Challenge, slug=str(_body(request).get("challenge", "")))
        _may_draft(request.user, challenge)
        draft = _on_chain(
            lambda: proposals.prize_proposal_draft_create(challenge=challenge, created_by=request.user)
        )
        return Response(PrizeDraftSerializer(draft).data, status=status.HTTP_201_CREATED)


class PrizeDraftDetailView(APIView):
    """GET a draft: recipients, amounts, evidence and the exact calls, before anyone signs."""

    @extend_schema(tags=["governance"], responses={200: PrizeDraftSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return Response(PrizeDraftSerializer(get_object_or_404(PrizeProposalDraft, pk=pk)).data)


class PrizeDraftWalletCallsView(APIView):
    """POST {"proposer": address}: the exact `propose` arguments for that member's wallet."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["governance"], request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        draft = get_object_or_404(PrizeProposalDraft, pk=pk)
        proposer = parse_address(_body(request).get("proposer"), field="proposer")
        if prize_inputs.wallet_address_of(request.user) != proposer:
            raise PermissionDenied("Prepare the proposal for the wallet linked to your account.")
        calls = proposals.prize_proposal_calls(draft=draft, proposer=proposer)
        return Response({**calls.__dict__, "proposal_id": str(calls.proposal_id)})


class PrizeDraftSubmitView(APIView):
    """POST: submit the draft through the platform's proposer key (for a member without the threshold)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["governance"], request=None, responses={202: TransactionSerializer})
    def post(self, request: Request, pk: int) -> Response:
        draft = get_object_or_404(PrizeProposalDraft, pk=pk)
        _may_draft(request.user, draft.challenge)
        row = _on_chain(lambda: proposals.prize_proposal_submit_by_platform(draft=draft))
        return Response(TransactionSerializer(row).data, status=status.HTTP_202_ACCEPTED)


class PrizeDraftAdvanceView(APIView):
    """POST: queue the passed proposal, or execute it once the timelock delay is over (any member)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["governance"], request=None, responses={202: TransactionSerializer})
    def post(self, request: Request, pk: int) -> Response:
        draft = get_object_or_404(PrizeProposalDraft, pk=pk)
        row = _on_chain(lambda: proposal_execution.prize_proposal_advance(draft=draft))
        return Response(TransactionSerializer(row).data, status=status.HTTP_202_ACCEPTED)


class ClaimView(APIView):
    """POST {"escrow_challenge_id", "account"}: the relayer pays the account its prize (gasless)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["governance"], request=OpenApiTypes.OBJECT, responses={202: TransactionSerializer})
    def post(self, request: Request) -> Response:
        challenge_id = parse_uint(_body(request).get("escrow_challenge_id"), field="escrow_challenge_id")
        account = parse_address(_body(request).get("account"), field="account")
        if not request.user.is_staff and prize_inputs.wallet_address_of(request.user) != account:
            raise PermissionDenied("Claim for the wallet linked to your account.")
        row = _on_chain(
            lambda: payouts.prize_claim_relay(
                deployment=_deployment(), escrow_challenge_id=challenge_id, account=account
            )
        )
        return Response(TransactionSerializer(row).data, status=status.HTTP_202_ACCEPTED)


class RefundView(APIView):
    """POST {"escrow_challenge_id", "funder"}: the relayer pays a funder back what was not awarded."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["governance"], request=OpenApiTypes.OBJECT, responses={202: TransactionSerializer})
    def post(self, request: Request) -> Response:
        challenge_id = parse_uint(_body(request).get("escrow_challenge_id"), field="escrow_challenge_id")
        funder = parse_address(_body(request).get("funder"), field="funder")
        if not request.user.is_staff and prize_inputs.wallet_address_of(request.user) != funder:
            raise PermissionDenied("Ask for the refund of the wallet linked to your account.")
        row = _on_chain(
            lambda: payouts.funder_refund_relay(
                deployment=_deployment(), escrow_challenge_id=challenge_id, funder=funder
            )
        )
        return Response(TransactionSerializer(row).data, status=status.HTTP_202_ACCEPTED)
