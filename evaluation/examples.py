"""Reference models for the demo challenge, the tests and the benchmarks, made the way a contributor would.

Contributors bring their own models; these exist so the platform can show and test a real submission
in both tiers: safetensors weights for a registry architecture, and the same network as ONNX.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import save_file
from torch import nn

from evaluation.scoring.architectures import build_model

DIGITS_MLP = {"in_features": 64, "hidden": 64, "depth": 1, "n_outputs": 10, "activation": "relu"}
DIGITS_CNN = {
    "in_channels": 1,
    "height": 8,
    "width": 8,
    "channels_1": 8,
    "channels_2": 16,
    "channels_3": 32,
    "hidden": 32,
    "n_outputs": 10,
}
# The benchmark's workload: ~0.62 M parameters on 3x32x32 inputs.
CIFAR_CNN = {
    "in_channels": 3,
    "height": 32,
    "width": 32,
    "channels_1": 32,
    "channels_2": 64,
    "channels_3": 128,
    "hidden": 256,
    "n_outputs": 10,
}
DIGITS_ARCHITECTURES = {"mlp": DIGITS_MLP, "cnn": DIGITS_CNN}


def seeded_model(architecture: str, config: Mapping[str, Any], seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    return build_model(architecture, config)


def train_on_digits(model: nn.Module, *, epochs: int = 30, seed: int = 0) -> nn.Module:
    """A few epochs of full-batch Adam on scikit-learn's digits; about a second on a CPU."""
    from sklearn.datasets import load_digits

    torch.manual_seed(seed)
    digits = load_digits()
    inputs = torch.from_numpy(digits.data.astype(np.float32))
    labels = torch.from_numpy(digits.target.astype(np.int64))
    optimiser = torch.optim.Adam(model.parameters(), lr=0.01)
    model.train()
    for _ in range(epochs):
        optimiser.zero_grad()
        loss = nn.functional.cross_entropy(model(inputs), labels)
        loss.backward()
        optimiser.step()
    return model.eval()


def save_weights(model: nn.Module, path: Path, architecture: str) -> Path:
    """safetensors weights with the registry architecture named in the metadata."""
    state = {name: tensor.detach().contiguous() for name, tensor in model.state_dict().items()}
    save_file(state, str(path), metadata={"architecture": architecture})
    return path


def export_onnx(model: nn.Module, path: Path, row_shape: tuple[int, ...]) -> Path:
    """The same network as an ONNX graph with a dynamic batch dimension."""
    example = torch.zeros((1, *row_shape), dtype=torch.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TorchScript exporter announces its own deprecation
        torch.onnx.export(
            model.eval(),
            (example,),
            str(path),
            dynamo=False,
            input_names=["inputs"],
            output_names=["scores"],
            dynamic_axes={"inputs": {0: "batch"}, "scores": {0: "batch"}},
            opset_version=17,
        )
    return path
