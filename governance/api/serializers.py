"""Shapes of the governance API's responses; they hold no rules."""

from __future__ import annotations

from rest_framework import serializers

from governance.models import ChainDeployment


class DeploymentSerializer(serializers.ModelSerializer[ChainDeployment]):
    """Where the DAO's contracts are: what a wallet or a script needs to talk to them directly."""

    evaluators = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Checksummed evaluator addresses."
    )

    class Meta:
        model = ChainDeployment
        fields = [
            "chain_id",
            "token",
            "timelock",
            "governor",
            "escrow",
            "prize_token",
            "guardian",
            "evaluators",
            "evaluator_threshold",
            "first_block",
            "deployed_at",
        ]
        read_only_fields = fields
