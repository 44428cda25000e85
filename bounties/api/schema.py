"""OpenAPI naming that drf-spectacular cannot infer on its own.

Challenges and submissions both have a field named "status" with different choices; left alone, the
schema generator gives the two enums clashing names and warns. These extensions publish each as a
named component instead. drf-spectacular registers an extension when its class is defined, so
serializers.py imports this module.
"""

from __future__ import annotations

from typing import Any

from django.db.models import TextChoices
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent

from bounties.models import ChallengeStatus, SubmissionStatus


class NamedEnumExtension(OpenApiSerializerFieldExtension):
    enum_name: str
    choices: type[TextChoices]
    description: str

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        component = ResolvedComponent(
            name=self.enum_name,
            type=ResolvedComponent.SCHEMA,
            object=self.enum_name,
            schema={"type": "string", "enum": list(self.choices.values), "description": self.description},
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


class ChallengeStatusExtension(NamedEnumExtension):
    target_class = "bounties.api.serializers.ChallengeStatusField"
    enum_name = "ChallengeStatusEnum"
    choices = ChallengeStatus
    description = "Follows the dates and actions: draft, upcoming, open, closed, awarded."


class SubmissionStatusExtension(NamedEnumExtension):
    target_class = "bounties.api.serializers.SubmissionStatusField"
    enum_name = "SubmissionStatusEnum"
    choices = SubmissionStatus
    description = "Where the submission is in evaluation."
