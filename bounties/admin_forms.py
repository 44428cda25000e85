"""The organizer's challenge form: settings as fields for people, checked by the challenge services.

Shapes are typed as "3, 32, 32" with a dtype to choose; architectures are the registry's, each with its
config as number and choice fields; the hidden test set is uploaded in one place. Every rule lives in
`bounties.services`; this module only parses input and shows the services' errors on their fields.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from bounties.errors import ApplicationError
from bounties.models import DEFAULT_PRIZE_SPLIT, Challenge, ChallengeResource, ModelFormat
from bounties.services.challenge_settings import ALLOWED_INPUT_DTYPES, STORED_AS_THEY_ARE, ChallengeSettings
from bounties.services.challenges import challenge_check_changes
from bounties.services.datasets import DEFAULT_PUBLIC_FRACTION, PreparedHiddenDataset, hidden_dataset_prepare
from bounties.services.resources import resource_check_upload, upload_sha256
from evaluation.scoring.architecture_specs import SPECS, config_fields
from evaluation.scoring.metrics import METRICS, metric_choices

# Bounded, so a pasted wall of digits is a form error, never an int() failure; ASCII digits only.
WHOLE_NUMBER = re.compile(r"-?[0-9]{1,18}")
DIMENSION = re.compile(r"[0-9]{1,9}")


class ShapeField(forms.CharField):
    """The dimensions of one row, typed as "64" or "3, 32, 32"."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ", ".join(str(d) for d in value)
        return value

    def to_python(self, value: Any) -> tuple[int, ...]:  # type: ignore[override]
        text = super().to_python(value) or ""
        tokens = [token for token in re.split(r"[\s,x\u00d7]+", text.strip("[]() ")) if token]
        if not tokens:
            return ()  # empty: `required` says so
        if not all(DIMENSION.fullmatch(token) for token in tokens):
            raise forms.ValidationError("Write whole numbers separated by commas, e.g. 64 or 3, 32, 32.")
        return tuple(int(token) for token in tokens)


class PrizeSplitField(forms.CharField):
    """Shares of the pool for ranks 1, 2, ..., typed as "50, 30, 20" (whole percentages)."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ", ".join(str(share) for share in value)
        return value

    def to_python(self, value: Any) -> tuple[int, ...]:  # type: ignore[override]
        text = super().to_python(value) or ""
        tokens = [token for token in re.split(r"[\s,%]+", text.strip("[]() ")) if token]
        if not tokens:
            return DEFAULT_PRIZE_SPLIT  # left empty: the default split, as the model has it
        if not all(DIMENSION.fullmatch(token) for token in tokens):
            raise forms.ValidationError("Write whole percentages separated by commas, e.g. 50, 30, 20.")
        return tuple(int(token) for token in tokens)


class ArchitecturesWidget(forms.Widget):
    """One box per registry architecture: a tick to accept it, and a field per config value."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> dict[str, dict[str, str]]:
        chosen: dict[str, dict[str, str]] = {}
        for architecture in SPECS:
            if data.get(f"{name}-{architecture}-accept"):
                values = {
                    f.name: data.get(f"{name}-{architecture}-{f.name}", "")
                    for f in config_fields(architecture)
                }
                chosen[architecture] = {key: value for key, value in values.items() if value != ""}
        return chosen

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False  # an unticked box sends nothing, and means "none"

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        chosen: Mapping[str, Mapping[str, Any]] = value if isinstance(value, Mapping) else {}
        boxes = [self._render_one(name, architecture, chosen) for architecture in SPECS]
        return format_html('<div class="architecture-choices">{}</div>', SafeString("".join(boxes)))

    def _render_one(self, name: str, architecture: str, chosen: Mapping[str, Mapping[str, Any]]) -> str:
        config = chosen.get(architecture) or {}
        rows = format_html_join(
            "",
            '<tr><th><label for="{}">{}</label></th><td>{}</td><td class="help">{}</td></tr>',
            (
                (
                    f"id_{name}-{architecture}-{f.name}",
                    f.name,
                    self._input(name, architecture, f, config),
                    _limits(f),
                )
                for f in config_fields(architecture)
            ),
        )
        return format_html(
            '<fieldset class="module architecture"><legend><label><input type="checkbox" name="{}" value="1"{}> '
            '<strong>{}</strong></label></legend><p class="help">{}</p><table>{}</table></fieldset>',
            f"{name}-{architecture}-accept",
            " checked" if architecture in chosen else "",
            architecture,
            SPECS[architecture].summary,
            rows,
        )

    def _input(self, name: str, architecture: str, config_field: Any, config: Mapping[str, Any]) -> str:
        field_name = f"{name}-{architecture}-{config_field.name}"
        value = config.get(config_field.name, config_field.default)
        if config_field.choices:
            options = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((c, " selected" if c == value else "", c) for c in config_field.choices),
            )
            return format_html('<select name="{}" id="id_{}">{}</select>', field_name, field_name, options)
        return format_html(
            '<input type="number" name="{}" id="id_{}" min="{}" max="{}" value="{}">',
            field_name,
            field_name,
            config_field.low,
            config_field.high,
            "" if value is None else value,
        )


def _limits(config_field: Any) -> str:
    if config_field.choices:
        return f"{config_field.help}: one of {', '.join(config_field.choices)}"
    return f"{config_field.help} ({config_field.low:,} to {config_field.high:,})"


class ArchitecturesField(forms.Field):
    """The accepted registry architectures with their configs, as the challenge stores them."""

    widget = ArchitecturesWidget

    def to_python(self, value: Any) -> dict[str, dict[str, Any]]:
        chosen: dict[str, dict[str, Any]] = {}
        for architecture, raw in (value or {}).items():
            numbers = {f.name for f in config_fields(architecture) if not f.choices}
            config: dict[str, Any] = {}
            for key, item in raw.items():
                if key in numbers and not WHOLE_NUMBER.fullmatch(str(item)):
                    raise forms.ValidationError(f"{architecture}.{key}: write a whole number.")
                config[key] = int(item) if key in numbers else str(item)
            chosen[architecture] = config
        return chosen

    def validate(self, value: Any) -> None:
        """Values are checked by the challenge service, against the registry and the shapes."""


def _metric_help() -> str:
    return " ".join(spec.description for spec in METRICS.values())


class ChallengeAdminForm(forms.ModelForm):
    input_shape = ShapeField(
        label="Input shape",
        help_text="Dimensions of one input row, comma-separated: 64 for 64 values, 1, 28, 28 for a "
        "one-channel 28x28 image. The hidden test set's 'inputs' must have rows of this shape.",
    )
    input_dtype = forms.ChoiceField(
        label="Input dtype",
        choices=[(dtype, dtype) for dtype in ALLOWED_INPUT_DTYPES],
        initial="float32",
        help_text="The type the hidden inputs are given to every model in.",
    )
    output_shape = ShapeField(
        label="Output shape",
        help_text="Dimensions of one output row: 10 for ten class scores, 1 for a single value. Models must "
        "answer every input row with a row of exactly this shape.",
    )
    metric = forms.ChoiceField(
        choices=metric_choices(),
        initial=Challenge._meta.get_field("metric").default,
        help_text=_metric_help(),
    )
    accepted_formats = forms.MultipleChoiceField(
        choices=ModelFormat.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[ModelFormat.ONNX],
        help_text="ONNX graphs run as they are; safetensors weights load into one of the architectures below.",
    )
    architectures = ArchitecturesField(
        required=False,
        help_text="Tick each registry architecture that safetensors weights may use, and set its config. Each "
        "one is built and given an all-zero input row when you save: it must answer with the output shape.",
    )
    hidden_dataset_file = forms.FileField(
        required=False,
        label="Hidden test set",
        help_text=".npz or .safetensors with arrays 'inputs' (one row of the input shape per example) and "
        "'labels'. Stored outside every served folder and never offered for download. Replaceable only "
        "while a draft.",
    )
    prize_split = PrizeSplitField(
        label="Prize split",
        required=False,
        initial=", ".join(str(share) for share in DEFAULT_PRIZE_SPLIT),
        help_text="Percent of the escrowed pool for final ranks 1, 2, 3, ..., summing to 100. The prize "
        "proposal pays these shares to the ranked contributors' linked wallets; what no one can receive "
        "goes back to the funders. Empty: the default split.",
    )
    public_fraction = forms.FloatField(
        initial=DEFAULT_PUBLIC_FRACTION,
        min_value=0.01,
        max_value=0.99,
        help_text="Share of rows scored on the live (public) leaderboard; the rest decide the prizes.",
    )

    prepared_dataset: PreparedHiddenDataset | None = None
    challenge_settings: ChallengeSettings | None = None

    class Meta:
        model = Challenge
        # The specs are made from the shape and dtype fields declared above.
        fields = ["organizer", *STORED_AS_THEY_ARE, "accepted_formats", "architectures", "prize_split"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("input_shape", self.instance.input_spec.get("shape"))
            self.initial.setdefault("input_dtype", self.instance.input_spec.get("dtype", "float32"))
            self.initial.setdefault("output_shape", self.instance.output_spec.get("shape"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned  # the service checks whole settings; first fix what could not be read
        settings = self._settings(cleaned)
        try:
            challenge_check_changes(challenge=self.instance if self.instance.pk else None, settings=settings)
        except ApplicationError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)
            return cleaned
        self.challenge_settings = settings
        upload = cleaned.get("hidden_dataset_file")
        if upload is not None:
            self._prepare_dataset(upload, settings)
        return cleaned

    def full_clean(self) -> None:
        super().full_clean()
        if self.errors and self.prepared_dataset is not None:
            self.prepared_dataset.temp_path.unlink(missing_ok=True)  # nothing will be saved
            self.prepared_dataset = None

    def _settings(self, cleaned: dict[str, Any]) -> ChallengeSettings:
        values: dict[str, Any] = {
            setting.name: cleaned.get(setting.name) for setting in fields(ChallengeSettings)
        }
        values["accepted_formats"] = tuple(values["accepted_formats"] or ())
        values["summary"] = values["summary"] or ""
        return ChallengeSettings(**values)

    def _prepare_dataset(self, upload: Any, settings: ChallengeSettings) -> None:
        """Read and check the file here so that its problems show as form errors, not as a crash on save."""
        if self.instance.pk and self.instance.published_at is not None:
            self.add_error("hidden_dataset_file", "The hidden test set cannot be replaced after publishing.")
            return
        try:
            self.prepared_dataset = hidden_dataset_prepare(
                upload=upload, input_spec={"shape": list(settings.input_shape)}
            )
        except ApplicationError as exc:
            self.add_error("hidden_dataset_file", exc.message)
            return
        # A resource uploaded in the same request is not stored yet, so the resource check cannot see it.
        others = [
            (name, other) for name in self.files for other in self.files.getlist(name) if other is not upload
        ]
        for name, other in others:
            if upload_sha256(other) == self.prepared_dataset.sha256:
                self.add_error(
                    "hidden_dataset_file",
                    f"The same file is also being attached as a public resource ({name}): a hidden test set "
                    "is never offered for download.",
                )


class ChallengeResourceForm(forms.ModelForm):
    upload = forms.FileField(
        required=False,
        label="File",
        help_text="Offered for download on the challenge's Data tab with its size and sha256. Never the "
        "hidden test set.",
    )

    class Meta:
        model = ChallengeResource
        fields = ["upload", "title", "kind", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2, "cols": 40})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text = "Shown on the Data tab; the file name when empty."

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("upload")
        if self.instance.pk is None and upload is None:
            self.add_error("upload", "Choose the file to offer.")
        elif upload is not None and self.instance.pk is not None:
            self.add_error("upload", "To offer another file, remove this resource and add a new one.")
        elif upload is not None:
            try:
                resource_check_upload(upload=upload)
            except ApplicationError as exc:
                self.add_error("upload", exc.message)
        return cleaned
