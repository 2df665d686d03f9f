"""Operators an exporter wrote out as several nodes, recognised and turned back into one block."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import onnx

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
