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

from designer.core.blocks import BlockError, BlockSpec, get_block
from designer.core.blocks.spec import ShapeResult
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
    """The tensor type of each output port, per block id (absent when it could not be known).

    Blocks alike share one list, and so do reports before and after an edit that left a block as it was: read only.
    """
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

    def outputs_changed_since(self, previous: DesignReport) -> set[str]:
        """Blocks whose output types differ from those in ``previous`` (present in one report only included)."""
        before = previous.outputs
        # An incremental update keeps the unchanged blocks' own lists: identity settles most of them.
        changed = {b for b, types in self.outputs.items() if before.get(b) is not types and before.get(b) != types}
        changed.update(before.keys() - self.outputs.keys())
        return changed

    def edge_type(self, design: DesignGraph, connection: Connection) -> TensorType | None:
        """The tensor type flowing along ``connection``, if known."""
        types = self.outputs.get(connection.source)
        if types is None:
            return None
        return types[design.block(connection.source).spec.outputs.index(connection.source_port)]


def infer(design: DesignGraph) -> DesignReport:
    """Infer every shape in ``design`` and collect its problems."""
    return infer_by_block(design)[0]


def infer_by_block(design: DesignGraph) -> tuple[DesignReport, dict[str, list[Problem]], list[Problem]]:
    """:func:`infer`, and where its problems came from: each block's shape rule (by block id, blocks with some)
    and the design as a whole (see :func:`structure_problems`)."""
    report = DesignReport()
    graph = design.graph
    report.order = dependency_order(graph)
    cycles: list[Problem] = []
    if len(report.order) < len(graph):
        cycles = _cycle_problems(design)
        report.order = dependency_order(graph, {p.block_id for p in cycles})
    found: dict[str, list[Problem]] = {}
    for block_id in report.order:
        problems = infer_block(graph, block_id, report)
        if problems:
            found[block_id] = problems
    structure = structure_problems(design)
    report.problems = gather_problems(report.order, cycles, found, structure)
    return report, found, structure


def gather_problems(
    order: list[str], cycles: list[Problem], found: dict[str, list[Problem]], structure: list[Problem]
) -> list[Problem]:
    """A report's problems in their order: cycles, then each block's in dependency order, then the design's."""
    problems = list(cycles)
    if found:
        for block_id in order:
            problems.extend(found.get(block_id, ()))
    problems.extend(structure)
    return problems


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


def infer_block(graph: nx.MultiDiGraph, block_id: str, report: DesignReport) -> list[Problem]:
    """Give ``block_id`` its types and resolved parameters in ``report``, from its sources' types there.

    Returns the block's problems. A block with an unknown source gets nothing and no complaint.
    """
    # Reads networkx's own dicts rather than Block copies or its views: this runs for every block an edit reaches.
    nodes = graph._node
    data = nodes[block_id]
    spec = get_block(data["kind"])
    incoming = {
        port: (source, edge["source_port"])
        for source, edges in graph._pred[block_id].items()
        for port, edge in edges.items()
    }
    inputs: list[TensorType] = []
    for port in spec.input_ports(data["params"]):
        if port not in incoming:
            return [
                Problem(
                    f"input {port} is not connected",
                    block_id,
                    data["name"],
                    "connect another block's output to it, or delete this block",
                )
            ]
        source, source_port = incoming[port]
        upstream = report.outputs.get(source)
        if upstream is None:
            return []
        inputs.append(upstream[get_block(nodes[source]["kind"]).outputs.index(source_port)])
    result = shape_result(spec, data["params"], inputs)
    if isinstance(result, BlockError):
        return [Problem(result.message, block_id, data["name"], result.fix)]
    report.inputs[block_id] = inputs
    report.outputs[block_id] = result.outputs
    report.params[block_id] = dict(result.params)
    return [Problem(w.message, block_id, data["name"], w.fix, "warning") for w in result.warnings]


_KNOWN_RESULTS: dict[tuple, ShapeResult | BlockError] = {}
KNOWN_RESULTS_KEPT = 4096
"""How many distinct shape results :func:`shape_result` remembers (it forgets them all when full)."""


def shape_result(spec: BlockSpec, params: dict[str, Any], inputs: list[TensorType]) -> ShapeResult | BlockError:
    """What ``spec``'s shape rule makes of ``params`` and ``inputs``, remembered: the result's output list is shared.

    Shape rules depend on nothing else, and designs repeat one block on one input again and again (the units of
    a ResNet, the layers of a transformer), so after an edit most blocks find their answer here.
    """
    try:
        key = (spec.kind, tuple(params.items()), tuple(inputs))
        known = _KNOWN_RESULTS.get(key)
    except TypeError:  # a list among the parameters (an Input's shape): worked out each time
        key = known = None
    if known is None:
        try:
            known = spec.infer_shapes(dict(params), inputs)
        except BlockError as exc:
            known = exc
        if key is not None:
            if len(_KNOWN_RESULTS) >= KNOWN_RESULTS_KEPT:
                _KNOWN_RESULTS.clear()
            _KNOWN_RESULTS[key] = known
    return known


def _cycle_problems(design: DesignGraph) -> list[Problem]:
    """One problem for each block on a cycle, naming the blocks of its cycle."""
    problems = []
    for component in nx.strongly_connected_components(design.graph):
        if len(component) < 2:
            continue
        members = sorted(component, key=id_order)
        names = " → ".join(design.block(b).name for b in members)
        for block_id in members:
            problems.append(
                Problem(
                    f"is part of a cycle ({names}); data must flow one way",
                    block_id,
                    design.block(block_id).name,
                    "remove one of the connections that loops back",
                )
            )
    return problems


def structure_problems(design: DesignGraph) -> list[Problem]:
    """What is wrong with the design as a whole: a missing Input or Output, outputs that go nowhere."""
    graph = design.graph
    problems = []
    kinds = {data["kind"] for _, data in graph.nodes(data=True)}
    if "Input" not in kinds:
        problems.append(Problem("the design has no Input block", fix="add an Input block and connect it"))
    if "Output" not in kinds:
        problems.append(
            Problem(
                "the design has no Output block",
                fix="add an Output block after the last layer",
            )
        )
    for block_id in sorted(graph.nodes, key=id_order):
        data = graph.nodes[block_id]
        if get_block(data["kind"]).outputs and not graph.out_degree(block_id):
            problems.append(
                Problem(
                    "output is not used",
                    block_id,
                    data["name"],
                    "connect it onward, or delete the block",
                    "warning",
                )
            )
    return problems
