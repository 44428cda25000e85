"""What an organizer sets on a challenge, and the one check those settings must pass.

The admin, the demo seed and the publish action all go through `challenge_check_settings`; a challenge
whose settings pass can score every model format it accepts.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db.models import Field

from bounties.errors import ApplicationError
from bounties.models import Challenge, EvaluationQueue, ModelFormat, PublishPolicy
from evaluation.scoring.architecture_specs import ArchitectureConfigError, canonical_config
from evaluation.scoring.metrics import UnknownMetric, output_shape_problem

ALLOWED_INPUT_DTYPES = ("float32", "float64", "int64", "int32", "uint8")
MAX_SHAPE_DIMENSIONS = 8
MAX_ROW_ELEMENTS = 100_000_000
# The sandboxed runtime alone takes about 1 GiB.
MIN_EVAL_MEMORY_MB = 1024
MAX_EVAL_MEMORY_MB = 1024 * 1024
# Well inside the broker's redelivery timeout (CELERY_VISIBILITY_TIMEOUT, 4 h by default).
MAX_EVAL_SECONDS = 3600
FLOAT32_BYTES = 4
# The escrow's PrizeEscrow.MAX_RECIPIENTS: an award to more ranks could never be executed.
MAX_PRIZE_RANKS = 100
# The winner keeps at least half of each prize: the clue share rewards help, it does not replace winning.
MAX_CLUE_SHARE_BPS = 5000
# Each level halves the weight, so a sixth level would earn under 2% of what the first does.
MAX_SHARE_DEPTH = 5


def _model_default(name: str) -> Any:
    """The model field's default: the model owns the defaults, the settings only repeat them by name."""
    field = Challenge._meta.get_field(name)
    assert isinstance(field, Field), name
    return field.get_default()


@dataclass(frozen=True)
class ChallengeSettings:
    """Everything an organizer sets on a challenge; unset values take the model's defaults."""

    slug: str
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    input_dtype: str = "float32"
    summary: str = ""
    metric: str = field(default_factory=lambda: _model_default("metric"))
    accepted_formats: tuple[str, ...] = (ModelFormat.ONNX.value,)
    architectures: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    evaluation_queue: str = field(default_factory=lambda: _model_default("evaluation_queue"))
    eval_time_limit_seconds: int = field(default_factory=lambda: _model_default("eval_time_limit_seconds"))
    eval_memory_limit_mb: int = field(default_factory=lambda: _model_default("eval_memory_limit_mb"))
    use_ladder: bool = field(default_factory=lambda: _model_default("use_ladder"))
    publish_policy: str = field(default_factory=lambda: _model_default("publish_policy"))
    final_selection_limit: int = field(default_factory=lambda: _model_default("final_selection_limit"))
    daily_submission_limit: int = field(default_factory=lambda: _model_default("daily_submission_limit"))
    total_submission_limit: int = field(default_factory=lambda: _model_default("total_submission_limit"))
    prize_pool: int = 0
    prize_split: tuple[int, ...] = field(default_factory=lambda: tuple(_model_default("prize_split")))
    clue_share_bps: int = field(default_factory=lambda: _model_default("clue_share_bps"))
    share_depth: int = field(default_factory=lambda: _model_default("share_depth"))

    def model_fields(self) -> dict[str, Any]:
        """The settings as Challenge field values (shapes and dtype folded into the two spec objects)."""
        return {
            **{name: getattr(self, name) for name in STORED_AS_THEY_ARE},
            "input_spec": {"shape": list(self.input_shape), "dtype": self.input_dtype},
            "output_spec": {"shape": list(self.output_shape)},
            "accepted_formats": list(self.accepted_formats),
            "architectures": {name: dict(config) for name, config in self.architectures.items()},
            "prize_split": list(self.prize_split),
        }


RESHAPED = (
    "input_shape",
    "input_dtype",
    "output_shape",
    "accepted_formats",
    "architectures",
    "prize_split",
)
# The settings that are Challenge fields of the same name and value.
STORED_AS_THEY_ARE = tuple(
    setting.name for setting in fields(ChallengeSettings) if setting.name not in RESHAPED
)


def challenge_settings_of(challenge: Challenge) -> ChallengeSettings:
    """The settings a stored challenge has now."""
    input_spec, output_spec = challenge.input_spec or {}, challenge.output_spec or {}
    return ChallengeSettings(
        **{name: getattr(challenge, name) for name in STORED_AS_THEY_ARE},
        input_shape=tuple(input_spec.get("shape") or ()),
        input_dtype=str(input_spec.get("dtype", "float32")),
        output_shape=tuple(output_spec.get("shape") or ()),
        accepted_formats=tuple(challenge.accepted_formats or ()),
        architectures=dict(challenge.architectures or {}),
        prize_split=tuple(challenge.prize_split or ()),
    )


def canonical_architectures(architectures: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """The architectures with complete configs (defaults filled in); a config the registry refuses stays as is."""
    canonical: dict[str, dict[str, Any]] = {}
    for name, config in architectures.items():
        try:
            canonical[name] = canonical_config(name, config)
        except ArchitectureConfigError:
            canonical[name] = dict(config)
    return canonical


def challenge_check_settings(*, settings: ChallengeSettings) -> None:
    """Check every setting, cheapest first; raises ApplicationError naming the setting at fault.

    The last check builds each listed architecture and runs one all-zero input row through it, so a
    challenge that accepts safetensors weights can load and score them.
    """
    _check_texts(settings)
    _check_shape(settings.input_shape, "input_shape", "input shape")
    if settings.input_dtype not in ALLOWED_INPUT_DTYPES:
        raise ApplicationError(
            f"The input dtype must be one of {', '.join(ALLOWED_INPUT_DTYPES)}.", field="input_dtype"
        )
    _check_shape(settings.output_shape, "output_shape", "output shape")
    _check_metric(settings.metric, settings.output_shape)
    _check_choices(settings)
    _check_limits(settings)
    _check_prize_split(settings.prize_split)
    if settings.ends_at <= settings.starts_at:
        raise ApplicationError("The challenge must end after it starts.", field="ends_at")
    _check_formats_and_architectures(settings)


def _check_texts(settings: ChallengeSettings) -> None:
    try:
        validate_slug(settings.slug)
    except ValidationError as exc:
        raise ApplicationError(
            "The slug may hold only letters, digits, hyphens and underscores.", field="slug"
        ) from exc
    for name in ("title", "description"):
        if not getattr(settings, name).strip():
            raise ApplicationError(f"The challenge needs a {name}.", field=name)


def _check_shape(shape: Sequence[int], name: str, label: str) -> None:
    if (
        not shape
        or len(shape) > MAX_SHAPE_DIMENSIONS
        or not all(type(d) is int and d > 0 for d in shape)
        or math.prod(shape) > MAX_ROW_ELEMENTS
    ):
        raise ApplicationError(
            f"The {label} needs 1 to {MAX_SHAPE_DIMENSIONS} positive whole numbers (at most "
            f"{MAX_ROW_ELEMENTS:,} values a row), e.g. 64 or 3, 32, 32.",
            field=name,
        )


def _check_metric(metric: str, output_shape: Sequence[int]) -> None:
    try:
        problem = output_shape_problem(metric, output_shape)
    except UnknownMetric as exc:
        raise ApplicationError(str(exc), field="metric") from exc
    if problem is not None:
        raise ApplicationError(problem, field="output_shape")


def _check_choices(settings: ChallengeSettings) -> None:
    if settings.evaluation_queue not in EvaluationQueue.values:
        raise ApplicationError("Choose the CPU or the GPU queue.", field="evaluation_queue")
    if settings.publish_policy not in PublishPolicy.values:
        raise ApplicationError("Choose when code and write-ups are published.", field="publish_policy")


def _check_limits(settings: ChallengeSettings) -> None:
    _check_range(settings.eval_time_limit_seconds, 1, MAX_EVAL_SECONDS, "eval_time_limit_seconds", "seconds")
    _check_range(
        settings.eval_memory_limit_mb, MIN_EVAL_MEMORY_MB, MAX_EVAL_MEMORY_MB, "eval_memory_limit_mb", "MiB"
    )
    _check_range(settings.total_submission_limit, 1, 1_000_000, "total_submission_limit", "submissions")
    _check_range(
        settings.daily_submission_limit,
        1,
        settings.total_submission_limit,
        "daily_submission_limit",
        "submissions (no more than the total)",
    )
    _check_range(
        settings.final_selection_limit,
        1,
        settings.total_submission_limit,
        "final_selection_limit",
        "submissions (no more than the total)",
    )
    _check_range(settings.clue_share_bps, 0, MAX_CLUE_SHARE_BPS, "clue_share_bps", "basis points")
    _check_range(settings.share_depth, 1, MAX_SHARE_DEPTH, "share_depth", "levels of citations")
    if not 0 <= settings.prize_pool < 2**256:
        raise ApplicationError(
            "The prize pool must be between 0 and 2**256 - 1 base units.", field="prize_pool"
        )


def _check_prize_split(split: Sequence[int]) -> None:
    # Shares never grow down the ranking: a lower rank earning more than a higher one is always a typo.
    whole = all(type(share) is int and 1 <= share <= 100 for share in split)
    if not (1 <= len(split) <= MAX_PRIZE_RANKS and whole and sum(split) == 100):
        raise ApplicationError(
            f"The prize split needs 1 to {MAX_PRIZE_RANKS} whole percentages (1 to 100) for ranks 1, 2, ..., "
            "summing to 100, e.g. 50, 30, 20.",
            field="prize_split",
        )
    if any(lower > higher for higher, lower in itertools.pairwise(split)):
        raise ApplicationError(
            "A lower rank cannot get a larger share than a higher one: order the split from rank 1 down.",
            field="prize_split",
        )


def _check_range(value: int, low: int, high: int, name: str, unit: str) -> None:
    if type(value) is not int or not low <= value <= high:
        raise ApplicationError(f"Set {low} to {high:,} {unit}.", field=name)


def _check_formats_and_architectures(settings: ChallengeSettings) -> None:
    formats = settings.accepted_formats
    if not formats or len(set(formats)) != len(formats) or not set(formats) <= set(ModelFormat.values):
        raise ApplicationError(
            f"Accept at least one model format among: {', '.join(ModelFormat.values)}.",
            field="accepted_formats",
        )
    takes_weights = ModelFormat.SAFETENSORS in formats
    if takes_weights and not settings.architectures:
        raise ApplicationError(
            "safetensors weights need at least one architecture to load into.", field="architectures"
        )
    if not takes_weights and settings.architectures:
        raise ApplicationError(
            "Architectures are used only for safetensors weights: accept safetensors or list none.",
            field="architectures",
        )
    for name, config in settings.architectures.items():
        _check_architecture(name, config, settings)


def _check_architecture(name: str, config: Mapping[str, Any], settings: ChallengeSettings) -> None:
    # Imported here: torch loads only where an organizer's settings are checked, not in every web process.
    from evaluation.scoring.architectures import check_architecture

    try:
        check_architecture(
            name,
            config,
            input_shape=settings.input_shape,
            input_dtype=settings.input_dtype,
            output_shape=settings.output_shape,
            max_parameters=django_settings.MAX_MODEL_FILE_BYTES // FLOAT32_BYTES,
        )
    except ArchitectureConfigError as exc:
        raise ApplicationError(str(exc), field="architectures") from exc
