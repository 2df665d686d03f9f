"""Layers an exporter wrote out as many small nodes (attention, local response norm), found and turned back into one
block each.

A finder reads a candidate's settings and weights from the graph's structure; the candidate is then checked by
running the model: the block's torch computation on the values the model gives its input must give the values the
model gives its result. Only candidates that pass become blocks; the others stay ONNX operators, and the report
says why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import onnx
import torch

from designer.core.shapes import SEQUENCE
from designer.importers.grouping import onnx_module_path
from designer.importers.result import ModelImportError, first_line

if TYPE_CHECKING:
    from designer.importers.onnx_import import NodeContext, OnnxImporter

TOLERANCE = 1e-4
"""Largest difference, relative to the largest value, between a candidate block and the model's own result."""
MAX_REGION = 5000
"""Most nodes one layer written out may span (a guard on hostile graphs)."""


@dataclass
class Composite:
    """One block standing for the nodes between ``source`` and ``result``."""

    kind: str
    what: str
    """The layer in words, for the report: "multi-head attention"."""
    source: str
    """The tensor the block reads: batch first, as Designer lays it out."""
    result: str
    """The tensor the block gives, batch first."""
    params: dict
    name: str
    reference: Callable[[torch.Tensor], torch.Tensor]
    """What the block computes, in torch, to check against the model."""
    weights: dict[str, torch.Tensor] = field(default_factory=dict)
    nodes: list[int] = field(default_factory=list)
    """The nodes it replaces."""
    unlike: str = ""
    """The likely reason, when the check fails."""


Finder = Callable[["OnnxImporter", int], "Composite | str | None"]
"""Looks at one node: a candidate, a reason the layer there has no block, or None when it is not that layer."""


def find_composites(importer: OnnxImporter, finders: dict[str, Finder]) -> dict[str, Composite]:
    """Every written-out layer that checks out, by the tensor it gives; those that do not are noted in the report."""
    graph = importer.graph
    candidates: list[Composite] = []
    for index, node in enumerate(graph.nodes):
        finder = finders.get(node.op_type) if node.domain in ("", "ai.onnx") else None
        try:
            found = finder(importer, index) if finder else None
        except ModelImportError:
            raise
        except Exception as exc:  # a graph unlike any seen: its nodes stay ONNX operators; the import goes on
            found = f"it could not be examined ({type(exc).__name__}: {first_line(exc)})"
        if isinstance(found, str):
            importer.report.notes.append(f"{graph.label(index)} ({node.op_type}): kept as ONNX operators: {found}")
        elif found is not None:
            reason = region_problem(importer, found)
            if reason:
                importer.report.notes.append(f"{found.name}: {found.what} kept as ONNX operators: {reason}")
            else:
                candidates.append(found)
    return {c.result: c for c in _checked(importer, candidates)}


def module_name(node: onnx.NodeProto, fallback: str) -> str:
    """The module path torch wrote into a node's name (``/features/features.2/Div`` → ``features.2``), else
    ``fallback``."""
    from designer.importers.onnx_import import node_block_name

    op = node.op_type.lower()
    name = node_block_name(node).removesuffix(f"_{op}") if "/" in node.name else op
    return fallback if name == op else name


def add_composite(ctx: NodeContext, found: Composite) -> bool:
    """One block for a layer written out as many nodes, fed by the tensor the first of them reads."""
    importer = ctx.importer
    source = importer.value(found.source)
    if not isinstance(source, tuple):
        raise ModelImportError(f"{found.name}: the {found.what} reads a tensor in a layout Designer has no block for")
    graph = importer.graph
    labels = [graph.label(i) for i in found.nodes if i != ctx.index]
    what = f"{found.what}, {len(found.nodes)} nodes"
    block = importer.builder.add(found.kind, found.name, found.params, [source], ctx.label, what)
    importer.builder.set_weights(block, found.weights)
    importer.builder.paths[block] = onnx_module_path(ctx.node)
    ctx.set_output(0, (block, "out"))
    importer.produced[block] = found.result
    importer.report.folded += labels
    return True


def region_problem(importer: OnnxImporter, found: Composite) -> str | None:
    """Why the nodes from ``found.source`` to ``found.result`` cannot become one block, or None when they can.

    They may read nothing but the source and constants (sizes read off any tensor are fine), and nothing outside
    may read the values they compute on the way.
    """
    graph = importer.graph
    region: set[int] = set()
    stack = [found.result]
    while stack:
        name = stack.pop()
        if name == found.source or not name or graph.constant(name) is not None:
            continue
        if name not in graph.producer:
            return f"it also reads the model input {name} (a mask?), which the block cannot take"
        index = graph.producer[name][0]
        if index in region:
            continue
        region.add(index)
        if len(region) > MAX_REGION:
            return "it spans too many nodes"
        if graph.nodes[index].op_type != "Shape":  # a size may be read off any tensor
            stack.extend(reads(graph.nodes[index]))
    if graph.producer.get(found.source, (None,))[0] in region:
        return "part of it reads what comes before its input"
    last = graph.producer[found.result][0]
    for index in region - {last}:
        for name in graph.nodes[index].output:
            if _is_data(importer, name) and (
                name in graph.outputs
                or any(c not in region and not _sizes_only(importer, c) for c in graph.consumers.get(name, []))
            ):
                return f"its intermediate result {name} is used elsewhere too"
    found.nodes = sorted(region)
    return None


def _sizes_only(importer: OnnxImporter, index: int) -> bool:
    """Whether node ``index`` is a Shape, or feeds nothing but Shape nodes (a transpose made only to measure)."""
    graph = importer.graph
    node = graph.nodes[index]
    if node.op_type == "Shape":
        return True
    readers = [c for name in node.output for c in graph.consumers.get(name, [])]
    return bool(readers) and all(graph.nodes[c].op_type == "Shape" for c in readers)


def reads(node: onnx.NodeProto) -> list[str]:
    """The tensors a node reads, those its subgraphs (If, Loop) take from around them included."""
    names = [n for n in node.input if n]
    for attribute in node.attribute:
        for subgraph in [attribute.g] if attribute.type == onnx.AttributeProto.GRAPH else attribute.graphs:
            inner = {o for n in subgraph.node for o in n.output} | {i.name for i in subgraph.initializer}
            names += [n for sub in subgraph.node for n in reads(sub) if n not in inner]
    return names


def _is_data(importer: OnnxImporter, name: str) -> bool:
    """Whether ``name`` holds values rather than sizes (int64 size arithmetic may be shared harmlessly)."""
    return importer.graph.elem_type(name) not in (onnx.TensorProto.INT64, onnx.TensorProto.BOOL)


def _checked(importer: OnnxImporter, candidates: list[Composite]) -> list[Composite]:
    """The candidates whose block computes what the model computes, found by running the model once."""
    if not candidates:
        return []
    from designer.importers.onnx_import import DECLARED_LENGTH

    names = sorted({n for c in candidates for n in (c.source, c.result)})
    sizes = {symbol: DECLARED_LENGTH for symbol, meaning in importer.symbols.items() if meaning == SEQUENCE}
    try:
        (values,) = importer.graph.run(names, (2,), sizes)
    except ValueError as exc:
        for c in candidates:
            importer.report.notes.append(f"{c.name}: {c.what} kept as ONNX operators: {exc}, so it was not checked")
        return []
    passed = []
    for c in candidates:
        expected = values[c.result]
        try:
            with torch.no_grad():
                ours = c.reference(torch.from_numpy(np.array(values[c.source]))).numpy()
        except RuntimeError as exc:  # weights or sizes that do not fit the block: it is not this layer
            ours, reason = None, str(exc).splitlines()[0]
        else:
            scale = max(float(np.abs(expected).max(initial=0.0)), 1.0)
            difference = float(np.abs(ours - expected).max(initial=0.0)) if ours.shape == expected.shape else np.inf
            reason = None if difference <= TOLERANCE * scale else f"largest difference {difference:.3g}"
            reason = f"{c.unlike}; {reason}" if reason and c.unlike else reason
        if reason is None:
            passed.append(c)
        else:
            importer.report.notes.append(
                f"{c.name}: kept as ONNX operators: it looks like {c.what} but does not compute what a {c.kind} "
                f"block computes ({reason})"
            )
    return passed
