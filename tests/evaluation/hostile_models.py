"""A corpus of hostile submissions, built at test time (no exploit file is ever committed)."""

from __future__ import annotations

import io
import pickle
import zipfile
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = [helper.make_opsetid("", 17)]


def _graph_model(
    nodes: list[onnx.NodeProto], output_shape: list[str | int | None], initializers: list[onnx.TensorProto]
) -> bytes:
    graph = helper.make_graph(
        nodes,
        "hostile",
        [helper.make_tensor_value_info("inputs", TensorProto.FLOAT, ["batch", 64])],
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, output_shape)],
        initializer=initializers,
    )
    model = helper.make_model(graph, opset_imports=OPSET)
    model.ir_version = 8
    return model.SerializeToString()


def linear_onnx(n_outputs: int = 10, fill: float = 0.01) -> bytes:
    """inputs @ W: a well-formed model with `n_outputs` columns."""
    weight = numpy_helper.from_array(np.full((64, n_outputs), fill, dtype=np.float32), "weight")
    return _graph_model(
        [helper.make_node("MatMul", ["inputs", "weight"], ["scores"])], ["batch", n_outputs], [weight]
    )


def nan_output_onnx() -> bytes:
    """Multiplies every score by NaN."""
    weight = numpy_helper.from_array(np.full((64, 10), np.nan, dtype=np.float32), "weight")
    return _graph_model(
        [helper.make_node("MatMul", ["inputs", "weight"], ["scores"])], ["batch", 10], [weight]
    )


def memory_hog_onnx() -> bytes:
    """Asks for a 40 GB tensor on every batch."""
    shape = numpy_helper.from_array(np.array([100_000, 100_000], dtype=np.int64), "shape")
    nodes = [
        helper.make_node(
            "ConstantOfShape",
            ["shape"],
            ["huge"],
            value=helper.make_tensor("v", TensorProto.FLOAT, [1], [1.0]),
        ),
        helper.make_node("ReduceSum", ["huge"], ["total"], keepdims=0),
        helper.make_node("MatMul", ["inputs", "weight"], ["product"]),
        helper.make_node("Add", ["product", "total"], ["scores"]),
    ]
    weight = numpy_helper.from_array(np.zeros((64, 10), dtype=np.float32), "weight")
    return _graph_model(nodes, ["batch", 10], [shape, weight])


def looping_onnx(trips_per_batch: int) -> bytes:
    """A no-op Loop of `trips_per_batch` steps before a fixed linear layer: correct, but as slow as asked."""
    body = helper.make_graph(
        [
            helper.make_node("Add", ["acc_in", "zero"], ["acc_out"]),
            helper.make_node("Identity", ["cond_in"], ["cond_out"]),
        ],
        "body",
        [
            helper.make_tensor_value_info("i", TensorProto.INT64, []),
            helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
            helper.make_tensor_value_info("acc_in", TensorProto.FLOAT, ["batch", 64]),
        ],
        [
            helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
            helper.make_tensor_value_info("acc_out", TensorProto.FLOAT, ["batch", 64]),
        ],
        initializer=[numpy_helper.from_array(np.array(0.0, dtype=np.float32), "zero")],
    )
    trips = numpy_helper.from_array(np.array(trips_per_batch, dtype=np.int64), "trips")
    keep_going = numpy_helper.from_array(np.array(True), "keep_going")
    weight = numpy_helper.from_array(
        np.random.default_rng(0).normal(size=(64, 10)).astype(np.float32), "weight"
    )
    nodes = [
        helper.make_node("Loop", ["trips", "keep_going", "inputs"], ["looped"], body=body),
        helper.make_node("MatMul", ["looped", "weight"], ["scores"]),
    ]
    return _graph_model(nodes, ["batch", 10], [trips, keep_going, weight])


def endless_loop_onnx() -> bytes:
    """A Loop with an enormous trip count: it never finishes in any time limit."""
    return looping_onnx(10**15)


def custom_domain_onnx() -> bytes:
    graph = helper.make_graph(
        [helper.make_node("EvilOp", ["inputs"], ["scores"], domain="com.evil")],
        "custom",
        [helper.make_tensor_value_info("inputs", TensorProto.FLOAT, ["batch", 64])],
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, ["batch", 10])],
    )
    model = helper.make_model(graph, opset_imports=[*OPSET, helper.make_opsetid("com.evil", 1)])
    model.ir_version = 8
    return model.SerializeToString()


def external_data_onnx() -> bytes:
    """Weights that point at a file outside the submission."""
    weight = numpy_helper.from_array(np.zeros((64, 10), dtype=np.float32), "weight")
    weight.ClearField("raw_data")
    weight.data_location = TensorProto.EXTERNAL
    for key, value in (("location", "../../../../etc/passwd"), ("offset", "0"), ("length", "2560")):
        entry = weight.external_data.add()
        entry.key, entry.value = key, value
    return _graph_model(
        [helper.make_node("MatMul", ["inputs", "weight"], ["scores"])], ["batch", 10], [weight]
    )


class _RunsCode:
    """Unpickling this writes a marker file: proof that code ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (exec, (f"open({str(self.marker)!r}, 'w').write('pwned')",))


def code_running_pickle(marker: Path, protocol: int = 4) -> bytes:
    return pickle.dumps(_RunsCode(marker), protocol=protocol)


def decompression_bomb_zip(expanded_bytes: int = 1024**3) -> bytes:
    """A small zip whose one member expands to a gigabyte of zeros."""
    buffer = io.BytesIO()
    chunk = b"\0" * (16 * 1024**2)
    with (
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("zeros.bin", "w", force_zip64=True) as member,
    ):
        for _ in range(expanded_bytes // len(chunk)):
            member.write(chunk)
    return buffer.getvalue()


# ---- the shape channel ------------------------------------------------------------------------------

LEAKED_VALUES = 12  # numpy refuses shapes whose dims multiply past int64, zeros or not


def shape_channel_onnx(declared_output: list[str | int | None]) -> bytes:
    """Answers the all-zero probe with [1, 10] zeros; on real rows its output has zero elements and the
    shape [batch, 0, first row's first 12 values...]: the hidden values ride out in each row's shape.

    `declared_output` is what the graph declares: a dynamic row (refused at upload) or a static
    [batch, 10] that onnxruntime does not enforce at run time (it only warns).
    """
    then_graph = helper.make_graph(
        [
            helper.make_node("Shape", ["inputs"], ["batch"], end=1),
            helper.make_node("Concat", ["batch", "ten"], ["probe_shape"], axis=0),
        ],
        "probe",
        [],
        [helper.make_tensor_value_info("probe_shape", TensorProto.INT64, [2])],
        initializer=[numpy_helper.from_array(np.array([10], np.int64), "ten")],
    )
    constants = {"starts": [0, 0], "ends": [1, LEAKED_VALUES], "axes": [0, 1], "flat": [-1], "zero": [0]}
    else_graph = helper.make_graph(
        [
            helper.make_node("Slice", ["inputs", "starts", "ends", "axes"], ["row"]),
            helper.make_node("Reshape", ["row", "flat"], ["values"]),
            helper.make_node("Cast", ["values"], ["dims"], to=TensorProto.INT64),
            helper.make_node("Shape", ["inputs"], ["rows"], end=1),
            helper.make_node("Concat", ["rows", "zero", "dims"], ["leak_shape"], axis=0),
        ],
        "leak",
        [],
        [helper.make_tensor_value_info("leak_shape", TensorProto.INT64, [LEAKED_VALUES + 2])],
        initializer=[numpy_helper.from_array(np.array(v, np.int64), n) for n, v in constants.items()],
    )
    zeros = helper.make_tensor("zeros", TensorProto.FLOAT, [1], [0.0])
    nodes = [
        helper.make_node("Abs", ["inputs"], ["magnitude"]),
        helper.make_node("ReduceSum", ["magnitude"], ["total"], keepdims=0),
        helper.make_node("Equal", ["total", "nothing"], ["is_probe"]),
        helper.make_node("If", ["is_probe"], ["shape"], then_branch=then_graph, else_branch=else_graph),
        helper.make_node("ConstantOfShape", ["shape"], ["scores"], value=zeros),
    ]
    nothing = numpy_helper.from_array(np.array(0.0, np.float32), "nothing")
    return _graph_model(nodes, declared_output, [nothing])


# ---- a harness that lies: what a sandboxed process could say once a model had taken it over ---------

LYING_HARNESS = """
import json, os, sys
status = os.fdopen(int(sys.argv[1]), "w", buffering=1)
def say(line):
    status.write(line + "\\n")
say(json.dumps({{"ready": True, "torch_cuda": False, "onnx_cuda": False}}))
sys.stdin.readline()
say(json.dumps({{"seccomp": True}}))  # locked down, as the real harness is before it opens the model
{lies}
"""

LIES: dict[str, str] = {
    "claims_infrastructure": 'say(\'{"failure": "infrastructure", "detail": "refund me"}\')',
    "claims_an_unknown_class": 'say(\'{"failure": "refund", "detail": ""}\')',
    "says_no_json": 'say("hidden row: 0 0 5 13 9 1"); say(\'{"done": true}\')',
    "adds_keys": 'say(\'{"done": true, "shape": [0, 0, 5, 13]}\')',
    "never_ends_its_line": 'status.write("0 0 5 13 " * 10000)',
    "reports_impossible_progress": "say('{\"progress\": [5, 3]}'); say('{\"done\": true}')",
    "claims_another_device": 'say(\'{"loaded": true, "device": "cuda"}\'); say(\'{"done": true}\')',
    # A second lock-down report, now without seccomp, would turn the run into "our fault": a refund.
    "reports_a_lost_lock_down": "say('{\"seccomp\": false}'); say('{\"done\": true}')",
}
# Predictions the harness leaves for the trusted reader: a link to the hidden inputs, a FIFO.
PREDICTION_TRAPS: dict[str, str] = {
    "links_the_hidden_inputs": 'os.symlink("../in/inputs.npy", "/job/out/predictions.npy"); say(\'{"done": true}\')',
    "leaves_a_fifo": 'os.mkfifo("/job/out/predictions.npy"); say(\'{"done": true}\')',
}


def lying_harness(lies: str) -> tuple[str, ...]:
    """Interpreter arguments that run a harness saying `lies` after it took its job."""
    return ("-c", LYING_HARNESS.format(lies=lies))


# ---- our own harness, failing to lock itself down (the platform's fault, not the model's) ---------------

HARNESS_WITHOUT_SECCOMP = """
import json, os, sys
status = os.fdopen(int(sys.argv[1]), "w", buffering=1)
status.write(json.dumps({"ready": True, "torch_cuda": False, "onnx_cuda": False}) + "\\n")
sys.stdin.readline()
status.write(json.dumps({"seccomp": False}) + "\\n")
sys.exit(4)
"""
