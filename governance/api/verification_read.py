"""Public evidence of a submission's or clue's priority and score, for verifiers outside the platform.

Everything `verifier/verify_clueboard.py` needs besides the files themselves and a node: the content
hash and what it binds, the public URLs of the files, the escrow and the challenge's id in it, the
batch root, inclusion proof and committer, and after close the final leaderboard's URL, its results
hash and the evaluators' signatures. Work the caller may not see answers 404, as if it did not exist.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound as NotFoundResponse
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bounties.errors import NotFound
from bounties.selectors.clues import clue_get
from bounties.selectors.submissions import submission_get_for_viewer
from governance.selectors.verification import VerificationEvidence, clue_evidence, submission_evidence

NOT_FOUND = {404: OpenApiResponse(OpenApiTypes.OBJECT, description="No such work, or not published.")}


class FileSerializer(serializers.Serializer[Any]):
    role = serializers.ChoiceField(choices=["model", "source", "attachment"])
    filename = serializers.CharField()
    sha256 = serializers.CharField(source="recorded_sha256", help_text="As recorded at upload (hex).")
    url = serializers.CharField(help_text="Where the published bytes download from.")


class EscrowSerializer(serializers.Serializer[Any]):
    chain_id = serializers.IntegerField()
    address = serializers.CharField(source="escrow", help_text="The PrizeEscrow contract.")
    challenge_id = serializers.IntegerField(source="escrow_challenge_id")


class CommitmentSerializer(serializers.Serializer[Any]):
    batch_root = serializers.CharField(source="root", help_text="The batch's Merkle root, 0x-hex.")
    proof = serializers.ListField(child=serializers.CharField(), help_text="Sibling hashes, leaf to root.")
    committer = serializers.CharField(help_text="Who sent PrizeEscrow.commit: commitments are keyed by it.")
    tx_hash = serializers.CharField()
    block_number = serializers.IntegerField(allow_null=True)
    block_time = serializers.DateTimeField(allow_null=True)
    mined = serializers.BooleanField()


class ResultsSerializer(serializers.Serializer[Any]):
    document_url = serializers.CharField(help_text="The canonical final leaderboard JSON.")
    results_hash = serializers.CharField(help_text="keccak256 of the document's bytes.")
    escrow_round = serializers.IntegerField(allow_null=True)
    signers = serializers.ListField(child=serializers.CharField())
    signatures = serializers.ListField(child=serializers.CharField(), help_text="In the signers' order.")
    tx_hash = serializers.CharField()
    attested = serializers.BooleanField(help_text="The attestResults transaction was mined.")


class EvidenceSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=["submission", "clue"])
    id = serializers.IntegerField(source="pk")
    challenge = serializers.CharField(source="challenge_slug")
    challenge_closed = serializers.BooleanField()
    author_id = serializers.IntegerField(help_text="The contributor's (or clue author's) user id.")
    content_hash = serializers.CharField(help_text="sha256 (hex) of the canonical document of the work.")
    title = serializers.CharField()
    writeup = serializers.CharField()
    code_url = serializers.CharField()
    files = FileSerializer(many=True)
    escrow = EscrowSerializer(allow_null=True)
    commitment = CommitmentSerializer(allow_null=True)
    results = ResultsSerializer(allow_null=True)


def _answer(request: Request, evidence: VerificationEvidence) -> Response:
    data = EvidenceSerializer(evidence).data
    for published in data["files"]:
        published["url"] = request.build_absolute_uri(published["url"])
    if data["results"] is not None:
        data["results"]["document_url"] = request.build_absolute_uri(data["results"]["document_url"])
    return Response(data)


class SubmissionEvidenceView(APIView):
    """A submission's verification evidence."""

    permission_classes = [AllowAny]

    @extend_schema(
        tags=["verification"],
        operation_id="verification_submission",
        summary="Evidence to verify a submission",
        responses={200: EvidenceSerializer, **NOT_FOUND},
    )
    def get(self, request: Request, submission_id: int) -> Response:
        try:
            submission = submission_get_for_viewer(submission_id=submission_id, viewer=request.user)
        except NotFound as error:
            raise NotFoundResponse(error.message) from error
        return _answer(request, submission_evidence(submission=submission))


class ClueEvidenceView(APIView):
    """A clue's verification evidence."""

    permission_classes = [AllowAny]

    @extend_schema(
        tags=["verification"],
        operation_id="verification_clue",
        summary="Evidence to verify a clue",
        responses={200: EvidenceSerializer, **NOT_FOUND},
    )
    def get(self, request: Request, clue_id: int) -> Response:
        try:
            clue = clue_get(clue_id=clue_id, viewer=request.user)
        except NotFound as error:
            raise NotFoundResponse(error.message) from error
        return _answer(request, clue_evidence(clue=clue))
