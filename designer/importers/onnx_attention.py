"""Multi-head self-attention as torch's exporters write it out, found from its softmax and read into one
SelfAttention block.

``nn.MultiheadAttention`` (alone or inside ``nn.TransformerEncoderLayer``) and ``F.scaled_dot_product_attention``
between linear projections export as: projections of the input x to queries, keys and values (one fused MatMul or
three), reshapes and transposes that split them into heads, ``softmax(Q·Kᵀ · scale [+ mask])·V``, reshapes that join
the heads again, and the out-projection. The finder follows those chains from the softmax outwards; the weights it
finds are checked by running the model (see :mod:`designer.importers.onnx_composite`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import onnx
import torch
from torch import nn

from designer.compiler.modules import causal_mask
from designer.importers.builder import block_name
from designer.importers.onnx_composite import Composite, module_name

if TYPE_CHECKING:
    from designer.importers.onnx_import import OnnxImporter

REARRANGING = {
    "Reshape",
    "Transpose",
    "Squeeze",
    "Unsqueeze",
    "Identity",
    "Cast",
    "Flatten",
    "Gather",
    "Split",
    "Slice",
}
"""Operators that only move values: the heads split and joined, a fused projection cut into queries, keys, values."""
SCALING = {"Mul", "Div"}
"""By a single number: the 1/√d_k scale, written on the scores or on the queries and keys."""
MAX_STEPS = 40


@dataclass(frozen=True)
class Projection:
    """``x·Wᵀ + b`` found on the way back from a softmax."""

    node: int
    weight: np.ndarray
    """out × in, torch's layout."""
    bias: np.ndarray | None
    source: str
    """The tensor projected."""


def self_attention(importer: OnnxImporter, index: int) -> Composite | str | None:
    """The SelfAttention block the softmax at ``index`` is the heart of, a reason there is none, or None when the
    softmax is not attention's."""
    graph = importer.graph
    softmax = graph.nodes[index]
    axis = next((onnx.helper.get_attribute_value(a) for a in softmax.attribute if a.name == "axis"), None)
    rank = len(importer.raw_shape(softmax.input[0]) or ())
    if rank < 3 or (-1 if axis is None and importer.opset >= 13 else axis) not in (-1, rank - 1):
        return None
    scores = _scores_product(importer, softmax.input[0])
    if scores is None:
        return None
    mixed = _values_product(importer, softmax.output[0])
    if mixed is None:
        return "its attention weights are used for more than weighing the values (returned, or averaged?)"
    product, masked = scores
    (queries, keys), (values_node, dropout) = graph.nodes[product].input, mixed
    values = graph.nodes[values_node].input[1]
    projections = [_projection_before(importer, name) for name in (queries, keys, values)]
    if any(p is None for p in projections):
        return "its queries, keys or values are not a linear projection of one tensor"
    sources = {_sequence_before(importer, p.source) for p in projections}  # type: ignore[union-attr]
    if len(sources) != 1 or None in sources:
        return "its queries and its keys or values come from different tensors (cross-attention has no block)"
    source = sources.pop()
    shape = importer.designer_shape(source)
    head_shape = importer.raw_shape(queries)
    if shape is None or len(shape) != 3 or not isinstance(shape[2], int) or not head_shape:
        return "its input is not an N×T×E sequence"
    width, head_width = shape[2], head_shape[-1]
    if not isinstance(head_width, int) or head_width < 1 or width % head_width:
        return f"its heads of {head_width} features do not divide its {width} features"
    out = _projection_after(importer, graph.nodes[values_node].output[0], shape)
    if out is None:
        return "no out-projection back to the input's layout follows it"
    result, out_projection = out
    weights = _weights(projections, out_projection, width)  # type: ignore[arg-type]
    if weights is None:
        return f"its projections do not have the shapes of {width}-wide attention"
    heads = width // head_width
    params = {"num_heads": heads, "dropout": dropout, "causal": masked, "bias": True}
    name = _name(importer, index, out_projection)
    return Composite(
        "SelfAttention",
        "multi-head attention",
        source,
        result,
        params,
        name,
        _reference(width, heads, weights, masked),
        weights,
        unlike="its mask is not the causal one, the only mask SelfAttention has" if masked else "",
    )


def _scores_product(importer: OnnxImporter, name: str) -> tuple[int, bool] | None:
    """The MatMul of queries and keys behind softmax's input, through the scale and a mask; whether masked."""
    graph, masked = importer.graph, False
    for _ in range(4):
        node = _producer(importer, name)
        if node is None:
            return None
        index, op = graph.producer[name][0], node.op_type
        if op == "MatMul" and all(graph.constant(n) is None for n in node.input):
            return index, masked
        if op in SCALING and _scalar_operand(importer, node) is not None:
            name = node.input[1 - _scalar_operand(importer, node)]  # type: ignore[operator]
        elif op in ("Add", "Where"):
            masked = True
            inputs = node.input[1:] if op == "Where" else node.input
            name = max(inputs, key=lambda n: _size(importer, n) if graph.constant(n) is None else -1)
        else:
            return None
    return None


def _values_product(importer: OnnxImporter, name: str) -> tuple[int, float] | None:
    """The MatMul that weighs the values by softmax's result (through a dropout), and the dropout's ratio."""
    graph, dropout = importer.graph, 0.0
    for _ in range(3):
        consumers = _data_consumers(importer, name)
        if len(consumers) != 1 or name in graph.outputs:
            return None
        node = graph.nodes[consumers[0]]
        if node.op_type == "MatMul" and node.input[0] == name:
            return consumers[0], dropout
        if node.op_type not in ("Dropout", "Identity", "Cast"):
            return None
        if node.op_type == "Dropout":
            ratio = graph.constant(node.input[1]) if len(node.input) > 1 and node.input[1] else None
            dropout = _ratio(node, ratio)
        name = node.output[0]
    return None


def _ratio(node: onnx.NodeProto, ratio: np.ndarray | None) -> float:
    if ratio is not None and ratio.size == 1:
        return float(ratio.reshape(-1)[0])
    attribute = next((a for a in node.attribute if a.name == "ratio"), None)
    return float(onnx.helper.get_attribute_value(attribute)) if attribute is not None else 0.5


def _projection_before(importer: OnnxImporter, name: str) -> Projection | None:
    """The linear projection ``name`` is cut, split into heads or scaled from."""
    graph = importer.graph
    for _ in range(MAX_STEPS):
        node = _producer(importer, name)
        if node is None:
            return None
        index = graph.producer[name][0]
        found = _linear(importer, index)
        if found is not None:
            return found
        if node.op_type in SCALING:
            scale = _scalar_operand(importer, node)
            if scale is None:
                return None
            name = node.input[1 - scale]
        elif node.op_type in REARRANGING:
            name = node.input[0]
        else:
            return None
    return None


def _linear(importer: OnnxImporter, index: int) -> Projection | None:
    """``x·W (+ b)`` written as MatMul (and Add) or Gemm, with constant weights."""
    graph = importer.graph
    node = graph.nodes[index]
    if node.op_type == "Add":
        parts = [graph.constant(n) for n in node.input]
        if len(parts) != 2 or (parts[0] is None) == (parts[1] is None):
            return None
        bias, product = (parts[0], node.input[1]) if parts[0] is not None else (parts[1], node.input[0])
        inner = graph.producer.get(product)
        found = _linear(importer, inner[0]) if inner and graph.nodes[inner[0]].op_type == "MatMul" else None
        if found is None or found.bias is not None or bias.ndim != 1 or bias.size != found.weight.shape[0]:
            return None
        return Projection(index, found.weight, bias, found.source)
    if node.op_type == "MatMul":
        weight = graph.constant(node.input[1])
        if weight is None or weight.ndim != 2 or graph.constant(node.input[0]) is not None:
            return None
        return Projection(index, weight.T, None, node.input[0])
    if node.op_type == "Gemm":
        weight = graph.constant(node.input[1])
        attributes = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        plain = attributes.get("alpha", 1.0) == 1.0 and attributes.get("beta", 1.0) == 1.0
        if weight is None or weight.ndim != 2 or attributes.get("transA", 0) or not plain:
            return None
        bias = graph.constant(node.input[2]) if len(node.input) > 2 and node.input[2] else None
        weight = weight if attributes.get("transB", 0) else weight.T
        if bias is not None and bias.size != weight.shape[0]:
            return None
        bias = None if bias is None else np.broadcast_to(bias.reshape(-1), (weight.shape[0],))
        return Projection(index, weight, bias, node.input[0])
    return None


def _sequence_before(importer: OnnxImporter, name: str) -> str | None:
    """The batch-first N×T×E tensor a projection reads, through the transposes and reshapes in front of it."""
    found = None
    for _ in range(MAX_STEPS):
        shape = importer.raw_shape(name)
        if shape is None or len(shape) != 3:
            return found
        found = name
        node = _producer(importer, name)
        if node is None or node.op_type not in ("Transpose", "Reshape", "Identity", "Flatten"):
            return found
        name = node.input[0]
    return found


def _projection_after(importer: OnnxImporter, name: str, shape: list) -> tuple[str, Projection] | None:
    """The out-projection after the heads are joined again, and the first tensor after it in the input's layout."""
    graph, projection = importer.graph, None
    for _ in range(MAX_STEPS):
        consumers = _data_consumers(importer, name)
        if len(consumers) != 1 or name in graph.outputs:
            break
        node = graph.nodes[consumers[0]]
        if projection is None and node.op_type in ("MatMul", "Gemm") and node.input[0] == name:
            projection = _linear(importer, consumers[0])
            if projection is None:
                return None
            follower = _data_consumers(importer, node.output[0])
            if node.op_type == "MatMul" and len(follower) == 1 and node.output[0] not in graph.outputs:
                with_bias = _linear(importer, follower[0])
                if with_bias is not None:
                    projection, node = with_bias, graph.nodes[follower[0]]
        elif node.op_type not in ("Transpose", "Reshape", "Identity", "Flatten", "Squeeze", "Unsqueeze"):
            break
        name = node.output[0]
        if projection is not None and importer.designer_shape(name) == shape:
            return name, projection
    return None


def _weights(projections: list[Projection], out: Projection, width: int) -> dict[str, torch.Tensor] | None:
    """nn.MultiheadAttention's state dict: the query, key and value projections stacked (once each, when fused)."""
    distinct = list({p.node: p for p in projections}.values())
    weight = np.concatenate([p.weight for p in distinct])
    bias = np.concatenate([p.bias if p.bias is not None else np.zeros(p.weight.shape[0]) for p in distinct])
    if weight.shape != (3 * width, width) or out.weight.shape != (width, width):
        return None
    out_bias = out.bias if out.bias is not None else np.zeros(width)
    return {
        "in_proj_weight": _tensor(weight),
        "in_proj_bias": _tensor(bias),
        "out_proj.weight": _tensor(out.weight),
        "out_proj.bias": _tensor(out_bias),
    }


def _reference(width: int, heads: int, weights: dict[str, torch.Tensor], causal: bool):
    attention = nn.MultiheadAttention(width, heads, batch_first=True).eval()
    attention.load_state_dict(weights)

    def compute(x: torch.Tensor) -> torch.Tensor:
        mask = causal_mask(x) if causal else None
        return attention(x, x, x, need_weights=False, attn_mask=mask)[0]

    return compute


def _name(importer: OnnxImporter, index: int, out: Projection) -> str:
    """The module's name torch wrote: before ``.out_proj.weight``, or in the node names' path; else a plain name."""
    graph = importer.graph
    weight = graph.nodes[out.node].input[1] if graph.nodes[out.node].op_type != "Add" else _matmul_weight(importer, out)
    module, _, _ = weight.removesuffix(".weight").rpartition(".")  # attention.out_proj.weight → attention
    if weight.endswith(".weight") and weight in graph.initializers and module:
        return block_name(module, "attention")
    return block_name(module_name(graph.nodes[index], "attention"), "attention")


def _matmul_weight(importer: OnnxImporter, out: Projection) -> str:
    """The weight's name of a projection written as MatMul then Add."""
    graph = importer.graph
    add = graph.nodes[out.node]
    inner = [graph.producer[n][0] for n in add.input if n in graph.producer and graph.constant(n) is None]
    return graph.nodes[inner[0]].input[1] if inner else ""


def _producer(importer: OnnxImporter, name: str) -> onnx.NodeProto | None:
    graph = importer.graph
    if graph.constant(name) is not None or name not in graph.producer:
        return None
    return graph.nodes[graph.producer[name][0]]


def _size(importer: OnnxImporter, name: str) -> int:
    shape = importer.raw_shape(name)
    return math.prod(d if isinstance(d, int) else 2 for d in shape) if shape is not None else 0


def _scalar_operand(importer: OnnxImporter, node: onnx.NodeProto) -> int | None:
    """Which input of a Mul or Div is a single number (constant or computed) scaling the other; None if neither."""
    if len(node.input) != 2:
        return None
    sizes = [_size(importer, n) for n in node.input]
    if sizes[1] == 1 and sizes[0] > 1:
        return 1
    if sizes[0] == 1 and sizes[1] > 1 and node.op_type == "Mul":
        return 0
    return None


def _data_consumers(importer: OnnxImporter, name: str) -> list[int]:
    """The nodes reading the values of ``name`` (not just its size)."""
    graph = importer.graph
    return [c for c in graph.consumers.get(name, []) if graph.nodes[c].op_type != "Shape"]


def _tensor(array: np.ndarray) -> torch.Tensor:
    return torch.tensor(np.asarray(array, dtype=np.float32))
