"""The platform's registry of model architectures for safetensors submissions: the torch modules.

A safetensors file holds weights only; the code that uses them is ours. Which architectures exist, their
configs and how a config is checked live in `architecture_specs` (no torch, so Django can read them at
start-up); this module builds the network of each name listed there.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from evaluation.scoring.architecture_specs import (
    ACTIVATION_NAMES,
    SPECS,
    ArchitectureConfigError,
    ArchitectureSpec,
    CNNConfig,
    MLPConfig,
    parse_config,
)

# ArchitectureConfigError is re-exported: the loaders catch it from here, beside build_model.
__all__ = [
    "REGISTRY",
    "Architecture",
    "ArchitectureConfigError",
    "build_model",
    "check_architecture",
    "parameter_count",
]

# Keyed by the names the specs list: a listed activation without a module fails here, at import.
_ACTIVATION_MODULES: dict[str, Callable[[], nn.Module]] = {"relu": nn.ReLU, "gelu": nn.GELU, "tanh": nn.Tanh}
ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {
    name: _ACTIVATION_MODULES[name] for name in ACTIVATION_NAMES
}


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
    """A listed architecture and the function that builds its network from a parsed config."""

    spec: ArchitectureSpec
    build: Callable[[Any], nn.Module]


_BUILDERS: dict[str, Callable[[Any], nn.Module]] = {"mlp": MLP, "cnn": CNN}

# Built from the specs: a listed architecture without a builder fails here, at import, not in a worker.
REGISTRY: dict[str, Architecture] = {
    name: Architecture(spec, _BUILDERS[name]) for name, spec in SPECS.items()
}


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
