"""Loading a submitted model without ever running code from the file.

Tier 1: safetensors weights for a registry architecture, checked key by key before `strict=True` loading.
Tier 2: ONNX graphs in onnxruntime, default operator domains only, no external data, size caps.
Formats whose loaders can run code are never opened; nothing retries a load with a weaker setting.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from evaluation.scoring.contract import ContractError, check_onnx_output_declaration
from evaluation.scoring.errors import FailureClass, ScoringError

MAX_SAFETENSORS_HEADER_BYTES = 100 * 1024 * 1024
MAX_ONNX_NODES = 20_000
MAX_ONNX_INITIALIZER_BYTES = 2 * 1024 * 1024 * 1024
ALLOWED_ONNX_DOMAINS = {"", "ai.onnx", "ai.onnx.ml"}
SAFETENSORS_DTYPES = {"F32": "float32", "F16": "float16", "BF16": "bfloat16", "F64": "float64"}


class Predictor(Protocol):
    """A loaded model: maps a batch of inputs to a batch of outputs, both numpy."""

    device: str

    def predict(self, batch: np.ndarray) -> np.ndarray: ...


def format_error(reason: str) -> ScoringError:
    return ScoringError(FailureClass.FORMAT, reason)


# ---- tier 1: safetensors + registry --------------------------------------------------------------


def read_safetensors_header(path: Path) -> dict[str, Any]:
    """The JSON header, checked for size before it is read; raises ScoringError(FORMAT)."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        prefix = handle.read(8)
        if len(prefix) < 8:
            raise format_error("Not a safetensors file: it is shorter than its 8-byte header length.")
        header_length = int.from_bytes(prefix, "little")
        if header_length > MAX_SAFETENSORS_HEADER_BYTES or 8 + header_length > size:
            raise format_error(
                "Not a safetensors file: its header length is larger than allowed or than the file."
            )
        raw = handle.read(header_length)
    try:
        header = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise format_error("Not a safetensors file: its header is not valid JSON.") from exc
    if not isinstance(header, dict):
        raise format_error("Not a safetensors file: its header is not a JSON object.")
    return header


def declared_architecture(header: Mapping[str, Any]) -> str | None:
    """The `architecture` named in the file's metadata, the only metadata field we read."""
    metadata = header.get("__metadata__") or {}
    name = metadata.get("architecture") if isinstance(metadata, dict) else None
    return name if isinstance(name, str) else None


def check_tensors_match(header: Mapping[str, Any], expected: Mapping[str, Any]) -> None:
    """Exact keys, shapes and float32 dtypes against the module's state dict; raises ScoringError(FORMAT)."""
    tensors = {k: v for k, v in header.items() if k != "__metadata__"}
    missing, extra = sorted(set(expected) - set(tensors)), sorted(set(tensors) - set(expected))
    if missing or extra:
        raise format_error(
            f"The weights do not match the architecture: missing {missing[:5] or 'none'}, unexpected {extra[:5] or 'none'}."
        )
    for name, tensor in expected.items():
        info = tensors[name]
        if not isinstance(info, dict) or list(info.get("shape", [])) != list(tensor.shape):
            raise format_error(
                f"Tensor '{name}' has shape {info.get('shape')}, expected {list(tensor.shape)}."
            )
        if info.get("dtype") != "F32":
            raise format_error(
                f"Tensor '{name}' has dtype {info.get('dtype')}; weights must be float32 (F32)."
            )


@dataclass
class TorchPredictor:
    module: Any
    device: str

    def predict(self, batch: np.ndarray) -> np.ndarray:
        import torch

        with torch.inference_mode():
            inputs = torch.from_numpy(batch).to(self.device, non_blocking=True)
            return self.module(inputs).float().cpu().numpy()


def load_safetensors_model(
    path: Path, architectures: Mapping[str, Mapping[str, Any]], device: str = "cpu"
) -> TorchPredictor:
    """Build the declared registry architecture and load the weights strictly; raises ScoringError."""
    import torch
    from safetensors.torch import load_file

    from evaluation.scoring.architectures import ArchitectureConfigError, build_model

    header = read_safetensors_header(path)
    name = declared_architecture(header)
    if name is None and len(architectures) == 1:
        name = next(iter(architectures))
    if name is None or name not in architectures:
        accepted = ", ".join(sorted(architectures)) or "none"
        raise format_error(
            f"Set the file's metadata 'architecture' to one this challenge accepts: {accepted}."
        )
    try:
        module = build_model(name, architectures[name])
    except ArchitectureConfigError as exc:
        raise ScoringError(
            FailureClass.INFRASTRUCTURE, f"The challenge's architecture config is invalid: {exc}"
        ) from exc
    check_tensors_match(header, module.state_dict())
    try:
        state = load_file(str(path), device="cpu")
        module.load_state_dict(state, strict=True)
    except (RuntimeError, ValueError, OSError) as exc:
        raise format_error("The weights could not be loaded into the architecture.") from exc
    if not all(torch.isfinite(t).all() for t in state.values()):
        raise format_error("The weights contain NaN or infinite values.")
    if device == "cpu":
        module = cpu_inference_layout(module)
    return TorchPredictor(module=module.to(device).eval(), device=device)


def prepare_cuda() -> None:
    """How every GPU inference here runs: the same convolution algorithm on every run (a re-run gives
    the identical score) and full float32 precision (scores that match the CPU's)."""
    import torch

    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False


def cpu_inference_layout(module: Any) -> Any:
    """The module with 4-D weights channels-last: oneDNN's convolutions run about twice as fast so.

    Inputs may stay NCHW; parameters that are not 4-D (every non-convolutional model) are left as they are.
    """
    import torch

    return module.to(memory_format=torch.channels_last)


# ---- tier 2: ONNX --------------------------------------------------------------------------------


def check_onnx_model(path: Path) -> Any:
    """Structural checks before any session exists; returns the parsed model. Raises ScoringError(FORMAT)."""
    import onnx
    from onnx.external_data_helper import uses_external_data

    try:
        model = onnx.load(str(path), load_external_data=False)
    except Exception as exc:  # the protobuf parser raises several unrelated types on garbage
        raise format_error("Not a readable ONNX file.") from exc
    graph = model.graph
    if any(uses_external_data(t) for t in graph.initializer):
        raise format_error("ONNX external data is not accepted: embed all weights in the one .onnx file.")
    domains = {opset.domain for opset in model.opset_import} | {node.domain for node in graph.node}
    if not domains <= ALLOWED_ONNX_DOMAINS:
        raise format_error(
            f"Custom operator domains are not accepted: {', '.join(sorted(domains - ALLOWED_ONNX_DOMAINS))}."
        )
    if len(graph.node) > MAX_ONNX_NODES:
        raise format_error(f"The graph has {len(graph.node)} nodes; the limit is {MAX_ONNX_NODES}.")
    initializer_bytes = sum(len(t.raw_data) for t in graph.initializer)
    if initializer_bytes > MAX_ONNX_INITIALIZER_BYTES:
        raise format_error("The graph's weights are larger than the limit.")
    try:
        onnx.checker.check_model(model, full_check=True)
    except (onnx.checker.ValidationError, onnx.shape_inference.InferenceError) as exc:
        raise format_error(f"The ONNX checker refused the model: {str(exc).splitlines()[0][:200]}") from exc
    return model


@dataclass
class OnnxPredictor:
    session: Any
    input_name: str
    device: str

    def predict(self, batch: np.ndarray) -> np.ndarray:
        (outputs,) = self.session.run(None, {self.input_name: batch})[:1]
        return np.asarray(outputs)


def onnx_providers(device: str, available: Sequence[str], gpu_memory_bytes: int | None) -> list[Any]:
    """The execution providers for a session on `device`; raises ScoringError(INFRASTRUCTURE).

    On "cuda" the CUDA provider comes first (the CPU one only runs the nodes CUDA has no kernel for), or
    the session is refused: a GPU job never runs on the CPU quietly.
    """
    if device != "cuda":
        return ["CPUExecutionProvider"]
    if "CUDAExecutionProvider" not in available:
        raise ScoringError(FailureClass.INFRASTRUCTURE, "onnxruntime has no CUDA execution provider here")
    # HEURISTIC: an exhaustive search of convolution algorithms would cost more than a job's inference.
    options = {"device_id": "0", "cudnn_conv_algo_search": "HEURISTIC"}
    if gpu_memory_bytes is not None:
        options["gpu_mem_limit"] = str(gpu_memory_bytes)
    return [("CUDAExecutionProvider", options), "CPUExecutionProvider"]


def tiny_convolution_onnx() -> bytes:
    """A one-convolution graph (input `inputs`, 1x1x8x8) that warms a provider's libraries and handles."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    weight = numpy_helper.from_array(np.ones((1, 1, 3, 3), dtype=np.float32), "weight")
    graph = helper.make_graph(
        [helper.make_node("Conv", ["inputs", "weight"], ["scores"], pads=[1, 1, 1, 1])],
        "warm",
        [helper.make_tensor_value_info("inputs", TensorProto.FLOAT, [1, 1, 8, 8])],
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, [1, 1, 8, 8])],
        initializer=[weight],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model.SerializeToString()


def load_onnx_model(
    path: Path,
    threads: int,
    device: str = "cpu",
    *,
    output_shape: Sequence[int],
    gpu_memory_bytes: int | None = None,
) -> OnnxPredictor:
    """An onnxruntime session over a checked model, with a fixed provider list; raises ScoringError."""
    import onnxruntime as ort

    model = check_onnx_model(path)
    try:
        check_onnx_output_declaration(model, output_shape)
    except ContractError as exc:
        raise format_error(str(exc)) from exc
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.enable_mem_pattern = True
    providers = onnx_providers(device, ort.get_available_providers(), gpu_memory_bytes)
    try:
        session = ort.InferenceSession(str(path), sess_options=options, providers=providers)
    except Exception as exc:  # onnxruntime raises its own Fail/InvalidGraph/... types
        raise format_error(f"onnxruntime could not load the model: {str(exc).splitlines()[0][:200]}") from exc
    inputs = session.get_inputs()
    if len(inputs) != 1:
        raise ScoringError(
            FailureClass.INPUT_SHAPE, f"The model must take exactly one input, not {len(inputs)}."
        )
    return OnnxPredictor(session=session, input_name=inputs[0].name, device=device)


def load_model(
    path: Path,
    model_format: str,
    architectures: Mapping[str, Mapping[str, Any]],
    threads: int,
    device: str,
    *,
    output_shape: Sequence[int],
    gpu_memory_bytes: int | None = None,
) -> Predictor:
    """Dispatch on the submission's declared format; any other format is refused, never guessed."""
    if model_format == "safetensors":
        return load_safetensors_model(path, architectures, device=device)
    if model_format == "onnx":
        return load_onnx_model(
            path, threads=threads, device=device, output_shape=output_shape, gpu_memory_bytes=gpu_memory_bytes
        )
    raise format_error(f"Unsupported model format '{model_format}'.")


def default_threads() -> int:
    return len(os.sched_getaffinity(0)) or 1
