"""The demo's data and starter script: a hidden set no public copy solves, and a starter that beats it."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch
from django.conf import settings
from safetensors import safe_open
from sklearn.datasets import load_digits

from bounties.demo import DEMO_ARCHITECTURES
from bounties.demo_data import make_digits_data
from evaluation.scoring.architectures import build_model
from starter import digits_starter

ROOT = Path(settings.BASE_DIR)
STARTER = ROOT / "starter" / "digits_starter.py"


@pytest.fixture(scope="module")
def data() -> object:
    return make_digits_data(secret_seed=2024)


def test_each_secret_seed_makes_other_hidden_rows() -> None:
    first, second = make_digits_data(secret_seed=1), make_digits_data(secret_seed=2)
    assert first.hidden_inputs.shape == second.hidden_inputs.shape == (1594, 64)
    assert not np.array_equal(first.hidden_inputs, second.hidden_inputs)
    assert np.array_equal(first.hidden_inputs, make_digits_data(secret_seed=1).hidden_inputs)


def test_a_model_of_the_raw_public_digits_does_notably_worse_than_one_of_the_training_split(
    data: object,
) -> None:
    torch.set_num_threads(1)
    digits = load_digits()
    on_split = digits_starter.train(data.train_inputs, data.train_labels)  # type: ignore[attr-defined]
    on_raw = digits_starter.train(digits.data.astype(np.float32), digits.target.astype(np.int64))
    hidden = (data.hidden_inputs, data.hidden_labels)  # type: ignore[attr-defined]
    split_accuracy, raw_accuracy = (
        digits_starter.accuracy(on_split, *hidden),
        digits_starter.accuracy(on_raw, *hidden),
    )
    assert digits_starter.accuracy(on_raw, digits.data.astype(np.float32), digits.target) > 0.95  # it learned
    assert split_accuracy > 0.75
    assert raw_accuracy < split_accuracy - 0.25, (raw_accuracy, split_accuracy)


def test_the_starter_script_exports_models_the_challenge_accepts(data: object, tmp_path: Path) -> None:
    train_file = tmp_path / "digits-train.npz"
    np.savez(train_file, inputs=data.train_inputs, labels=data.train_labels)  # type: ignore[attr-defined]
    run = subprocess.run(
        [sys.executable, str(STARTER), str(train_file), "--out", str(tmp_path / "models")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    held_out = float(re.search(r"held-out accuracy: ([0-9.]+)", run.stdout).group(1))  # type: ignore[union-attr]
    assert held_out > 0.75

    graph = onnx.load(str(tmp_path / "models" / "digits-mlp.onnx"))
    (output,) = graph.graph.output
    dims = [d.dim_param or d.dim_value for d in output.type.tensor_type.shape.dim]
    assert dims == ["batch", 10]  # statically [batch, *output_spec]
    registry_model = build_model("mlp", DEMO_ARCHITECTURES["mlp"])
    expected = {name: tuple(t.shape) for name, t in registry_model.state_dict().items()}
    with safe_open(str(tmp_path / "models" / "digits-mlp.safetensors"), framework="pt") as weights:
        assert weights.metadata() == {"architecture": "mlp"}
        assert {name: tuple(weights.get_tensor(name).shape) for name in weights.keys()} == expected  # noqa: SIM118


def test_the_starter_needs_only_packages_in_requirements() -> None:
    tree = ast.parse(STARTER.read_text())
    imported = {
        (node.module if isinstance(node, ast.ImportFrom) else alias.name).split(".")[0]  # type: ignore[union-attr]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    third_party = imported - set(sys.stdlib_module_names) - {"__future__"}
    requirements = {
        line.split("==")[0].strip().lower() for line in (ROOT / "requirements.txt").read_text().splitlines()
    }
    assert third_party == {"numpy", "torch", "safetensors"}
    assert third_party | {"onnx"} <= requirements  # torch's ONNX exporter needs onnx
