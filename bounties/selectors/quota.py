"""How many submissions a contributor has left on a challenge today and overall."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils import timezone

from bounties.models import Challenge, FailureKind, Submission


@dataclass(frozen=True)
class SubmissionQuota:
    daily_limit: int
    used_today: int
    total_limit: int
    used_total: int
    resets_at: datetime

    @property
    def remaining_today(self) -> int:
        return max(self.daily_limit - self.used_today, 0)

    @property
    def remaining_total(self) -> int:
        return max(self.total_limit - self.used_total, 0)

    @property
    def remaining(self) -> int:
        return min(self.remaining_today, self.remaining_total)

    def exhausted_message(self) -> str:
        if self.remaining_total <= 0:
            return f"You have used all {self.total_limit} submissions allowed on this challenge."
        return (
            f"You have used all {self.daily_limit} submissions allowed today; more open at "
            f"{self.resets_at:%Y-%m-%d %H:%M} UTC."
        )


def start_of_utc_day(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def submission_quota(*, challenge: Challenge, contributor: Any) -> SubmissionQuota:
    """Counts every submission except those that failed through the platform's fault."""
    day_start = start_of_utc_day(timezone.now())
    counted = Submission.objects.filter(challenge=challenge, contributor=contributor).exclude(
        failure_kind=FailureKind.INFRASTRUCTURE
    )
    used_total = counted.count()
    used_today = counted.filter(created_at__gte=day_start).count() if used_total else 0
    return SubmissionQuota(
        daily_limit=challenge.daily_submission_limit,
        used_today=used_today,
        total_limit=challenge.total_submission_limit,
        used_total=used_total,
        resets_at=day_start + timedelta(days=1),
    )
