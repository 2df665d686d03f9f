"""Fragments: a few blocks and the connections between them, as copied to the clipboard and pasted back.

A fragment is a small :class:`DesignGraph` of its own, written as JSON with the same block, connection and
group entries as a project file (a group comes along when all of its blocks do), and read back with the project
loader's checks, so that every problem names its place (``blocks[1].params.kernel_size: …``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from designer.core.design import Block, Connection, DesignGraph
from designer.core.groups import Group
from designer.core.project_file import ProjectFileError, design_to_json, parse_json, read_design

FORMAT = "designer-fragment"
VERSION = 1


class FragmentError(ProjectFileError):
    """Text that is not a fragment Designer can paste: where in it, and what is wrong."""


@dataclass(frozen=True)
class PastePlan:
    """The blocks and connections a paste adds: fresh ids, names free in the design, positions moved."""

    blocks: list[Block]
    connections: list[Connection]
    groups: list[Group] = field(default_factory=list)
    """Groups of the pasted blocks, each after the group it sits in, with names free in the design."""


def extract(design: DesignGraph, block_ids: Iterable[str]) -> DesignGraph:
    """The chosen blocks, with their ids, names, params and positions, the connections among them, and the groups
    all of whose blocks are chosen."""
    chosen = set(block_ids)
    fragment = DesignGraph()
    for block in design.blocks():
        if block.id in chosen:
            fragment.add_block(block.kind, block.name, block.params, block.position, block_id=block.id)
    for connection in design.connections():
        if connection.source in fragment and connection.target in fragment:
            fragment.connect(connection)
    for group in design.groups:
        if design.groups.members(group.name) <= chosen:
            parent = group.parent if group.parent in fragment.groups else None
            fragment.groups.add(replace(group, parent=parent))
    return fragment


def to_json(fragment: DesignGraph) -> dict[str, Any]:
    return {"format": FORMAT, "version": VERSION, **design_to_json(fragment)}


def dumps(fragment: DesignGraph) -> str:
    """Compact JSON text for the clipboard."""
    return json.dumps(to_json(fragment), ensure_ascii=False, allow_nan=False)


def loads(text: str | bytes) -> DesignGraph:
    """Read fragment text; raises :class:`FragmentError` saying what is wrong and where."""
    try:
        document = parse_json(text)
    except ProjectFileError as exc:
        raise FragmentError(exc.message, exc.where) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise FragmentError(f'not copied Designer blocks (it needs "format": "{FORMAT}" at the top)')
    version = document.get("version")
    if version != VERSION:
        raise FragmentError(f"made by another Designer version (fragment format {version!r}, not {VERSION})", "version")
    fragment = DesignGraph()
    try:
        read_design(document, fragment, "")
    except ProjectFileError as exc:
        raise FragmentError(exc.message, exc.where) from None
    return fragment


def plan_paste(design: DesignGraph, fragment: DesignGraph, offset: tuple[float, float]) -> PastePlan:
    """What pasting ``fragment`` into ``design`` adds: a name that is taken becomes a fresh one of its kind."""
    trial = design.snapshot()
    new_ids: dict[str, str] = {}
    for block in fragment.blocks():
        name = block.name if trial.find(block.name) is None else trial.unique_name(block.kind)
        x, y = block.position
        new_ids[block.id] = trial.add_block(block.kind, name, block.params, (x + offset[0], y + offset[1]))
    connections = [
        Connection(new_ids[c.source], c.source_port, new_ids[c.target], c.target_port) for c in fragment.connections()
    ]
    new_names: dict[str, str] = {}
    groups = []
    for group in fragment.groups:
        name = group.name if group.name not in trial.groups else trial.groups.unique_name(group.name)
        new_names[group.name] = name
        parent = None if group.parent is None else new_names[group.parent]
        groups.append(Group(name, frozenset(new_ids[b] for b in group.blocks), parent, group.collapsed))
        trial.groups.add(groups[-1])
    return PastePlan([trial.block(b) for b in new_ids.values()], connections, groups)


def centre(fragment: DesignGraph) -> tuple[float, float]:
    """The middle of the fragment's block positions."""
    xs = [b.position[0] for b in fragment.blocks()]
    ys = [b.position[1] for b in fragment.blocks()]
    return ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2) if xs else (0.0, 0.0)
