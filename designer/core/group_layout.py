"""Auto-layout that sees collapsed groups as the one box they are drawn as."""

from __future__ import annotations

from types import SimpleNamespace

import networkx as nx

from designer.core.design import DesignGraph, id_order
from designer.core.layout import Direction, layered_positions

LOCAL_ASPECT = 16 / 10
"""A collapsed group's own blocks are laid out in rows about this much wider than high, ready to expand."""


def grouped_positions(
    design: DesignGraph, direction: Direction = "left-to-right", aspect: float | None = None
) -> dict[str, tuple[float, float]]:
    """New positions for every block, laid out as the canvas shows the design.

    Each collapsed group takes one place in the layered layout, as its box does; its blocks are laid out among
    themselves around that place, so that the box (drawn in their middle) lands there.
    """
    groups = design.groups
    boxes: dict[str, list[str]] = {}
    for block in design.blocks():
        name = groups.hidden_in(block.id)
        if name is not None:
            boxes.setdefault(name, []).append(block.id)
    if not boxes:
        return layered_positions(design, direction, aspect=aspect)
    stand_in = {b: members[0] for members in boxes.values() for b in members}  # the box goes by its first block
    outline = nx.MultiDiGraph()
    outline.add_nodes_from(stand_in.get(b, b) for b in design.graph.nodes)
    inside = {first: nx.MultiDiGraph() for first in stand_in.values()}
    for members in boxes.values():
        inside[members[0]].add_nodes_from(members)
    for source, target in design.graph.edges():
        ends = stand_in.get(source, source), stand_in.get(target, target)
        if ends[0] != ends[1]:
            outline.add_edge(*ends)
        elif source in stand_in:
            inside[ends[0]].add_edge(source, target)
    positions = layered_positions(_as_design(outline), direction, aspect=aspect)
    for members in boxes.values():
        local = layered_positions(_as_design(inside[members[0]]), direction, aspect=LOCAL_ASPECT)
        xs, ys = [p[0] for p in local.values()], [p[1] for p in local.values()]
        centre = positions[members[0]]
        dx, dy = centre[0] - (min(xs) + max(xs)) / 2, centre[1] - (min(ys) + max(ys)) / 2
        positions.update({b: (x + dx, y + dy) for b, (x, y) in sorted(local.items(), key=lambda i: id_order(i[0]))})
    return positions


def _as_design(graph: nx.MultiDiGraph) -> DesignGraph:
    """What :func:`layered_positions` reads of a design: its graph."""
    return SimpleNamespace(graph=graph)  # type: ignore[return-value]


def crowded(design: DesignGraph, names: list[str]) -> bool:
    """Whether the blocks of the expanded groups ``names`` lie over other blocks or group boxes shown on the canvas."""
    groups = design.groups
    shown: dict[str, tuple[float, float]] = {}
    boxes: dict[str, list[tuple[float, float]]] = {}
    for block in design.blocks():
        box = groups.hidden_in(block.id)
        if box is None:
            shown[block.id] = block.position
        else:
            boxes.setdefault(box, []).append(block.position)
    places = dict(shown)
    for box, points in boxes.items():
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        places[box] = ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)
    for name in names:
        members = groups.members(name)
        inside = members | {g for g in boxes if groups.members(g) <= members}  # its blocks, and boxes inside it
        points = [places[key] for key in inside if key in places]
        if not points:
            continue
        left, right = min(p[0] for p in points) - _REACH[0], max(p[0] for p in points) + _REACH[0]
        top, bottom = min(p[1] for p in points) - _REACH[1], max(p[1] for p in points) + _REACH[1]
        if any(left < x < right and top < y < bottom for key, (x, y) in places.items() if key not in inside):
            return True
    return False


_REACH = (100.0, 45.0)
"""About a block's half width and half height, and a little room."""
