"""Query filters of the API lists. None of them reaches a private score."""

from __future__ import annotations

import django_filters

from bounties.models import Challenge, ChallengeStatus, Clue, Submission, SubmissionStatus
from evaluation.scoring.metrics import metric_choices


class ChallengeFilter(django_filters.FilterSet):
    # `current_status` is the SQL annotation from the challenge_list selector, so this filters in the DB.
    status = django_filters.ChoiceFilter(field_name="current_status", choices=ChallengeStatus.choices)
    metric = django_filters.ChoiceFilter(choices=metric_choices())

    class Meta:
        model = Challenge
        fields = ("status", "metric")


class SubmissionFilter(django_filters.FilterSet):
    challenge = django_filters.CharFilter(field_name="challenge__slug", help_text="Challenge slug.")
    contributor = django_filters.CharFilter(
        field_name="contributor__username", help_text="Contributor's username."
    )
    status = django_filters.ChoiceFilter(choices=SubmissionStatus.choices)

    class Meta:
        model = Submission
        fields = ("challenge", "contributor", "status")


class ClueFilter(django_filters.FilterSet):
    challenge = django_filters.CharFilter(field_name="challenge__slug", help_text="Challenge slug.")
    author = django_filters.CharFilter(field_name="author__username", help_text="Author's username.")

    class Meta:
        model = Clue
        fields = ("challenge", "author")
