"""What a contributor has chosen for the private (final) ranking of a challenge."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bounties.models import Challenge, Submission


@dataclass(frozen=True)
class FinalSelection:
    limit: int
    selected_ids: list[int]
    is_open: bool  # selection closes with the challenge

    @property
    def count(self) -> int:
        return len(self.selected_ids)

    @property
    def is_full(self) -> bool:
        return self.count >= self.limit


def final_selection_of(*, challenge: Challenge, contributor: Any) -> FinalSelection:
    selected = Submission.objects.filter(
        challenge=challenge, contributor=contributor, selected_for_final=True
    ).order_by("created_at", "id")
    return FinalSelection(
        limit=challenge.final_selection_limit,
        selected_ids=list(selected.values_list("pk", flat=True)),
        is_open=challenge.is_open,
    )
