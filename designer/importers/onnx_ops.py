"""One handler per ONNX operator with a Designer block: it adds the block and returns True, or returns False
when this node's settings have no block (the node is then kept as an OnnxOp block)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import onnx
import torch

from designer.importers import onnx_recurrent as rnn
from designer.importers.onnx_attention import self_attention
from designer.importers.onnx_composite import Finder, add_composite
from designer.importers.onnx_patterns import exact_gelu
from designer.importers.onnx_patterns import local_response_norm as written_out_lrn
from designer.importers.onnx_recurrent import View

if TYPE_CHECKING:
    from designer.importers.onnx_import import NodeContext, OnnxImporter

Handler = Callable[["NodeContext"], bool]


def _tensor(array: np.ndarray) -> torch.Tensor:
    return torch.tensor(np.asarray(array, dtype=np.float32))


def _same(values: list[int]) -> int | None:
    return values[0] if values and all(v == values[0] for v in values) else None


def _window(ctx: NodeContext, dims: int) -> dict[str, int] | None:
    """kernel, stride, padding and dilation when equal along every axis and padding is symmetric."""
    kernel = _same(ctx.attr("kernel_shape") or [])
    stride = _same(ctx.attr("strides") or [1] * dims)
    dilation = _same(ctx.attr("dilations") or [1] * dims)
    auto_pad = ctx.attr("auto_pad", "NOTSET")
    padding = 0 if auto_pad == "VALID" else _same(ctx.attr("pads") or [0] * 2 * dims)
    if None in (kernel, stride, dilation, padding) or auto_pad not in ("NOTSET", "VALID"):
        return None
    return {"kernel_size": kernel, "stride": stride, "padding": padding, "dilation": dilation}


def _spatial_rank(ctx: NodeContext) -> int | None:
    shape = ctx.in_shape(0)
    return len(shape) - 2 if shape is not None and len(shape) in (3, 4) else None


def conv(ctx: NodeContext) -> bool:
    port, weight, dims = ctx.port(0), ctx.const(1), _spatial_rank(ctx)
    bias = ctx.const(2) if ctx.input_name(2) else None
    if port is None or weight is None or dims is None or (ctx.input_name(2) and bias is None):
        return False
    window = _window(ctx, dims)
    if window is None:
        return False
    params = {
        **window,
        "out_channels": int(weight.shape[0]),
        "groups": ctx.attr("group", 1),
        "bias": bias is not None,
    }
    weights = {"weight": _tensor(weight)} | ({"bias": _tensor(bias)} if bias is not None else {})
    ctx.add(f"Conv{dims}d", params, [port], weights)
    return True


def gemm(ctx: NodeContext) -> bool:
    port, weight = ctx.port(0), ctx.const(1)
    bias = ctx.const(2) if ctx.input_name(2) else None
    plain = ctx.attr("alpha", 1.0) == 1.0 and ctx.attr("beta", 1.0) == 1.0 and not ctx.attr("transA", 0)
    if port is None or weight is None or weight.ndim != 2 or not plain or (ctx.input_name(2) and bias is None):
        return False
    weight = weight if ctx.attr("transB", 0) else weight.T
    return _linear(ctx, port, weight, bias)


def _linear(ctx: NodeContext, port: Any, weight: np.ndarray, bias: np.ndarray | None) -> bool:
    out_features = weight.shape[0]
    if bias is not None:
        if bias.size not in (1, out_features):
            return False
        bias = np.broadcast_to(bias.reshape(-1), (out_features,))
    params = {"out_features": int(out_features), "bias": bias is not None}
    weights = {"weight": _tensor(weight)} | ({"bias": _tensor(bias)} if bias is not None else {})
    ctx.add("Linear", params, [port], weights)
    return True


def matmul(ctx: NodeContext) -> bool:
    """``x @ W`` with a constant W is a Linear layer; a following ``+ b`` with a constant b becomes its bias."""
    port, weight = ctx.port(0), ctx.const(1)
    if port is None or weight is None or weight.ndim != 2:
        return False
    importer = ctx.importer
    bias, consumers = None, importer.graph.consumers.get(ctx.node.output[0], [])
    if len(consumers) == 1 and ctx.node.output[0] not in importer.graph.outputs:
        follower = importer.graph.nodes[consumers[0]]
        other = [n for n in follower.input if n != ctx.node.output[0]]
        constant = importer.graph.constant(other[0]) if follower.op_type == "Add" and len(other) == 1 else None
        if constant is not None and constant.size == weight.shape[1]:
            bias = constant
            importer.skipped.add(consumers[0])
            importer.report.folded.append(importer.graph.label(consumers[0]))
    if not _linear(ctx, port, weight.T, bias):
        return False
    if bias is not None:
        block_port = importer.values[ctx.node.output[0]]
        importer.values[follower.output[0]] = block_port
        importer.produced[block_port[0]] = follower.output[0]
    return True


def _merge(kind: str) -> Handler:
    def handler(ctx: NodeContext) -> bool:
        ports = [ctx.port(i) for i in range(len(ctx.node.input))]
        shapes = {_listed(ctx.importer.designer_shape(name)) for name in ctx.node.input}
        if None in ports or len(shapes) != 1 or None in shapes or not 1 <= len(ports) <= 16:
            return False
        if len(ports) == 1:
            ctx.set_output(0, ports[0])
            ctx.fold()
            return True
        ctx.add(kind, {"inputs": len(ports)}, ports)
        return True

    return handler


def _listed(shape: list[int | str] | None) -> tuple[int | str, ...] | None:
    return None if shape is None else tuple(shape)


def concat(ctx: NodeContext) -> bool:
    values = [ctx.value(i) for i in range(len(ctx.node.input))]
    axis = ctx.attr("axis")
    if values and all(isinstance(v, View) for v in values):
        return rnn.concat(ctx, values, axis)
    shape = ctx.in_shape(0)
    if not all(isinstance(v, tuple) for v in values) or shape is None or not 1 <= len(values) <= 16:
        return False
    if axis % len(shape) == 0:
        return False
    if len(values) == 1:
        ctx.set_output(0, values[0])
        ctx.fold()
        return True
    ctx.add("Concat", {"inputs": len(values), "dim": axis}, values)
    return True


def _unary(kind: str, params: Callable[[NodeContext], dict[str, Any] | None] = lambda ctx: {}) -> Handler:
    def handler(ctx: NodeContext) -> bool:
        port, settings = ctx.port(0), params(ctx)
        if port is None or settings is None or not ctx.only_first_output_used():
            return False
        ctx.add(kind, settings, [port])
        return True

    return handler


def _leaky(ctx: NodeContext) -> dict[str, Any] | None:
    slope = ctx.attr("alpha", 0.01)
    return {"negative_slope": slope} if 0.0 <= slope <= 1.0 else None


def _gelu(ctx: NodeContext) -> dict[str, Any] | None:
    return {"approximate": ctx.attr("approximate", "none")}


def _softmax(ctx: NodeContext) -> dict[str, Any] | None:
    shape, opset = ctx.in_shape(0), ctx.importer.opset
    axis = ctx.attr("axis", -1 if opset >= 13 else 1)
    if shape is None or (opset < 13 and axis % len(shape) != len(shape) - 1):
        return None  # before opset 13, Softmax works on everything from axis on, flattened
    return {"dim": axis}


def _dropout(ctx: NodeContext) -> dict[str, Any] | None:
    if ctx.importer.opset < 12:
        return {"p": ctx.attr("ratio", 0.5)}
    ratio = ctx.const(1) if ctx.input_name(1) else np.array(0.5)
    return {"p": float(ratio)} if ratio is not None and 0.0 <= float(ratio) < 1.0 else None


def _pool(kind: str) -> Handler:
    def handler(ctx: NodeContext) -> bool:
        port, dims = ctx.port(0), _spatial_rank(ctx)
        if port is None or dims is None or not ctx.only_first_output_used() or ctx.attr("ceil_mode", 0):
            return False
        window = _window(ctx, dims)
        if window is None or window.pop("dilation") != 1 or 2 * window["padding"] > window["kernel_size"]:
            return False
        if kind == "AvgPool" and window["padding"] and not ctx.attr("count_include_pad", 0):
            return False  # torch's average pool counts the padding
        ctx.add(f"{kind}{dims}d", window, [port])
        return True

    return handler


def global_average_pool(ctx: NodeContext) -> bool:
    port, dims = ctx.port(0), _spatial_rank(ctx)
    if port is None or dims is None:
        return False
    ctx.add(f"AdaptiveAvgPool{dims}d", {"output_size": 1}, [port])
    return True


def reduce_mean(ctx: NodeContext) -> bool:
    """The mean over every spatial position, keeping the axes (how dynamo writes global average pooling)."""
    port, dims = ctx.port(0), _spatial_rank(ctx)
    axes = ctx.attr("axes")
    if axes is None and ctx.input_name(1):
        constant = ctx.const(1)
        axes = None if constant is None else [int(a) for a in constant.reshape(-1)]
    if port is None or dims is None or axes is None or not ctx.attr("keepdims", 1):
        return False
    if sorted(a % (dims + 2) for a in axes) != list(range(2, dims + 2)):
        return False
    ctx.add(f"AdaptiveAvgPool{dims}d", {"output_size": 1}, [port])
    return True


def batch_norm(ctx: NodeContext) -> bool:
    port, shape = ctx.port(0), ctx.in_shape(0)
    scale, shift, mean, variance = (ctx.const(i) for i in range(1, 5))
    constants = (scale, shift, mean, variance)
    if port is None or shape is None or any(c is None for c in constants) or ctx.attr("training_mode", 0):
        return False
    if not ctx.only_first_output_used() or len(shape) not in (2, 3, 4):
        return False
    params = {"eps": ctx.attr("epsilon", 1e-5), "momentum": round(1.0 - ctx.attr("momentum", 0.9), 6)}
    weights = {
        "weight": _tensor(scale),
        "bias": _tensor(shift),
        "running_mean": _tensor(mean),
        "running_var": _tensor(variance),
        "num_batches_tracked": torch.tensor(0),
    }
    ctx.add("BatchNorm2d" if len(shape) == 4 else "BatchNorm1d", params, [port], weights)
    return True


def layer_norm(ctx: NodeContext) -> bool:
    port, shape, scale = ctx.port(0), ctx.in_shape(0), ctx.const(1)
    shift = ctx.const(2) if ctx.input_name(2) else np.zeros_like(scale)
    if port is None or shape is None or scale is None or shift is None or not ctx.only_first_output_used():
        return False
    if ctx.attr("axis", -1) % len(shape) != len(shape) - 1 or scale.ndim != 1:
        return False
    weights = {"weight": _tensor(scale), "bias": _tensor(shift)}
    ctx.add("LayerNorm", {"eps": ctx.attr("epsilon", 1e-5)}, [port], weights)
    return True


def local_response_norm(ctx: NodeContext) -> bool:
    port, shape, size = ctx.port(0), ctx.in_shape(0), ctx.attr("size")
    if port is None or shape is None or len(shape) not in (3, 4) or not isinstance(size, int) or size < 1:
        return False
    if size % 2 == 0:
        ctx.importer.report.notes.append(
            f"{ctx.label} (LRN) is kept as an ONNX operator: with an even size ({size}) ONNX's window reaches one "
            "channel further after each channel and torch's one channel further before"
        )
        return False
    params = {
        "size": size,
        "alpha": ctx.attr("alpha", 1e-4),
        "beta": ctx.attr("beta", 0.75),
        "k": ctx.attr("bias", 1.0),
    }
    ctx.add("LocalResponseNorm", params, [port])
    return True


def gather(ctx: NodeContext) -> bool:
    """A constant table indexed by tokens is an Embedding; a final state picked from a stack is followed."""
    source, index, axis = ctx.value(0), ctx.value(1), ctx.attr("axis", 0)
    if isinstance(source, View) and isinstance(index, np.ndarray) and index.ndim == 0:
        return rnn.gather(ctx, source, axis, int(index))
    if not isinstance(source, np.ndarray) or source.ndim != 2 or axis != 0 or not isinstance(index, tuple):
        return False
    design = ctx.importer.builder.design
    feeder = design.block(index[0])
    if feeder.kind == "Input" and feeder.params["data"] == "tokens":
        design.set_param(index[0], "vocab_size", int(source.shape[0]))
    ctx.add("Embedding", {"embedding_dim": int(source.shape[1])}, [index], {"weight": _tensor(source)})
    return True


def identity(ctx: NodeContext) -> bool:
    ctx.set_output(0, ctx.value(0))
    ctx.fold()
    return True


def flatten(ctx: NodeContext) -> bool:
    port, shape = ctx.port(0), ctx.in_shape(0)
    if port is None or shape is None or ctx.attr("axis", 1) != 1:
        return False
    if len(shape) == 2:
        return identity(ctx)
    ctx.add("Flatten", {"start_dim": 1}, [port])
    return True


def reshape_target(importer: OnnxImporter, node: onnx.NodeProto) -> list[int] | None:
    """The per-sample shape of a Reshape that keeps the batch, from ONNX's inferred result; None otherwise."""
    before, after = importer.graph.shape(node.input[0]), importer.graph.shape(node.output[0])
    if before is None or after is None or len(after) < 2 or after[0] != before[0] or after[0] is None:
        return None
    rest = list(after[1:])
    return rest if all(isinstance(d, int) and d > 0 for d in rest) else None


def reshape_constant(importer: OnnxImporter, node: onnx.NodeProto) -> np.ndarray | None:
    """A constant shape input giving a Reshape's result, using 0 (keep) and -1 (the rest) for sizes that vary."""
    if importer.graph.constant(node.input[1]) is not None:
        return importer.graph.constant(node.input[1])
    before, after = importer.raw_shape(node.input[0]), importer.raw_shape(node.output[0])
    if before is None or after is None or None in after:
        return None
    target = [d if isinstance(d, int) else 0 if i < len(before) and before[i] == d else -1 for i, d in enumerate(after)]
    return np.array(target, np.int64) if target.count(-1) <= 1 and 0 not in after else None


def reshape(ctx: NodeContext) -> bool:
    source = ctx.value(0)
    if isinstance(source, View):
        return rnn.merge_directions(ctx, source, len(ctx.out_shape(0) or ()))
    target = reshape_target(ctx.importer, ctx.node)
    if not isinstance(source, tuple) or target is None:
        constant = reshape_constant(ctx.importer, ctx.node)
        if constant is not None:
            ctx.fixed[1] = constant
        return False
    if target == list(ctx.in_shape(0) or ())[1:]:
        return identity(ctx)
    if len(target) == 1:
        ctx.add("Flatten", {"start_dim": 1}, [source])
    else:
        ctx.add("Reshape", {"shape": target}, [source])
    return True


def transpose(ctx: NodeContext) -> bool:
    source, shape = ctx.value(0), ctx.in_shape(0)
    perm = ctx.attr("perm") or (list(range(len(shape)))[::-1] if shape else None)
    if perm is None:
        return False
    if isinstance(source, View):
        return rnn.transpose(ctx, source, perm)
    if not isinstance(source, tuple):
        return False
    if perm == [1, 0, 2] and _feeds_recurrent_only(ctx):
        ctx.set_output(0, View(source[0], ("T", "N", "X")))
        ctx.fold()
        return True
    if perm[0] != 0:
        return False
    ctx.add("Permute", {"dims": perm}, [source])
    return True


def _feeds_recurrent_only(ctx: NodeContext) -> bool:
    """Whether a time-first copy of a sequence only feeds recurrent nodes, which read time first anyway."""
    graph = ctx.importer.graph
    consumers = graph.consumers.get(ctx.node.output[0], [])
    recurrent = all(graph.nodes[c].op_type in ("LSTM", "GRU", "RNN") for c in consumers)
    return bool(consumers) and recurrent and ctx.node.output[0] not in graph.outputs


def _squeeze(ctx: NodeContext) -> bool:
    source = ctx.value(0)
    axes = ctx.attr("axes")
    if axes is None and ctx.input_name(1):
        constant = ctx.const(1)
        axes = None if constant is None else [int(a) for a in constant.reshape(-1)]
    return isinstance(source, View) and axes is not None and rnn.squeeze(ctx, source, axes)


HANDLERS: dict[str, Handler] = {
    "Div": exact_gelu,  # the exact GELU written out; any other Div is kept
    "Conv": conv,
    "Gemm": gemm,
    "MatMul": matmul,
    "Add": _merge("Add"),
    "Sum": _merge("Add"),
    "Mul": _merge("Multiply"),
    "Concat": concat,
    "Relu": _unary("ReLU"),
    "LeakyRelu": _unary("LeakyReLU", _leaky),
    "Gelu": _unary("GELU", _gelu),
    "Sigmoid": _unary("Sigmoid"),
    "Tanh": _unary("Tanh"),
    "Softmax": _unary("Softmax", _softmax),
    "Dropout": _unary("Dropout", _dropout),
    "MaxPool": _pool("MaxPool"),
    "AveragePool": _pool("AvgPool"),
    "GlobalAveragePool": global_average_pool,
    "ReduceMean": reduce_mean,
    "BatchNormalization": batch_norm,
    "LayerNormalization": layer_norm,
    "LRN": local_response_norm,
    "Gather": gather,
    "Identity": identity,
    "Flatten": flatten,
    "Reshape": reshape,
    "Transpose": transpose,
    "Squeeze": _squeeze,
    "LSTM": rnn.recurrent,
    "GRU": rnn.recurrent,
    "RNN": rnn.recurrent,
}


COMPOSITES: dict[str, Finder] = {"Softmax": self_attention, "Div": written_out_lrn}
"""Layers written out as many nodes, found from the node at their heart (see designer.importers.onnx_composite)."""


def handler_for(importer: OnnxImporter, node: onnx.NodeProto) -> Handler | None:
    """How to map ``node``: as the last node of a layer written out, by its operator's handler, or not at all."""
    found = importer.composites.get(node.output[0]) if node.output else None
    if found is not None:
        return lambda ctx: add_composite(ctx, found)
    return HANDLERS.get(node.op_type) if node.domain in ("", "ai.onnx") else None


def data_inputs(importer: OnnxImporter, node: onnx.NodeProto) -> list[str]:
    """The inputs a node needs imported: the last node of a layer written out needs only the layer's input, a
    Reshape that keeps the batch needs no size arithmetic, and a recurrent node with a zero initial state needs
    only its sequence and weights."""
    found = importer.composites.get(node.output[0]) if node.output else None
    if found is not None:
        return [found.source]
    if node.op_type == "Reshape" and (
        reshape_target(importer, node) is not None or reshape_constant(importer, node) is not None
    ):
        return [node.input[0]]
    if node.op_type in ("LSTM", "GRU", "RNN") and all(importer.graph.is_zeros(n) for n in node.input[5:8]):
        return list(node.input[:4])
    return [n for n in node.input if n]
