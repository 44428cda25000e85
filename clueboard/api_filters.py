"""API list ordering that refuses what it does not understand, and says in the schema what it takes.

DRF's OrderingFilter drops unknown fields silently, so a typo gives an unordered list and a client never
learns why; here an unknown term is a 400 naming the allowed ones, and the schema carries their pattern.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request


class StrictOrderingFilter(OrderingFilter):
    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: Any) -> Any:
        text = request.query_params.get(self.ordering_param)
        if not text:
            return self.get_default_ordering(view)
        allowed = self.allowed_fields(view)
        terms = text.split(",")
        if not all(term.removeprefix("-") in allowed for term in terms):
            raise ValidationError(
                {
                    self.ordering_param: [
                        f"Order by one or more of {', '.join(allowed)}, comma-separated; "
                        "a leading '-' reverses one."
                    ]
                }
            )
        return terms

    def allowed_fields(self, view: Any) -> list[str]:
        return list(getattr(view, "ordering_fields", None) or [])

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        names = "|".join(re.escape(name) for name in self.allowed_fields(view))
        term = f"-?({names})"
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": f"Comma-separated fields to order by ({names.replace('|', ', ')}); "
                "'-' before one reverses it.",
                "schema": {"type": "string", "pattern": f"^$|^{term}(,{term})*$"},
            }
        ]
