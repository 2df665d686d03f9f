"""Operators an exporter wrote out as several nodes, recognised and turned back into one block."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import onnx
import torch.nn.functional as F

from designer.importers.builder import block_name
from designer.importers.onnx_composite import Composite, module_name, reads

if TYPE_CHECKING:
    from designer.importers.onnx_import import NodeContext, OnnxImporter


def _follower(importer: OnnxImporter, name: str, op: str) -> tuple[int, onnx.NodeProto] | None:
    """The one node that uses ``name``, when it is an ``op`` node and ``name`` is not a model output."""
    graph = importer.graph
    consumers = graph.consumers.get(name, [])
    if len(consumers) != 1 or name in graph.outputs or graph.nodes[consumers[0]].op_type != op:
        return None
    return consumers[0], graph.nodes[consumers[0]]


def _other(importer: OnnxImporter, node: onnx.NodeProto, known: str) -> np.ndarray | str | None:
    """The input of a two-input node that is not ``known``: its constant value, or its name."""
    others = [n for n in node.input if n != known]
    if len(others) != 1:
        return None
    constant = importer.graph.constant(others[0])
    return others[0] if constant is None else constant


def _near(value: object, target: float) -> bool:
    return isinstance(value, np.ndarray) and value.size == 1 and abs(float(value) - target) < 1e-4


def exact_gelu(ctx: NodeContext) -> bool:
    """``x · 0.5 · (1 + erf(x / √2))``, the exact GELU as torch's TorchScript exporter writes it, is one GELU."""
    importer, port, x = ctx.importer, ctx.port(0), ctx.node.input[0]
    if port is None or not _near(ctx.const(1), 2**0.5):
        return False
    chain, name = [], ctx.node.output[0]
    for op, partner in (("Erf", None), ("Add", 1.0), ("Mul", x), ("Mul", 0.5)):
        found = _follower(importer, name, op)
        other = None if found is None or op == "Erf" else _other(importer, found[1], name)
        if found is None or (op != "Erf" and not (other == x if isinstance(partner, str) else _near(other, partner))):
            return False
        chain.append(found)
        name = found[1].output[0]
    from designer.importers.onnx_import import node_block_name

    named = node_block_name(ctx.node)
    block_port = ctx.add("GELU", {"approximate": "none"}, [port], name="gelu" if named == "div" else named)
    importer.values[name] = block_port
    importer.produced[block_port[0]] = name
    for index, _ in chain:
        importer.skipped.add(index)
        importer.report.folded.append(importer.graph.label(index))
    return True


_LRN_REARRANGING = ("Reshape", "Squeeze", "Unsqueeze", "Transpose", "Identity", "Cast", "Pad")
"""What torch's local_response_norm puts between its squares, their average over the window, and the denominator."""


def local_response_norm(importer: OnnxImporter, index: int) -> Composite | None:
    """``x / (k + alpha · avg_pool(x², size channels))^beta``, as torch exports ``nn.LocalResponseNorm``."""
    graph = importer.graph
    div = graph.nodes[index]
    if len(div.input) != 2:
        return None
    source = div.input[0]
    power = _producer_of(importer, div.input[1], "Pow")
    beta = _scalar(importer, power.input[1]) if power else None
    shifted = _producer_of(importer, power.input[0], "Add") if power else None
    k, scaled_name = _constant_and_other(importer, shifted)
    scaled = _producer_of(importer, scaled_name, "Mul") if scaled_name else None
    alpha, averaged = _constant_and_other(importer, scaled)
    pool = _window_average(importer, averaged) if averaged else None
    shape = importer.designer_shape(source)
    if None in (beta, k, alpha, pool) or shape is None or len(shape) not in (3, 4):
        return None
    kernel = next((a.ints for a in pool.attribute if a.name == "kernel_shape"), [])  # type: ignore[union-attr]
    if not kernel or any(d != 1 for d in kernel[1:]) or not _squares_of(importer, pool.input[0], source):
        return None
    size = int(kernel[0])
    params = {"size": size, "alpha": alpha, "beta": beta, "k": k}
    return Composite(
        "LocalResponseNorm",
        "local response norm",
        source,
        div.output[0],
        params,
        block_name(module_name(div, "local_response_norm"), "local_response_norm"),
        lambda x: F.local_response_norm(x, size, alpha, beta, k),
    )


def _producer_of(importer: OnnxImporter, name: str, op: str) -> onnx.NodeProto | None:
    graph = importer.graph
    if name not in graph.producer or graph.constant(name) is not None:
        return None
    node = graph.nodes[graph.producer[name][0]]
    return node if node.op_type == op else None


def _scalar(importer: OnnxImporter, name: str) -> float | None:
    value = importer.graph.constant(name)
    return float(value.reshape(-1)[0]) if value is not None and value.size == 1 else None


def _constant_and_other(importer: OnnxImporter, node: onnx.NodeProto | None) -> tuple[float | None, str | None]:
    """A two-input node's single-number constant input, and its other input."""
    if node is None or len(node.input) != 2:
        return None, None
    for i in (0, 1):
        value = _scalar(importer, node.input[i])
        if value is not None and importer.graph.constant(node.input[1 - i]) is None:
            return value, node.input[1 - i]
    return None, None


def _window_average(importer: OnnxImporter, name: str) -> onnx.NodeProto | None:
    """The AveragePool behind ``name``, through rearrangements (and the If that torch's exporter writes around a
    squeeze it cannot tell is needed)."""
    graph = importer.graph
    for _ in range(8):
        if name not in graph.producer:
            return None
        node = graph.nodes[graph.producer[name][0]]
        if node.op_type == "AveragePool":
            return node
        if node.op_type == "If":
            outer = {n for n in reads(node) if n not in node.input}
            if len(outer) != 1:
                return None
            name = outer.pop()
        elif node.op_type in _LRN_REARRANGING:
            name = node.input[0]
        else:
            return None
    return None


def _squares_of(importer: OnnxImporter, name: str, source: str) -> bool:
    """Whether ``name`` is ``source`` squared, padded and rearranged."""
    graph = importer.graph
    for _ in range(8):
        if name not in graph.producer:
            return False
        node = graph.nodes[graph.producer[name][0]]
        if node.op_type == "Mul":
            return list(node.input) == [source, source]
        if node.op_type == "Pow":
            return node.input[0] == source and _scalar(importer, node.input[1]) == 2.0
        if node.op_type not in _LRN_REARRANGING:
            return False
        name = node.input[0]
    return False
