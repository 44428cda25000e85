"""The architectures the platform accepts, as data: their names, config types, limits and help, no torch.

A challenge names the architectures it accepts with a config of plain numbers and enums, checked strictly
here: no string in a config ever reaches an import, `getattr` or `eval`. This module is the one owner of
the list: the organizer's form and the challenge settings read it at Django start-up without importing
torch, and `architectures` builds the torch module of each name listed here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, asdict, dataclass, field, fields
from typing import Any

ACTIVATION_NAMES = ("relu", "gelu", "tanh")


class ArchitectureConfigError(ValueError):
    """A config that the registry refuses; the message names the field."""


@dataclass(frozen=True)
class IntRange:
    low: int
    high: int


@dataclass(frozen=True)
class MLPConfig:
    in_features: int
    hidden: int
    depth: int
    n_outputs: int
    activation: str = "relu"


@dataclass(frozen=True)
class CNNConfig:
    """Three 3x3 convolution stages with max-pooling, then two linear layers."""

    in_channels: int
    height: int
    width: int
    channels_1: int
    channels_2: int
    channels_3: int
    hidden: int
    n_outputs: int


@dataclass(frozen=True)
class ArchitectureSpec:
    name: str
    config_type: type
    ranges: Mapping[str, IntRange]
    enums: Mapping[str, tuple[str, ...]]
    # For the organizer's form: what the network is, and what each config field sets.
    summary: str = ""
    field_help: Mapping[str, str] = field(default_factory=dict)


SPECS: dict[str, ArchitectureSpec] = {
    "mlp": ArchitectureSpec(
        name="mlp",
        config_type=MLPConfig,
        ranges={
            "in_features": IntRange(1, 1_000_000),
            "hidden": IntRange(1, 8192),
            "depth": IntRange(0, 8),
            "n_outputs": IntRange(1, 100_000),
        },
        enums={"activation": ACTIVATION_NAMES},
        summary="Multilayer perceptron: the row flattened, `depth` hidden layers, then a linear output layer.",
        field_help={
            "in_features": "values in one input row (the product of the input shape)",
            "hidden": "units in each hidden layer",
            "depth": "number of hidden layers (0: a linear model)",
            "n_outputs": "values in one output row (the product of the output shape)",
            "activation": "non-linearity after each hidden layer",
        },
    ),
    "cnn": ArchitectureSpec(
        name="cnn",
        config_type=CNNConfig,
        ranges={
            "in_channels": IntRange(1, 64),
            "height": IntRange(8, 1024),
            "width": IntRange(8, 1024),
            "channels_1": IntRange(1, 1024),
            "channels_2": IntRange(1, 1024),
            "channels_3": IntRange(1, 1024),
            "hidden": IntRange(1, 8192),
            "n_outputs": IntRange(1, 100_000),
        },
        enums={},
        summary="Small convolutional network: three 3x3 convolution stages with max-pooling, then two linear "
        "layers. Input rows are read as channels x height x width.",
        field_help={
            "in_channels": "image channels (1 grey, 3 colour)",
            "height": "image height in pixels (at least 8)",
            "width": "image width in pixels (at least 8)",
            "channels_1": "channels of the first convolution stage",
            "channels_2": "channels of the second convolution stage",
            "channels_3": "channels of the third convolution stage",
            "hidden": "units of the hidden linear layer",
            "n_outputs": "values in one output row (the product of the output shape)",
        },
    ),
}


@dataclass(frozen=True)
class ConfigField:
    """One field of an architecture's config, as a form shows it: an integer range or a choice."""

    name: str
    help: str
    low: int | None = None
    high: int | None = None
    choices: tuple[str, ...] = ()
    default: Any = None


def config_fields(architecture_name: str) -> list[ConfigField]:
    """The fields of a registered architecture's config, in declaration order."""
    architecture = SPECS[architecture_name]
    described = []
    for config_field in fields(architecture.config_type):
        name = config_field.name
        allowed = architecture.ranges.get(name)
        default = None if config_field.default is MISSING else config_field.default
        described.append(
            ConfigField(
                name=name,
                help=architecture.field_help.get(name, ""),
                low=allowed.low if allowed else None,
                high=allowed.high if allowed else None,
                choices=tuple(architecture.enums.get(name, ())),
                default=default,
            )
        )
    return described


def parse_config(architecture_name: str, raw: Mapping[str, Any]) -> Any:
    """The typed config for an architecture; raises ArchitectureConfigError for any unknown or bad value."""
    architecture = SPECS.get(architecture_name)
    if architecture is None:
        raise ArchitectureConfigError(
            f"Unknown architecture '{architecture_name}'; the registry has {', '.join(sorted(SPECS))}."
        )
    names = {config_field.name for config_field in fields(architecture.config_type)}
    unknown = set(raw) - names
    if unknown:
        raise ArchitectureConfigError(
            f"Unknown config field(s) for {architecture_name}: {', '.join(sorted(unknown))}."
        )
    for name, allowed in architecture.ranges.items():
        value = raw.get(name)
        if type(value) is not int or not allowed.low <= value <= allowed.high:
            raise ArchitectureConfigError(
                f"{architecture_name}.{name} must be an integer in [{allowed.low}, {allowed.high}]."
            )
    for name, choices in architecture.enums.items():
        if name in raw and raw[name] not in choices:
            raise ArchitectureConfigError(f"{architecture_name}.{name} must be one of {', '.join(choices)}.")
    return architecture.config_type(**raw)


def canonical_config(architecture_name: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The config with every field, defaults filled in, so that two ways of writing it compare equal."""
    return asdict(parse_config(architecture_name, raw))
