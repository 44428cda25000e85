"""What a challenge's models must declare before they run: one output of the challenge's row shape.

A graph whose output shape is left dynamic can choose that shape at run time, from the hidden rows it
reads: the shape then carries data out even though every reason shown is a fixed text. So an ONNX
graph must declare its output statically as `[batch, *output_spec.shape]`, and is refused at upload
otherwise; the worker checks the same before it runs the graph, and checks every batch's real shape.
The messages here are built from the challenge's spec and fixed words only, never from the file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import onnx
from onnx import TensorProto

NUMERIC_ONNX_TYPES = frozenset(
    {
        TensorProto.FLOAT,
        TensorProto.DOUBLE,
        TensorProto.FLOAT16,
        TensorProto.INT8,
        TensorProto.INT16,
        TensorProto.INT32,
        TensorProto.INT64,
        TensorProto.UINT8,
        TensorProto.UINT16,
        TensorProto.UINT32,
        TensorProto.UINT64,
    }
)


class ContractError(ValueError):
    """A model or a challenge spec that breaks the contract; the message is safe to show."""


def output_shape_of(output_spec: Mapping[str, Any] | None) -> list[int]:
    """The shape of one output row from a challenge's output spec; raises ContractError when it has none."""
    shape = (output_spec or {}).get("shape")
    if not isinstance(shape, list) or not all(type(n) is int and n > 0 for n in shape):
        raise ContractError("The challenge does not declare the shape of one output row (output_spec.shape).")
    return list(shape)


def check_onnx_output_declaration(model: onnx.ModelProto, output_shape: Sequence[int]) -> None:
    """One numeric output, declared as [dynamic batch, *output_shape]; raises ContractError."""
    expected = "[" + ", ".join(["batch", *map(str, output_shape)]) + "]"
    outputs = model.graph.output
    if len(outputs) != 1:
        raise ContractError("The ONNX graph must have exactly one output.")
    value_type = outputs[0].type
    if not value_type.HasField("tensor_type") or value_type.tensor_type.elem_type not in NUMERIC_ONNX_TYPES:
        raise ContractError("The ONNX graph's output must be a tensor of numbers.")
    tensor = value_type.tensor_type
    dims = list(tensor.shape.dim) if tensor.HasField("shape") else None
    if dims is None or not _is_batch_then(dims, output_shape):
        raise ContractError(
            f"The ONNX graph must declare its output shape as {expected}: a dynamic batch dimension, "
            "then exactly the challenge's output shape as fixed numbers."
        )


def _is_batch_then(dims: list[onnx.TensorShapeProto.Dimension], output_shape: Sequence[int]) -> bool:
    if len(dims) != 1 + len(output_shape) or dims[0].HasField("dim_value"):
        return False
    return all(
        dim.HasField("dim_value") and dim.dim_value == size
        for dim, size in zip(dims[1:], output_shape, strict=True)
    )
