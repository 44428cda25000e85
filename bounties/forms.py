"""HTML forms: they parse and label input; the rules they feed are checked by the services."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from bounties.errors import ApplicationError
from bounties.licenses import license_choices
from bounties.models import ChallengeStatus
from bounties.selectors.citations import CitableWork
from bounties.services.submissions import UNKNOWN_LICENSE
from clueboard.ids import MAX_ROW_ID
from evaluation.scoring.metrics import metric_choices

LISTED_STATUSES = [
    (value, label) for value, label in ChallengeStatus.choices if value != ChallengeStatus.DRAFT
]


class ChallengeFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any status"), *LISTED_STATUSES])
    metric = forms.ChoiceField(
        label="Metric", required=False, choices=[("", "Any metric"), *metric_choices()]
    )


def parse_ids(text: str) -> list[int]:
    """Ids typed as "12, #15 17": any separator, an optional leading '#'. Raises ValidationError."""
    ids: list[int] = []
    for token in (token for token in re.split(r"[\s,;]+", text) if token):
        digits = token.removeprefix("#")
        if not digits.isdigit():
            raise forms.ValidationError(f"'{token}' is not an id; write numbers such as 12, 15.")
        if int(digits) > MAX_ROW_ID:
            raise forms.ValidationError(f"There is no #{digits[:20]}: that number is too large to be an id.")
        ids.append(int(digits))
    return ids


class CitationField(forms.MultipleChoiceField):
    """The works cited, picked from a list (a plain multi-select without JavaScript, a search with it).

    A posted value may also be typed ids ("12, #15"), as older clients send; whether each id may be cited
    is the citation service's rule, not the form's, so values outside the listed choices pass through.
    """

    widget = forms.SelectMultiple(attrs={"size": 6})

    def to_python(self, value: Any) -> list[int]:  # type: ignore[override]
        items = value if isinstance(value, list | tuple) else [value] if value else []
        return [pk for item in items for pk in parse_ids(str(item))]

    def validate(self, value: Any) -> None:
        """Nothing to check here: resolve_citations decides (see the class docstring)."""


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the service checks their number and sizes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files if item]


def _citation_fields(form: forms.Form, citable: Sequence[CitableWork], search_url: str) -> None:
    attrs = {"data-citable-url": search_url} if search_url else {}
    for kind, noun in (("submission", "submissions"), ("clue", "clues")):
        field = CitationField(
            label=f"Builds on {noun}",
            required=False,
            choices=[(str(work.id), work.label) for work in citable if work.kind == kind],
            help_text=f"The published {noun} of this challenge your work builds on (hold Ctrl or Cmd to "
            "choose several). Only earlier work can be cited.",
        )
        field.widget.attrs.update(attrs | {"data-citation-kind": kind})
        form.fields[f"builds_on_{noun}"] = field


class SubmissionForm(forms.Form):
    model_file = forms.FileField(label="Model file")
    source_archive = forms.FileField(
        label="Source archive",
        required=False,
        help_text="A .zip or .tar(.gz) of the code that trained the model. Optional, but required for "
        "prize eligibility: winning work is published openly.",
    )
    source_license = forms.ChoiceField(
        label="Source license",
        required=False,
        choices=license_choices(blank_label="No license (not prize-eligible)"),
        error_messages={"invalid_choice": UNKNOWN_LICENSE},
        help_text="The OSI-approved license your source is published under. Only licensed source is "
        "eligible for prizes.",
    )
    title = forms.CharField(label="Title", max_length=200, required=False)
    writeup = forms.CharField(
        label="Write-up",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Markdown. What you tried and what you learned.",
    )

    def __init__(
        self, *args: Any, citable: Sequence[CitableWork] = (), search_url: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _citation_fields(self, citable, search_url)


class ClueForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    writeup = forms.CharField(
        label="Write-up", widget=forms.Textarea(attrs={"rows": 10}), help_text="Markdown."
    )
    code_url = forms.URLField(
        label="Code link", required=False, assume_scheme="https", help_text="A repository or notebook URL."
    )
    attachments = MultipleFileField(label="Attachments", required=False, help_text="Up to 10 files.")

    def __init__(
        self, *args: Any, citable: Sequence[CitableWork] = (), search_url: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _citation_fields(self, citable, search_url)


def add_application_error(form: forms.Form, error: ApplicationError) -> int:
    """Show a service's error on its field (or on the form) and return the status code to answer with."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)
    return error.status_code
