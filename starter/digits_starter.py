"""Starter kit for Clueboard's demo challenge "Handwritten digits": train on the public split, export, submit.

Download the training split `digits-train.npz` from the challenge's Data tab, then:

    python digits_starter.py digits-train.npz --out models/

In a few seconds on a CPU it trains a small network and writes it in both formats the challenge accepts:

- `models/digits-mlp.onnx`: an ONNX graph taking a batch of rows of 64 float32 values, answering 10
  class scores per row;
- `models/digits-mlp.safetensors`: the same weights for the platform's registered `mlp` architecture
  (the config below must match the challenge's; the file's metadata names the architecture).

Upload either one with the challenge's "Submit a model" page, with a .zip of your code and a write-up.
It needs only numpy, torch, onnx and safetensors. Everything else is yours to improve: the hidden images
are faded, shifted and scratched like the training split, but they are other images.
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import save_file
from torch import nn

# The demo challenge's registered `mlp` architecture: weights must fit it exactly.
ARCHITECTURE = "mlp"
MLP_CONFIG: dict[str, Any] = {
    "in_features": 64,
    "hidden": 256,
    "depth": 2,
    "n_outputs": 10,
    "activation": "relu",
}


class DigitsMLP(nn.Module):
    """The registry's `mlp` layout: `layers` of Linear and ReLU, then a Linear to the class scores."""

    def __init__(self, in_features: int, hidden: int, depth: int, n_outputs: int) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        width = in_features
        for _ in range(depth):
            layers += [nn.Linear(width, hidden), nn.ReLU()]
            width = hidden
        layers.append(nn.Linear(width, n_outputs))
        self.layers = nn.Sequential(*layers)
        self.in_features = in_features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x.reshape(x.shape[0], self.in_features))


def load_split(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """The arrays `inputs` (rows of 64 values from 0 to 16) and `labels` (0 to 9) of an .npz file."""
    with np.load(path, allow_pickle=False) as archive:
        return archive["inputs"].astype(np.float32), archive["labels"].astype(np.int64)


def train(inputs: np.ndarray, labels: np.ndarray, *, epochs: int = 20, seed: int = 0) -> DigitsMLP:
    """Mini-batch Adam with cross-entropy; about a second for 3,000 rows on one CPU core."""
    torch.manual_seed(seed)
    model = DigitsMLP(
        MLP_CONFIG["in_features"], MLP_CONFIG["hidden"], MLP_CONFIG["depth"], MLP_CONFIG["n_outputs"]
    )
    x, y = torch.from_numpy(inputs), torch.from_numpy(labels)
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
    order = torch.Generator().manual_seed(seed)
    model.train()
    for _ in range(epochs):
        for batch in torch.randperm(len(x), generator=order).split(64):
            optimiser.zero_grad()
            nn.functional.cross_entropy(model(x[batch]), y[batch]).backward()
            optimiser.step()
    return model.eval()


def accuracy(model: nn.Module, inputs: np.ndarray, labels: np.ndarray) -> float:
    with torch.inference_mode():
        predicted = model(torch.from_numpy(inputs)).argmax(dim=1).numpy()
    return float((predicted == labels).mean())


def export(model: nn.Module, out_dir: Path) -> tuple[Path, Path]:
    """The model as safetensors weights (architecture in the metadata) and as ONNX with a dynamic batch."""
    out_dir.mkdir(parents=True, exist_ok=True)
    weights = out_dir / "digits-mlp.safetensors"
    state = {name: tensor.detach().contiguous() for name, tensor in model.state_dict().items()}
    save_file(state, str(weights), metadata={"architecture": ARCHITECTURE})
    graph = out_dir / "digits-mlp.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TorchScript exporter announces its own deprecation
        torch.onnx.export(
            model.eval(),
            (torch.zeros((1, MLP_CONFIG["in_features"]), dtype=torch.float32),),
            str(graph),
            dynamo=False,
            input_names=["inputs"],
            output_names=["scores"],
            dynamic_axes={"inputs": {0: "batch"}, "scores": {0: "batch"}},
            opset_version=17,
        )
    return weights, graph


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("train_file", type=Path, help="digits-train.npz from the challenge's Data tab")
    parser.add_argument("--out", type=Path, default=Path("models"), help="folder for the two model files")
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args(argv)

    torch.set_num_threads(1)  # a model this small trains fastest on one core
    inputs, labels = load_split(args.train_file)
    # A tenth of the rows, to see how well it generalises (other copies of an image may be in training,
    # so expect the hidden score to be a little lower).
    held_out = np.arange(len(inputs)) % 10 == 0
    model = train(inputs[~held_out], labels[~held_out], epochs=args.epochs)
    print(f"held-out accuracy: {accuracy(model, inputs[held_out], labels[held_out]):.3f}")
    model = train(inputs, labels, epochs=args.epochs)
    for path in export(model, args.out):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
