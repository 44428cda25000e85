"""Where a job's time goes in the sandbox's harness, phase by phase (no sandbox: the same code in a fresh
process, as the harness runs it), to see what the pipeline/bare ratio of `eval_overhead.py` is made of.

Run from the repository root: `python benchmarks/gpu_phases.py [--device cuda] [--rows 50000]`.
Prints one line per phase, in seconds: the warm-up the spare does before a job (imports, CUDA), then the
job (load the weights, map the inputs, run every batch), then the same run again in the warm process
(what is left once every kernel is planned and loaded), then a run over inputs already in memory.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def timed(label: str, action: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = action()
    print(f"{label:<40} {time.perf_counter() - started:7.3f}s", flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cuda")
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=256)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="clueboard-gpu-phases-"))

    from evaluation import examples

    inputs_path = folder / "inputs.npy"
    rows = np.random.default_rng(0).standard_normal((options.rows, 3, 32, 32), dtype=np.float32)
    np.save(inputs_path, rows)
    del rows
    weights = examples.save_weights(
        examples.seeded_model("cnn", examples.CIFAR_CNN), folder / "m.safetensors", "cnn"
    )

    if options.device == "cuda":
        os.environ.setdefault("CUDA_VISIBLE_DEVICES", "0")  # as the sandbox of a GPU worker has it
    from evaluation.sandbox.child import warm_cuda, warm_imports

    timed("spare: imports", warm_imports)
    if options.device == "cuda":
        timed("spare: CUDA context, cuDNN, cuBLAS", warm_cuda)

    from evaluation.scoring.inference import run_inference
    from evaluation.scoring.loaders import load_model

    def load() -> Any:
        return load_model(
            weights, "safetensors", {"cnn": examples.CIFAR_CNN}, 16, options.device, output_shape=[10]
        )

    predictor = timed("job: load the weights", load)
    mapped = timed("job: map the inputs", lambda: np.load(inputs_path, mmap_mode="r", allow_pickle=False))

    def infer(inputs: np.ndarray) -> Any:
        return lambda: run_inference(
            predictor, inputs, output_shape=[10], batch_size=options.batch, one_shape=True
        )

    timed("job: every batch (first run)", infer(mapped))
    timed("again: every batch (warm process)", infer(mapped))
    in_memory = timed("read the inputs into memory", lambda: np.load(inputs_path, allow_pickle=False))
    timed("again: every batch, inputs in memory", infer(in_memory))
    return 0


if __name__ == "__main__":
    sys.exit(main())
