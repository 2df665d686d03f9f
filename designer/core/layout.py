"""Layered automatic layout: blocks in columns by depth, ordered within a column to keep crossings low."""

from __future__ import annotations

import math
from typing import Literal

import networkx as nx

from designer.core.design import DesignGraph, id_order

Direction = Literal["left-to-right", "top-to-bottom"]
LAYER_GAP = 220.0
ROW_GAP = 110.0
WRAP_GAP = 170.0
MIN_LAYERS_PER_ROW = 4


def layered_positions(
    design: DesignGraph, direction: Direction = "left-to-right", sweeps: int = 4, aspect: float | None = None
) -> dict[str, tuple[float, float]]:
    """New positions for every block: each block one layer after its deepest input.

    With ``aspect`` (the width / height of the window it will be seen in), a design much longer than
    that wraps into rows (columns when top to bottom), each starting again at the left (top) like
    lines of text, so that the whole of it can be seen at a readable size.
    """
    graph = design.graph
    acyclic = nx.DiGraph(graph.edges()) if nx.is_directed_acyclic_graph(graph) else _break_cycles(graph)
    acyclic.add_nodes_from(graph.nodes)
    layer: dict[str, int] = {}
    for block_id in nx.lexicographical_topological_sort(acyclic, key=id_order):
        layer[block_id] = max((layer[p] + 1 for p in acyclic.predecessors(block_id)), default=0)
    columns: list[list[str]] = [[] for _ in range(max(layer.values(), default=-1) + 1)]
    for block_id in sorted(layer, key=id_order):
        columns[layer[block_id]].append(block_id)
    _reduce_crossings(acyclic, columns, sweeps)
    if aspect is not None and direction == "top-to-bottom":
        aspect = 1 / aspect
    places = _wrapped_places(columns, None if aspect is None else _layers_per_row(columns, aspect))
    positions = {}
    for (column_along, column_across), column in zip(places, columns, strict=True):
        for row, block_id in enumerate(column):
            along, across = column_along, column_across + (row - (len(column) - 1) / 2) * ROW_GAP
            positions[block_id] = (along, across) if direction == "left-to-right" else (across, along)
    return positions


def _layers_per_row(columns: list[list[str]], aspect: float) -> int:
    """How many layers a row holds so that the rows together come closest to ``aspect`` (length / breadth)."""
    band = max(((len(c) - 1) * ROW_GAP for c in columns), default=0.0) + WRAP_GAP
    count = len(columns)

    def mismatch(per_row: int) -> float:
        rows = -(-count // per_row)
        return abs(math.log(per_row * LAYER_GAP / (rows * band) / aspect))

    return min(range(MIN_LAYERS_PER_ROW, count + 1), key=mismatch, default=count)


def _wrapped_places(columns: list[list[str]], per_row: int | None) -> list[tuple[float, float]]:
    """Where each layer's centre goes: one long row, or rows of ``per_row`` layers stacked below each other."""
    per_row = per_row or len(columns) or 1
    places: list[tuple[float, float]] = []
    across = 0.0
    for start in range(0, len(columns), per_row):
        band = columns[start : start + per_row]
        half = max((len(c) - 1) / 2 * ROW_GAP for c in band)
        across += half if start else 0.0
        places += [(i * LAYER_GAP, across) for i in range(len(band))]
        across += half + WRAP_GAP
    return places


def _reduce_crossings(graph: nx.DiGraph, columns: list[list[str]], sweeps: int) -> None:
    """Barycentre heuristic: order each column by the mean row of its neighbours, sweeping both ways."""
    for sweep in range(sweeps):
        forward = sweep % 2 == 0
        for i in range(1, len(columns)) if forward else range(len(columns) - 2, -1, -1):
            reference = {b: row for row, b in enumerate(columns[i - 1 if forward else i + 1])}
            neighbours = graph.predecessors if forward else graph.successors
            ranked = sorted(
                (_barycentre([reference[n] for n in neighbours(b) if n in reference], row), row, b)
                for row, b in enumerate(columns[i])
            )
            columns[i] = [b for _, _, b in ranked]


def _barycentre(rows: list[int], own_row: int) -> float:
    return sum(rows) / len(rows) if rows else float(own_row)


def _break_cycles(graph: nx.MultiDiGraph) -> nx.DiGraph:
    acyclic = nx.DiGraph()
    order = {b: i for i, b in enumerate(sorted(graph.nodes, key=id_order))}
    acyclic.add_edges_from((u, v) if order[u] < order[v] else (v, u) for u, v in graph.edges() if u != v)
    return acyclic


# ---- aligning and distributing chosen blocks ------------------------------------------------
Box = tuple[float, float, float, float]
"""A block's centre and size: ``(x, y, width, height)``."""
Edge = Literal["left", "right", "top", "bottom", "centre", "middle"]
"""Which side to line up: ``centre`` lines up the x centres (a column), ``middle`` the y centres (a row)."""
Axis = Literal["horizontal", "vertical"]


def aligned_positions(boxes: dict[str, Box], edge: Edge) -> dict[str, tuple[float, float]]:
    """New centres that line up the boxes' ``edge`` with the outermost one (or with their common centre)."""
    if not boxes:
        return {}
    lefts = [x - w / 2 for x, _, w, _ in boxes.values()]
    rights = [x + w / 2 for x, _, w, _ in boxes.values()]
    tops = [y - h / 2 for _, y, _, h in boxes.values()]
    bottoms = [y + h / 2 for _, y, _, h in boxes.values()]
    place = {
        "left": lambda x, y, w, h: (min(lefts) + w / 2, y),
        "right": lambda x, y, w, h: (max(rights) - w / 2, y),
        "top": lambda x, y, w, h: (x, min(tops) + h / 2),
        "bottom": lambda x, y, w, h: (x, max(bottoms) - h / 2),
        "centre": lambda x, y, w, h: ((min(lefts) + max(rights)) / 2, y),
        "middle": lambda x, y, w, h: (x, (min(tops) + max(bottoms)) / 2),
    }[edge]
    return {block_id: place(*box) for block_id, box in boxes.items()}


def distributed_positions(boxes: dict[str, Box], axis: Axis) -> dict[str, tuple[float, float]]:
    """New centres with equal gaps between neighbours along ``axis``; the two outermost boxes stay put."""
    along = 0 if axis == "horizontal" else 1
    ordered = sorted(boxes.items(), key=lambda item: (item[1][along], item[0]))
    if len(ordered) < 3:
        return {block_id: (x, y) for block_id, (x, y, _, _) in ordered}
    sizes = [box[2 + along] for _, box in ordered]
    start = ordered[0][1][along] - sizes[0] / 2
    end = ordered[-1][1][along] + sizes[-1] / 2
    gap = (end - start - sum(sizes)) / (len(ordered) - 1)
    positions, edge = {}, start
    for (block_id, (x, y, _, _)), size in zip(ordered, sizes, strict=True):
        centre = edge + size / 2
        positions[block_id] = (centre, y) if along == 0 else (x, centre)
        edge += size + gap
    return positions
