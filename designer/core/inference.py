"""Static shape inference and validation of a whole design.

Walks the blocks in dependency order, gives every output port its tensor type and every block its
problems. A block downstream of a problem gets no type and no further complaint, so each mistake
is reported once, where it is.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Any, Literal

import networkx as nx

from designer.core.blocks import BlockError, get_block
from designer.core.design import Connection, DesignGraph, id_order
from designer.core.shapes import TensorType


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a design: where, what, and how to fix it."""

    message: str
    block_id: str | None = None
    block: str | None = None
    fix: str | None = None
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = f"{self.block}: " if self.block else ""
        return where + self.message + (f" — fix: {self.fix}" if self.fix else "")


@dataclass
class DesignReport:
    """Everything inference learned about a design."""

    order: list[str] = field(default_factory=list)
    """Block ids in an order where every block comes after the blocks feeding it."""
    outputs: dict[str, list[TensorType]] = field(default_factory=dict)
    """The tensor type of each output port, per block id (absent when it could not be known)."""
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Parameters as the compiler will use them, inferred ones filled in, per block id."""
    inputs: dict[str, list[TensorType]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def problems_of(self, block_id: str) -> list[Problem]:
        return [p for p in self.problems if p.block_id == block_id]

    def edge_type(self, design: DesignGraph, connection: Connection) -> TensorType | None:
        """The tensor type flowing along ``connection``, if known."""
        types = self.outputs.get(connection.source)
        if types is None:
            return None
        return types[design.block(connection.source).spec.outputs.index(connection.source_port)]


def infer(design: DesignGraph) -> DesignReport:
    """Infer every shape in ``design`` and collect its problems."""
    report = DesignReport()
    graph = design.graph
    report.order = dependency_order(graph)
    if len(report.order) < len(graph):
        cyclic = _report_cycles(design, report)
        report.order = dependency_order(graph, cyclic)
    for block_id in report.order:
        _infer_block(graph, block_id, report)
    _report_structure(design, report)
    return report


def dependency_order(graph: nx.MultiDiGraph, left_out: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Blocks after the blocks feeding them, the earliest added first among those ready (Kahn's algorithm).

    Blocks on a cycle never become ready; ``left_out`` blocks are treated as absent.
    """
    pred, succ = graph.pred, graph.succ
    waiting = {b: sum(p not in left_out for p in pred[b]) for b in graph if b not in left_out}
    ready = [(id_order(b), b) for b, count in waiting.items() if not count]
    heapq.heapify(ready)
    order = []
    while ready:
        _, block_id = heapq.heappop(ready)
        order.append(block_id)
        for target in succ[block_id]:
            if target in waiting:
                waiting[target] -= 1
                if not waiting[target]:
                    heapq.heappush(ready, (id_order(target), target))
    return order


def _infer_block(graph: nx.MultiDiGraph, block_id: str, report: DesignReport) -> None:
    # Reads the graph's own records rather than Block copies: this runs for every block after every edit.
    data = graph.nodes[block_id]
    spec = get_block(data["kind"])
    # networkx's own adjacency dict: its public views cost more than the shape rules here.
    incoming = {
        port: (source, edge["source_port"])
        for source, edges in graph._pred[block_id].items()
        for port, edge in edges.items()
    }
    inputs: list[TensorType] = []
    for port in spec.input_ports(data["params"]):
        if port not in incoming:
            report.problems.append(
                Problem(
                    f"input {port} is not connected",
                    block_id,
                    data["name"],
                    "connect another block's output to it, or delete this block",
                )
            )
            return
        source, source_port = incoming[port]
        upstream = report.outputs.get(source)
        if upstream is None:
            return
        inputs.append(upstream[get_block(graph.nodes[source]["kind"]).outputs.index(source_port)])
    try:
        result = spec.infer_shapes(dict(data["params"]), inputs)
    except BlockError as exc:
        report.problems.append(Problem(exc.message, block_id, data["name"], exc.fix))
        return
    report.inputs[block_id] = inputs
    report.outputs[block_id] = result.outputs
    report.params[block_id] = result.params
    report.problems.extend(Problem(w.message, block_id, data["name"], w.fix, "warning") for w in result.warnings)


def _report_cycles(design: DesignGraph, report: DesignReport) -> set[str]:
    cyclic: set[str] = set()
    for component in nx.strongly_connected_components(design.graph):
        if len(component) < 2:
            continue
        cyclic |= component
        members = sorted(component, key=id_order)
        names = " → ".join(design.block(b).name for b in members)
        for block_id in members:
            report.problems.append(
                Problem(
                    f"is part of a cycle ({names}); data must flow one way",
                    block_id,
                    design.block(block_id).name,
                    "remove one of the connections that loops back",
                )
            )
    return cyclic


def _report_structure(design: DesignGraph, report: DesignReport) -> None:
    graph = design.graph
    kinds = {data["kind"] for _, data in graph.nodes(data=True)}
    if "Input" not in kinds:
        report.problems.append(Problem("the design has no Input block", fix="add an Input block and connect it"))
    if "Output" not in kinds:
        report.problems.append(
            Problem(
                "the design has no Output block",
                fix="add an Output block after the last layer",
            )
        )
    for block_id in sorted(graph.nodes, key=id_order):
        data = graph.nodes[block_id]
        if get_block(data["kind"]).outputs and not graph.out_degree(block_id):
            report.problems.append(
                Problem(
                    "output is not used",
                    block_id,
                    data["name"],
                    "connect it onward, or delete the block",
                    "warning",
                )
            )
