"""Groups for an imported design, from the module paths its model carries.

A PyTorch module keeps them as submodule names (``layer1.0.conv1``); torch's ONNX export writes them into node
names (``/layer1/layer1.0/conv1/Conv``); older converted files only hint at them in tensor names
(``res2_0_branch2a``). Each block's path makes a group of every prefix shared by two or more blocks: the top-level
stage (``layer1``) and, inside it, each unit (``layer1.0``). Deeper levels are left out, so a stage opens as its
units and a unit as its blocks. Big imports start with every group collapsed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from designer.core.design import DesignGraph
from designer.core.groups import Group, GroupError

LEVELS = 2
"""Stages and the units inside them."""
COLLAPSED_ABOVE = 100
"""Imports of more blocks than this (a ResNet-50 has 178) open with their groups collapsed, as their stages."""
_LOOSE_KINDS = frozenset({"Input", "Output"})
"""The model's own ends belong to no module."""
_INDEXED = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*_\d+_[A-Za-z0-9_]+")
"""A tensor name with a number inside it, as in ``res2_0_branch2a``: the number counts units of a stage."""


def torch_module_path(node: Any) -> str | None:
    """The submodule a torch.fx node belongs to: the module it calls, or the one whose ``forward`` it is in."""
    if node.op == "call_module":
        return str(node.target)
    stack = node.meta.get("nn_module_stack") or {}
    return str(next(reversed(stack.values()))[0]) if stack else ""  # "": the top-level module's own forward


def onnx_module_path(node: Any) -> str | None:
    """The module path in an ONNX node's name (``/layer1/layer1.0/conv1/Conv`` → ``layer1.0.conv1``), or, for a node
    without one, the units its weights' or outputs' names count (``gpu_0/res2_0_branch2a_w_0`` → ``res2.0.…``).

    ``None`` when nothing says: the block then joins the group its inputs are in, if they agree."""
    if "/" in node.name:
        path = ""
        for part in [p for p in node.name.split("/") if p][:-1]:
            path = part if not path or part.startswith(path + ".") else f"{path}.{part}"
        return path
    tensors = [name.rpartition("/")[2] for name in [*node.input[1:], *node.output]]
    tensor = next((t for t in tensors if _INDEXED.fullmatch(t)), None)
    return None if tensor is None else re.sub(r"_(\d+)(?:_|$)", r".\1.", tensor).strip(".")


def add_groups(design: DesignGraph, paths: Mapping[str, str | None], notes: list[str]) -> None:
    """Group the blocks of ``design`` by ``paths`` (block id → module path; ``""``: in no module; ``None``: unknown),
    and say in ``notes`` what groups there are."""
    members: dict[str, set[str]] = {}
    for block_id, path in _inherited(design, paths).items():
        if path:
            parts = path.split(".")
            for i in range(1, len(parts) + 1):
                members.setdefault(".".join(parts[:i]), set()).add(block_id)
    parents: dict[str, str | None] = {}
    for prefix in sorted(members, key=lambda p: p.count(".")):
        blocks = members[prefix]
        parent = _kept_around(prefix, parents)
        depth = 0 if parent is None else len(_parent_chain(parent, parents))
        too_few = len(blocks) < 2 or len(blocks) == len(design)
        if too_few or depth >= LEVELS or (parent is not None and members[parent] == blocks):
            continue
        parents[prefix] = parent
    innermost = {}
    for prefix in sorted(parents, key=lambda p: p.count(".")):
        innermost.update(dict.fromkeys(members[prefix], prefix))
    collapsed = len(design) > COLLAPSED_ABOVE
    for prefix, parent in sorted(parents.items(), key=lambda item: item[0].count(".")):
        direct = frozenset(b for b in members[prefix] if innermost[b] == prefix)
        try:
            design.groups.add(Group(prefix, direct, parent, collapsed))
        except GroupError:
            continue  # a name no group can have (too long): its blocks stay loose rather than fail the import
    if len(design.groups):
        notes.append(_describe(design, collapsed))


def _describe(design: DesignGraph, collapsed: bool) -> str:
    """``grouped by module: 4 groups (res2, …) holding 16 more, collapsed: …``."""
    top = design.groups.children(None)
    inner = len(design.groups) - len(top)
    listed = ", ".join(top[:6]) + (", …" if len(top) > 6 else "")
    text = f"grouped by module: {len(top)} group{'s' if len(top) != 1 else ''} ({listed})"
    text += f" holding {inner} more" if inner else ""
    if collapsed:
        text += ", collapsed as the design is big (double-click one to open it, or View ▸ Expand All Groups)"
    return text


def _inherited(design: DesignGraph, paths: Mapping[str, str | None]) -> dict[str, str]:
    """Each block's path; a block of unknown path takes its inputs' path when all are in one top-level module (the
    longest of theirs), else none."""
    known: dict[str, str] = {}
    for block in design.blocks():  # an import adds each block after its inputs
        path = paths.get(block.id, "" if block.kind in _LOOSE_KINDS else None)
        if path is None:
            around = [known.get(c.source, "").split(".") for c in design.incoming(block.id).values()]
            # A merge of one unit's branch with the unit before (a residual Add) belongs to the branch's unit.
            path = ".".join(max(around, key=len) if len(_shared_start(around)) else _shared_start(around))
        known[block.id] = path
    return known


def _shared_start(paths: list[list[str]]) -> list[str]:
    shared: list[str] = []
    for parts in zip(*paths, strict=False):
        if len(set(parts)) != 1:
            break
        shared.append(parts[0])
    return shared


def _kept_around(prefix: str, parents: dict[str, str | None]) -> str | None:
    """The nearest kept group whose path ``prefix`` extends."""
    parts = prefix.split(".")
    return next((p for i in range(len(parts) - 1, 0, -1) if (p := ".".join(parts[:i])) in parents), None)


def _parent_chain(name: str, parents: dict[str, str | None]) -> list[str]:
    chain: list[str] = []
    current: str | None = name
    while current is not None:
        chain.append(current)
        current = parents.get(current)
    return chain
