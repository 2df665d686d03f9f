"""ONNX LSTM, GRU and RNN nodes → batch-first Designer blocks, through the transposes and reshapes around them.

ONNX recurrent nodes read time first (T×N×F) and return Y as T×D×N×H and the final states as D×N×H. Exporters
wrap them in Transpose, Reshape, Squeeze, Gather and Concat nodes to get back to batch-first tensors. Those
nodes are followed here as relabellings of a :class:`View` until it is one of the two results a Designer
recurrent block has: the whole sequence (N×T×X) or the last step (N×X, both directions side by side).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import torch

from designer.importers.result import ModelImportError

if TYPE_CHECKING:
    from designer.importers.onnx_import import NodeContext, OnnxImporter

SEQUENCE, LAST_STEP = "sequence", "last step"
GATE_ORDER = {"LSTM": [0, 2, 3, 1], "GRU": [1, 0, 2], "RNN": [0]}
"""Where torch's gates sit in ONNX's order: LSTM iofc → ifgo, GRU zrh → rzn."""
DEFAULT_ACTIVATIONS = {"LSTM": ["Sigmoid", "Tanh", "Tanh"], "GRU": ["Sigmoid", "Tanh"]}


@dataclass(frozen=True)
class View:
    """A recurrent block's result (or a batch-first tensor) seen through a layout Designer has no block for.

    Axis labels: N batch, T time, X the whole feature width, D direction, H one direction's width,
    L stacked final states (one per ``entries``: a recurrent block and a direction).
    """

    block: str
    labels: tuple[str, ...]
    entries: tuple[tuple[str, int], ...] = ()


def recurrent(ctx: NodeContext) -> bool:
    """Map an LSTM, GRU or RNN node to one Designer block of one layer, with its weights in torch's gate order."""
    kind, importer = ctx.node.op_type, ctx.importer
    layout, source = ctx.attr("layout", 0), ctx.value(0)
    if layout == 0 and isinstance(source, View) and source.labels == ("T", "N", "X") and not source.entries:
        port = (source.block, "out")
    elif layout == 1 and isinstance(source, tuple):
        port = source
    else:
        return False
    if not _plain_settings(ctx, kind):
        return False
    weights, recurrent_weights = ctx.const(1), ctx.const(2)
    bias = ctx.const(3) if ctx.input_name(3) else None
    if weights is None or recurrent_weights is None or (ctx.input_name(3) and bias is None):
        return False
    directions, hidden = weights.shape[0], ctx.attr("hidden_size")
    params = {"hidden_size": hidden, "bidirectional": directions == 2, "num_layers": 1, "bias": True}
    if kind == "RNN":
        params["nonlinearity"] = (ctx.attr("activations") or ["Tanh"])[0].lower()
    block = importer.builder.add(kind, _name(ctx), params, [port], ctx.label, kind)
    gates = len(GATE_ORDER[kind])
    bias = bias if bias is not None else np.zeros((directions, 2 * gates * hidden), np.float32)
    state = {}
    for d, suffix in enumerate(["", "_reverse"][:directions]):
        state[f"weight_ih_l0{suffix}"] = _reorder(weights[d], kind, hidden)
        state[f"weight_hh_l0{suffix}"] = _reorder(recurrent_weights[d], kind, hidden)
        state[f"bias_ih_l0{suffix}"] = _reorder(bias[d][: gates * hidden], kind, hidden)
        state[f"bias_hh_l0{suffix}"] = _reorder(bias[d][gates * hidden :], kind, hidden)
    importer.builder.set_weights(block, state)
    sequence = ("T", "D", "N", "H") if layout == 0 else ("N", "T", "D", "H")
    settle(ctx, 0, View(block, sequence))
    if len(ctx.node.output) > 1 and ctx.node.output[1]:
        states = ("L", "N", "H") if layout == 0 else ("N", "L", "H")
        settle(ctx, 1, View(block, states, tuple((block, d) for d in range(directions))))
    if len(ctx.node.output) > 2 and importer.graph.used(ctx.node.output[2]):
        raise ModelImportError(
            f"{ctx.label} ({kind}): the final cell state is used, which Designer's LSTM keeps inside"
        )
    return True


def _plain_settings(ctx: NodeContext, kind: str) -> bool:
    """Whether the node computes what torch's layer computes: default activations, no clip, zero initial state."""
    directions = 2 if ctx.attr("direction", "forward") == "bidirectional" else 1
    if ctx.attr("direction", "forward") not in ("forward", "bidirectional") or ctx.attr("clip") is not None:
        return False
    activations = ctx.attr("activations")
    if kind in DEFAULT_ACTIVATIONS and activations not in (None, DEFAULT_ACTIVATIONS[kind] * directions):
        return False
    if kind == "RNN" and activations not in (None, ["Tanh"] * directions, ["Relu"] * directions):
        return False
    if ctx.attr("input_forget", 0) or (kind == "GRU" and ctx.attr("linear_before_reset", 0) != 1):
        return False
    graph = ctx.importer.graph
    return not ctx.input_name(4) and all(graph.is_zeros(ctx.input_name(i)) for i in (5, 6, 7))


def _reorder(array: np.ndarray, kind: str, hidden: int) -> torch.Tensor:
    chunks = [array[g * hidden : (g + 1) * hidden] for g in range(len(GATE_ORDER[kind]))]
    return torch.tensor(np.concatenate([chunks[g] for g in GATE_ORDER[kind]]))


def _name(ctx: NodeContext) -> str:
    from designer.importers.onnx_import import node_block_name

    return node_block_name(ctx.node)


def settle(ctx: NodeContext, i: int, view: View) -> None:
    """Give output ``i`` the view, or the block's port once the view is a result the block has."""
    importer = ctx.importer
    if not view.entries and view.labels == ("N", "T", "X"):
        _use(importer, view.block, SEQUENCE, ctx.label)
        ctx.set_output(i, (view.block, "out"))
        importer.produced[view.block] = ctx.node.output[i]
    else:
        ctx.set_output(i, view)


def _use(importer: OnnxImporter, block: str, how: str, where: str) -> None:
    design = importer.builder.design
    if design.block(block).kind not in GATE_ORDER:
        return
    before = importer.recurrent_use.setdefault(block, how)
    if before != how:
        raise ModelImportError(
            f"{where}: the model uses both the whole sequence and the last step of {design.block(block).name}; "
            "a Designer recurrent block gives one of them"
        )
    if how == LAST_STEP:
        design.set_param(block, "output", LAST_STEP)


def _directions(importer: OnnxImporter, block: str) -> int:
    return 2 if importer.builder.design.block(block).params["bidirectional"] else 1


def transpose(ctx: NodeContext, view: View, perm: list[int]) -> bool:
    if sorted(perm) != list(range(len(view.labels))):
        return False
    settle(ctx, 0, replace(view, labels=tuple(view.labels[p] for p in perm)))
    return True


def merge_directions(ctx: NodeContext, view: View, rank: int) -> bool:
    """A Reshape that joins the direction and width axes (D×H → X)."""
    labels = view.labels
    for a in range(len(labels) - 1):
        if labels[a : a + 2] == ("D", "H") and rank == len(labels) - 1:
            settle(ctx, 0, replace(view, labels=(*labels[:a], "X", *labels[a + 2 :])))
            return True
    return False


def squeeze(ctx: NodeContext, view: View, axes: list[int]) -> bool:
    """Dropping a direction axis of size 1 (then H is the whole width X) or a stack of one final state."""
    labels = list(view.labels)
    axes = sorted((a % len(labels) for a in axes), reverse=True)
    entries = view.entries
    for axis in axes:
        label = labels[axis]
        if label == "D" and _directions(ctx.importer, view.block) == 1:
            labels = ["X" if x == "H" else x for x in labels]
        elif label != "L" or len(entries) != 1:
            return False
        del labels[axis]
    return _settle_state(ctx, replace(view, labels=tuple(labels), entries=entries))


def gather(ctx: NodeContext, view: View, axis: int, index: int) -> bool:
    """Picking one final state out of a stack (``h_n[-1]``)."""
    axis %= len(view.labels)
    if view.labels[axis] != "L" or not -len(view.entries) <= index < len(view.entries):
        return False
    labels = view.labels[:axis] + view.labels[axis + 1 :]
    return _settle_state(ctx, replace(view, labels=labels, entries=(view.entries[index],)))


def concat(ctx: NodeContext, views: list[View], axis: int) -> bool:
    """Stacks of final states joined (layers one after another), or both directions' last states side by side."""
    first = views[0]
    axis %= len(first.labels)
    if any(v.labels != first.labels for v in views) or first.labels[axis] not in ("L", "H"):
        return False
    entries = tuple(e for v in views for e in v.entries)
    if first.labels[axis] == "L":
        settle(ctx, 0, replace(first, entries=entries))
        return True
    block = entries[0][0]
    if first.labels != ("N", "H") or entries != ((block, 0), (block, 1)):
        return False
    return _last_step(ctx, block)


def _settle_state(ctx: NodeContext, view: View) -> bool:
    """A final state that is the whole last step of a one-direction block becomes that block's result."""
    if view.entries and view.labels in (("N", "H"), ("N", "X")) and len(view.entries) == 1:
        block = view.entries[0][0]
        if _directions(ctx.importer, block) == 1:
            return _last_step(ctx, block)
    if not view.entries and view.labels == ("N", "T", "X"):
        settle(ctx, 0, view)
        return True
    ctx.set_output(0, view)
    return True


def _last_step(ctx: NodeContext, block: str) -> bool:
    _use(ctx.importer, block, LAST_STEP, ctx.label)
    ctx.set_output(0, (block, "out"))
    ctx.importer.produced[block] = ctx.node.output[0]
    return True
