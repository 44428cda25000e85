"""Governance API for prize proposals and payouts: drafts, submission, queue/execute, claims, refunds."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from bounties.errors import PermissionDenied
from bounties.models import Challenge
from governance.api.chain_answers import (
    ADDRESS_PATTERN,
    UINT256_PATTERN,
    GovernanceView,
    MemberGovernanceView,
    TransactionSerializer,
    chain_response,
    current_deployment_or_503,
    governance_errors,
    relayed_response,
    request_body,
)
from governance.models import PrizeProposalDraft
from governance.services import payouts, prize_inputs, proposal_execution, proposals
from governance.services.relaying import (
    parse_address,
    parse_uint,
)


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


def _payout_request(request: Request, *, wallet_field: str, not_yours: str) -> tuple[int, str]:
    """The escrow challenge and wallet of a claim or refund; staff may ask for any wallet, others for theirs."""
    body = request_body(request)
    challenge_id = parse_uint(body.get("escrow_challenge_id"), field="escrow_challenge_id")
    wallet = parse_address(body.get(wallet_field), field=wallet_field)
    if not request.user.is_staff and prize_inputs.wallet_address_of(request.user) != wallet:
        raise PermissionDenied(not_yours)
    return challenge_id, wallet


class DraftRequestSerializer(serializers.Serializer[Any]):
    challenge = serializers.SlugField(help_text="The closed, attested challenge's slug.")


class WalletCallsRequestSerializer(serializers.Serializer[Any]):
    proposer = serializers.RegexField(ADDRESS_PATTERN, help_text="The wallet linked to your account.")


class ClaimRequestSerializer(serializers.Serializer[Any]):
    escrow_challenge_id = serializers.RegexField(UINT256_PATTERN)
    account = serializers.RegexField(ADDRESS_PATTERN)


class RefundRequestSerializer(serializers.Serializer[Any]):
    escrow_challenge_id = serializers.RegexField(UINT256_PATTERN)
    funder = serializers.RegexField(ADDRESS_PATTERN)


class PrizeDraftCreateView(MemberGovernanceView):
    """POST {"challenge": slug}: draft (or show the existing draft of) a challenge's prize proposal."""

    @extend_schema(
        tags=["governance"],
        request=DraftRequestSerializer,
        responses={201: PrizeDraftSerializer, **governance_errors(400, 401, 403, 404, 409, 503)},
    )
    def post(self, request: Request) -> Response:
        challenge = get_object_or_404(Challenge, slug=str(request_body(request).get("challenge", "")))
        _may_draft(request.user, challenge)
        return chain_response(
            lambda: proposals.prize_proposal_draft_create(challenge=challenge, created_by=request.user),
            show=lambda draft: PrizeDraftSerializer(draft).data,
            status_code=status.HTTP_201_CREATED,
        )


class PrizeDraftDetailView(GovernanceView):
    """GET a draft: recipients, amounts, evidence and the exact calls, before anyone signs."""

    @extend_schema(tags=["governance"], responses={200: PrizeDraftSerializer, **governance_errors(404)})
    def get(self, request: Request, pk: int) -> Response:
        return Response(PrizeDraftSerializer(get_object_or_404(PrizeProposalDraft, pk=pk)).data)


class PrizeDraftWalletCallsView(MemberGovernanceView):
    """POST {"proposer": address}: the exact `propose` arguments for that member's wallet."""

    @extend_schema(
        tags=["governance"],
        request=WalletCallsRequestSerializer,
        responses={200: OpenApiTypes.OBJECT, **governance_errors(400, 401, 403, 404, 409, 503)},
    )
    def post(self, request: Request, pk: int) -> Response:
        draft = get_object_or_404(PrizeProposalDraft, pk=pk)
        proposer = parse_address(request_body(request).get("proposer"), field="proposer")
        if prize_inputs.wallet_address_of(request.user) != proposer:
            raise PermissionDenied("Prepare the proposal for the wallet linked to your account.")
        return chain_response(
            lambda: proposals.prize_proposal_calls(draft=draft, proposer=proposer),
            show=lambda calls: {**calls.__dict__, "proposal_id": str(calls.proposal_id)},
        )


class PrizeDraftSubmitView(MemberGovernanceView):
    """POST: submit the draft through the platform's proposer key (for a member without the threshold)."""

    @extend_schema(
        tags=["governance"],
        request=None,
        responses={202: TransactionSerializer, **governance_errors(401, 403, 404, 409, 503)},
    )
    def post(self, request: Request, pk: int) -> Response:
        draft = get_object_or_404(PrizeProposalDraft, pk=pk)
        _may_draft(request.user, draft.challenge)
        return relayed_response(lambda: proposals.prize_proposal_submit_by_platform(draft=draft))


class PrizeDraftAdvanceView(MemberGovernanceView):
    """POST: queue the passed proposal, or execute it once the timelock delay is over (any member)."""

    @extend_schema(
        tags=["governance"],
        request=None,
        responses={202: TransactionSerializer, **governance_errors(401, 403, 404, 409, 503)},
    )
    def post(self, request: Request, pk: int) -> Response:
        draft = get_object_or_404(PrizeProposalDraft, pk=pk)
        return relayed_response(lambda: proposal_execution.prize_proposal_advance(draft=draft))


class ClaimView(MemberGovernanceView):
    """POST {"escrow_challenge_id", "account"}: the relayer pays the account its prize (gasless)."""

    @extend_schema(
        tags=["governance"],
        request=ClaimRequestSerializer,
        responses={202: TransactionSerializer, **governance_errors(400, 401, 403, 409, 503)},
    )
    def post(self, request: Request) -> Response:
        challenge_id, account = _payout_request(
            request, wallet_field="account", not_yours="Claim for the wallet linked to your account."
        )
        return relayed_response(
            lambda: payouts.prize_claim_relay(
                deployment=current_deployment_or_503(), escrow_challenge_id=challenge_id, account=account
            )
        )


class RefundView(MemberGovernanceView):
    """POST {"escrow_challenge_id", "funder"}: the relayer pays a funder back what was not awarded."""

    @extend_schema(
        tags=["governance"],
        request=RefundRequestSerializer,
        responses={202: TransactionSerializer, **governance_errors(400, 401, 403, 409, 503)},
    )
    def post(self, request: Request) -> Response:
        challenge_id, funder = _payout_request(
            request,
            wallet_field="funder",
            not_yours="Ask for the refund of the wallet linked to your account.",
        )
        return relayed_response(
            lambda: payouts.funder_refund_relay(
                deployment=current_deployment_or_503(), escrow_challenge_id=challenge_id, funder=funder
            )
        )
