"""The platform's registry of model architectures for safetensors submissions.

A safetensors file holds weights only; the code that uses them is ours. A challenge names the
architectures it accepts with a config of plain numbers and enums, checked strictly here: no string in a
config ever reaches an import, `getattr` or `eval`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import MISSING, asdict, dataclass, field, fields
from typing import Any

import numpy as np
import torch
from torch import nn

ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {"relu": nn.ReLU, "gelu": nn.GELU, "tanh": nn.Tanh}


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


class MLP(nn.Module):
    def __init__(self, config: MLPConfig) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        width = config.in_features
        for _ in range(config.depth):
            layers += [nn.Linear(width, config.hidden), ACTIVATIONS[config.activation]()]
            width = config.hidden
        layers.append(nn.Linear(width, config.n_outputs))
        self.layers = nn.Sequential(*layers)
        self.in_features = config.in_features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x.reshape(x.shape[0], self.in_features))


class CNN(nn.Module):
    def __init__(self, config: CNNConfig) -> None:
        super().__init__()
        widths = [config.in_channels, config.channels_1, config.channels_2, config.channels_3]
        stages: list[nn.Module] = []
        for c_in, c_out in itertools.pairwise(widths):
            stages += [nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
        self.features = nn.Sequential(*stages)
        flat = config.channels_3 * (config.height // 8) * (config.width // 8)
        self.head = nn.Sequential(
            nn.Flatten(),
            nn.Linear(flat, config.hidden),
            nn.ReLU(),
            nn.Linear(config.hidden, config.n_outputs),
        )
        self.shape = (config.in_channels, config.height, config.width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x.reshape(x.shape[0], *self.shape)))


@dataclass(frozen=True)
class Architecture:
    name: str
    config_type: type
    ranges: Mapping[str, IntRange]
    enums: Mapping[str, tuple[str, ...]]
    build: Callable[[Any], nn.Module]
    # For the organizer's form: what the network is, and what each config field sets.
    summary: str = ""
    field_help: Mapping[str, str] = field(default_factory=dict)


REGISTRY: dict[str, Architecture] = {
    "mlp": Architecture(
        name="mlp",
        config_type=MLPConfig,
        ranges={
            "in_features": IntRange(1, 1_000_000),
            "hidden": IntRange(1, 8192),
            "depth": IntRange(0, 8),
            "n_outputs": IntRange(1, 100_000),
        },
        enums={"activation": tuple(ACTIVATIONS)},
        build=MLP,
        summary="Multilayer perceptron: the row flattened, `depth` hidden layers, then a linear output layer.",
        field_help={
            "in_features": "values in one input row (the product of the input shape)",
            "hidden": "units in each hidden layer",
            "depth": "number of hidden layers (0: a linear model)",
            "n_outputs": "values in one output row (the product of the output shape)",
            "activation": "non-linearity after each hidden layer",
        },
    ),
    "cnn": Architecture(
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
        build=CNN,
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
    architecture = REGISTRY[architecture_name]
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
    architecture = REGISTRY.get(architecture_name)
    if architecture is None:
        raise ArchitectureConfigError(
            f"Unknown architecture '{architecture_name}'; the registry has {', '.join(sorted(REGISTRY))}."
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


def build_model(architecture_name: str, raw_config: Mapping[str, Any]) -> nn.Module:
    """A fresh, untrained module of a registered architecture, in eval mode."""
    config = parse_config(architecture_name, raw_config)
    return REGISTRY[architecture_name].build(config).eval()


def parameter_count(architecture_name: str, raw_config: Mapping[str, Any]) -> int:
    """How many weights the architecture has with this config, counted without allocating them."""
    config = parse_config(architecture_name, raw_config)
    with torch.device("meta"):
        skeleton = REGISTRY[architecture_name].build(config)
    return sum(parameter.numel() for parameter in skeleton.parameters())


def check_architecture(
    architecture_name: str,
    raw_config: Mapping[str, Any],
    *,
    input_shape: Sequence[int],
    input_dtype: str,
    output_shape: Sequence[int],
    max_parameters: int,
) -> None:
    """Build the architecture and run one all-zero input row through it, as a worker's probe would.

    Raises ArchitectureConfigError unless it builds, takes a row of `input_shape` in `input_dtype`, and
    answers with a row of `output_shape`; the message is for the organizer.
    """
    n_parameters = parameter_count(architecture_name, raw_config)
    if n_parameters > max_parameters:
        raise ArchitectureConfigError(
            f"{architecture_name} with this config has {n_parameters:,} weights; a weights file of more than "
            f"{max_parameters:,} weights (the model upload limit) could not be uploaded."
        )
    model = build_model(architecture_name, raw_config)
    # The same array the worker makes: the hidden inputs are cast to the challenge's input dtype.
    zero_row = torch.from_numpy(np.zeros((1, *input_shape), dtype=input_dtype))
    try:
        with torch.inference_mode():
            output = model(zero_row)
    except (RuntimeError, ValueError, TypeError) as exc:
        reason = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise ArchitectureConfigError(
            f"{architecture_name} does not take input rows of shape {list(input_shape)} ({input_dtype}): "
            f"{reason}"
        ) from exc
    if list(output.shape) != [1, *output_shape]:
        raise ArchitectureConfigError(
            f"{architecture_name} answers a row of shape {list(input_shape)} with shape "
            f"{list(output.shape[1:])}, not the output shape {list(output_shape)}."
        )
