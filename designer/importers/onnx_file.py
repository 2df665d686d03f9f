"""Reading an ONNX file defensively: sizes checked before anything is allocated, every refusal said plainly."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, numpy_helper

from designer.importers.result import ModelImportError, first_line

MAX_FILE_BYTES = 2**31
"""Protobuf cannot hold more in one message; bigger models keep weights in external files."""
MAX_NODES = 200_000
MAX_TENSORS = 200_000
MAX_ELEMENTS = 2**29
"""Largest tensor read: half a billion values, 2 GiB of float32."""
LOWEST_OPSET = 9
_SIZES = {
    TensorProto.FLOAT: 4,
    TensorProto.DOUBLE: 8,
    TensorProto.FLOAT16: 2,
    TensorProto.INT64: 8,
    TensorProto.INT32: 4,
    TensorProto.INT8: 1,
    TensorProto.UINT8: 1,
    TensorProto.BOOL: 1,
}
_FIELDS = {TensorProto.FLOAT: "float_data", TensorProto.DOUBLE: "double_data", TensorProto.INT64: "int64_data"}
"""Where values not kept as raw bytes live; the other supported types keep them in int32_data."""

Shape = tuple[int | str | None, ...]
"""A shape as ONNX knows it: sizes, size names, or None where nothing is known."""


def read_model(path: Path) -> onnx.ModelProto:
    """The model in ``path``, checked by ``onnx.checker``; raises :class:`ModelImportError` saying what is wrong."""
    if not path.is_file():
        raise ModelImportError(f"{path} does not exist")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ModelImportError(f"{path} is {size:,} bytes, more than one ONNX file can hold (2 GiB)")
    try:
        model = onnx.ModelProto.FromString(path.read_bytes())
    except Exception as exc:  # protobuf raises DecodeError, or RuntimeWarning-like errors from its C parser
        raise ModelImportError(f"{path} is not an ONNX model (truncated or not protobuf): {exc}") from None
    graph = model.graph
    if not graph.node and not graph.output:
        raise ModelImportError(f"{path} holds no ONNX graph (is it an ONNX file?)")
    if len(graph.node) > MAX_NODES:
        raise ModelImportError(f"{path} has {len(graph.node):,} nodes; at most {MAX_NODES:,} can be imported")
    if len(graph.initializer) > MAX_TENSORS:
        raise ModelImportError(f"{path} has {len(graph.initializer):,} weight tensors; at most {MAX_TENSORS:,}")
    for tensor in graph.initializer:
        check_tensor(tensor, "weight tensor")
    _check_text(graph, path)
    opset = default_opset(model)
    if opset < LOWEST_OPSET:
        raise ModelImportError(f"{path} uses ONNX opset {opset}; opset {LOWEST_OPSET} or newer can be imported")
    try:
        onnx.checker.check_model(model)
    except Exception as exc:  # onnx raises ValidationError and others for broken graphs
        raise ModelImportError(f"{path} is not a valid ONNX model: {first_line(exc)}") from None
    return model


def _check_text(graph: onnx.GraphProto, path: Path) -> None:
    """Refuse names that are not text: protobuf hands back bytes where a file holds broken UTF-8."""
    infos = (*graph.input, *graph.output, *graph.value_info)
    names = [i.name for i in (*infos, *graph.initializer)]
    names += [d.dim_param for i in infos for d in i.type.tensor_type.shape.dim]
    for node in graph.node:
        names += [node.name, node.op_type, node.domain, *node.input, *node.output]
        names += [a.name for a in node.attribute]
    if not all(isinstance(n, str) or n == b"" for n in names):
        raise ModelImportError(f"{path} has names that are not valid text (UTF-8); the file is damaged")


def default_opset(model: onnx.ModelProto) -> int:
    return next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 0)


def check_tensor(tensor: TensorProto, what: str) -> None:
    """Refuse a tensor whose declared size is absurd or not backed by the data it holds, before reading it."""
    name = tensor.name or "(unnamed)"
    if tensor.data_location == TensorProto.EXTERNAL:
        raise ModelImportError(
            f"{what} {name} is kept in an external data file; save the model as one file "
            "(torch.onnx.export(..., external_data=False) or onnx.save(model, path, save_as_external_data=False))"
        )
    if any(d < 0 for d in tensor.dims) or len(tensor.dims) > 8:
        raise ModelImportError(f"{what} {name} declares an impossible shape {list(tensor.dims)}")
    count = math.prod(tensor.dims)
    if count > MAX_ELEMENTS:
        raise ModelImportError(f"{what} {name} declares {count:,} values; at most {MAX_ELEMENTS:,} can be read")
    if tensor.data_type not in _SIZES:
        raise ModelImportError(f"{what} {name} has element type {_type_name(tensor.data_type)}, which is not supported")
    held = len(tensor.raw_data) // _SIZES[tensor.data_type] if tensor.raw_data else _typed_count(tensor)
    if held != count:
        raise ModelImportError(f"{what} {name} declares {count:,} values ({list(tensor.dims)}) but holds {held:,}")


def _typed_count(tensor: TensorProto) -> int:
    return len(getattr(tensor, _FIELDS.get(tensor.data_type, "int32_data")))


def to_array(tensor: TensorProto, what: str = "constant") -> np.ndarray:
    check_tensor(tensor, what)
    try:
        array = numpy_helper.to_array(tensor)
    except Exception as exc:  # what numpy or onnx raise on data that does not fit its declaration
        raise ModelImportError(f"{what} {tensor.name or '(unnamed)'} cannot be read: {first_line(exc)}") from None
    return array.astype(np.float32) if array.dtype in (np.float16, np.float64) else array


def inferred_shapes(model: onnx.ModelProto) -> tuple[dict[str, Shape], dict[str, int], list[str]]:
    """Shapes and element types of every tensor ONNX shape inference can work out, and notes where it could not."""
    notes = []
    try:
        model = onnx.shape_inference.infer_shapes(model, check_type=False, strict_mode=False)
    except Exception as exc:  # inference fails on some valid models; the file's own shapes remain
        notes.append(f"ONNX shape inference failed ({first_line(exc)}); using the shapes the file declares")
    shapes, types = {}, {}
    graph = model.graph
    for info in [*graph.input, *graph.value_info, *graph.output]:
        kind = info.type.tensor_type
        if not info.type.HasField("tensor_type"):
            continue
        types[info.name] = kind.elem_type
        if kind.HasField("shape"):
            shapes[info.name] = tuple(_dim(d) for d in kind.shape.dim)
    return shapes, types, notes


def _dim(dim: onnx.TensorShapeProto.Dimension) -> int | str | None:
    if dim.HasField("dim_value"):
        return dim.dim_value
    # Shape inference names sizes it cannot work out unk__0, unk__1, …: those are unknown, not names.
    return dim.dim_param if dim.dim_param and not dim.dim_param.startswith("unk__") else None


def _type_name(data_type: int) -> str:
    try:
        return TensorProto.DataType.Name(data_type)
    except ValueError:
        return f"number {data_type}"
