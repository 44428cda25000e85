"""The platform's registry of model architectures for safetensors submissions.

A safetensors file holds weights only; the code that uses them is ours. A challenge names the
architectures it accepts with a config of plain numbers and enums, checked strictly here: no string in a
config ever reaches an import, `getattr` or `eval`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

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
    ),
}


def parse_config(architecture_name: str, raw: Mapping[str, Any]) -> Any:
    """The typed config for an architecture; raises ArchitectureConfigError for any unknown or bad value."""
    architecture = REGISTRY.get(architecture_name)
    if architecture is None:
        raise ArchitectureConfigError(
            f"Unknown architecture '{architecture_name}'; the registry has {', '.join(sorted(REGISTRY))}."
        )
    names = {f.name for f in fields(architecture.config_type)}
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


def build_model(architecture_name: str, raw_config: Mapping[str, Any]) -> nn.Module:
    """A fresh, untrained module of a registered architecture, in eval mode."""
    config = parse_config(architecture_name, raw_config)
    return REGISTRY[architecture_name].build(config).eval()
