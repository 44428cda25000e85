"""Governance API views: read a selector, serialise the answer. No rules here."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.api.serializers import DeploymentSerializer
from governance.selectors.deployment import current_deployment


class DeploymentView(APIView):
    """The contract set the platform uses now on its chain (read from the database, not the node)."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="governance_deployment",
        summary="Chain id and contract addresses",
        responses={
            200: DeploymentSerializer,
            404: OpenApiResponse(
                OpenApiTypes.OBJECT, description="No contracts are deployed on the chain yet."
            ),
            503: OpenApiResponse(OpenApiTypes.OBJECT, description="The platform has no chain configured."),
        },
        tags=["governance"],
    )
    def get(self, request: Request) -> Response:
        if not settings.CHAIN_RPC_URL:
            return Response(
                {"detail": "The platform has no chain configured.", "code": "chain_not_configured"},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
            )
        deployment = current_deployment()
        if deployment is None:
            return Response(
                {"detail": "No contracts are deployed on the chain yet.", "code": "not_deployed"},
                status=status.HTTP_404_NOT_FOUND,
            )
        return Response(DeploymentSerializer(deployment).data)
