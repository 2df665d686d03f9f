"""Layered automatic layout: blocks in columns by depth, ordered within a column to keep crossings low."""

from __future__ import annotations

from typing import Literal

import networkx as nx

from designer.core.design import DesignGraph, id_order

Direction = Literal["left-to-right", "top-to-bottom"]
LAYER_GAP = 220.0
ROW_GAP = 110.0


def layered_positions(
    design: DesignGraph, direction: Direction = "left-to-right", sweeps: int = 4
) -> dict[str, tuple[float, float]]:
    """New positions for every block: each block one layer after its deepest input."""
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
    positions = {}
    for depth, column in enumerate(columns):
        for row, block_id in enumerate(column):
            along, across = depth * LAYER_GAP, (row - (len(column) - 1) / 2) * ROW_GAP
            positions[block_id] = (along, across) if direction == "left-to-right" else (across, along)
    return positions


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
