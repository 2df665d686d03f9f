"""What the user asks for, turned into undo commands on the document's stack.

Every request is first tried on a snapshot of the design, so a refused edit never reaches the
undo stack: the caller gets the design's own message (what, where, what to do) instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtGui import QUndoCommand

from designer.core import fragment
from designer.core.design import Connection, DesignError, DesignGraph
from designer.core.group_layout import crowded, grouped_positions
from designer.core.groups import GroupError
from designer.core.layout import (
    Axis,
    Box,
    Direction,
    Edge,
    aligned_positions,
    distributed_positions,
)
from designer.ui.commands import (
    AddBlock,
    AddGroup,
    Batch,
    Connect,
    Disconnect,
    MoveBlocks,
    PlaceBlocks,
    RemoveBlock,
    RemoveGroup,
    Rename,
    RenameGroup,
    SetGroupsCollapsed,
    SetParam,
)
from designer.ui.document import Document

REVEAL_ASPECT = 16 / 10
"""Expanding a group that needs room lays the design out again for a window about this much wider than high."""


class Editor:
    """The editing actions of one document; refusals come back as messages, never as exceptions."""

    def __init__(self, document: Document) -> None:
        self.document = document

    @property
    def design(self) -> DesignGraph:
        return self.document.design

    def add_block(self, kind: str, position: tuple[float, float]) -> str:
        """Add a block of ``kind`` centred at ``position``; returns its id."""
        command = AddBlock(self.design, kind, position)
        self._push(command)
        assert command.block_id is not None
        return command.block_id

    def delete(self, block_ids: Iterable[str] = (), connections: Iterable[Connection] = ()) -> None:
        """Delete blocks (with their connections) and connections, as one undo step."""
        block_ids = [b for b in dict.fromkeys(block_ids) if b in self.design]
        loose = [c for c in dict.fromkeys(connections) if c.source not in block_ids and c.target not in block_ids]
        if not block_ids and not loose:
            return
        count = len(block_ids) + len(loose)
        if count > 1:
            text = f"Delete {count} items"
        else:
            text = f"Delete {self.design.block(block_ids[0]).name}" if block_ids else "Delete connection"
        parts: list[QUndoCommand] = [Disconnect(self.design, c) for c in loose]
        parts += [RemoveBlock(self.design, b) for b in block_ids]
        parts += [RemoveGroup(self.design, name) for name in self._emptied_groups(block_ids)]
        count = max(count, len(parts))
        self._push(parts[0] if count == 1 else Batch(text, parts, self.design))

    def connect(self, connection: Connection) -> str | None:
        """Connect two ports, or return why not."""
        refusal = _refusal(self.design.snapshot(), lambda d: d.connect(connection))
        if refusal is None:
            self._push(Connect(self.design, connection))
        return refusal

    def move(self, positions: dict[str, tuple[float, float]], text: str | None = None) -> None:
        """Move blocks; positions equal to the current ones are ignored."""
        changed = {b: p for b, p in positions.items() if b in self.design and self.design.block(b).position != p}
        if changed:
            self._push(MoveBlocks(self.design, changed, text))

    def auto_layout(self, direction: Direction = "left-to-right", aspect: float | None = None) -> None:
        """Arrange every block in layers as one undo step; see :func:`layered_positions` for ``aspect``."""
        text = "Auto-layout" if direction == "left-to-right" else "Auto-layout top to bottom"
        self.move(grouped_positions(self.design, direction, aspect=aspect), text)

    def align(self, boxes: dict[str, Box], edge: Edge) -> None:
        """Line up the blocks of ``boxes`` (centre and size of each) on one ``edge``, as one undo step."""
        if len(boxes) > 1:
            self.move(aligned_positions(boxes, edge), f"Align {edge}")

    def distribute(self, boxes: dict[str, Box], axis: Axis) -> None:
        """Space three or more blocks evenly along ``axis``, as one undo step."""
        if len(boxes) > 2:
            self.move(distributed_positions(boxes, axis), f"Distribute {axis}ly")

    def paste(self, part: DesignGraph, offset: tuple[float, float], verb: str = "Paste") -> list[str]:
        """Add a copy of ``part`` moved by ``offset``, with fresh ids and free names; returns the new ids."""
        if len(part) == 0:
            return []
        plan = fragment.plan_paste(self.design, part, offset)
        text = f"{verb} {plan.blocks[0].name}" if len(plan.blocks) == 1 else f"{verb} {len(plan.blocks)} blocks"
        self._push(PlaceBlocks(self.design, plan, text))
        return [b.id for b in plan.blocks]

    def duplicate(self, block_ids: Iterable[str], offset: tuple[float, float]) -> list[str]:
        """Copy blocks and the connections among them beside the originals; returns the new ids."""
        return self.paste(fragment.extract(self.design, block_ids), offset, "Duplicate")

    def set_param(self, block_id: str, name: str, value: Any) -> str | None:
        """Set a parameter (``None`` makes an inferred one automatic again), or return why not."""
        return self.set_param_of([block_id], name, value)

    def set_param_of(self, block_ids: list[str], name: str, value: Any) -> str | None:
        """Set one parameter on several blocks as one undo step, or return why not (nothing changes then)."""
        try:
            checked = [self.design.check_param(b, name, value) for b in block_ids]  # every block must accept it
        except DesignError as exc:
            return str(exc)
        value = checked[0]
        if any(self.design.block(b).params[name] != value for b in block_ids):
            self._push(SetParam(self.design, block_ids, name, value))
        return None

    def rename(self, block_id: str, name: str) -> str | None:
        """Rename a block, or return why not."""
        name = name.strip()
        if name == self.design.block(block_id).name:
            return None
        refusal = _refusal(self.design.snapshot(), lambda d: d.rename_block(block_id, name))
        if refusal is None:
            self._push(Rename(self.design, block_id, name))
        return refusal

    def group(self, block_ids: Iterable[str]) -> str | None:
        """Put blocks (and whole groups among them) in a new group, as one undo step, or return why not."""
        groups, block_ids = self.design.groups, list(dict.fromkeys(block_ids))
        try:
            group, children = groups.plan(groups.unique_name(), block_ids)
        except GroupError as exc:
            return str(exc)
        count = len(set(block_ids))
        self._push(AddGroup(self.design, group, children, f"Group {count} blocks as {group.name}"))
        return None

    def rename_group(self, name: str, new_name: str) -> str | None:
        """Rename a group (spaces around the name dropped), or return why not."""
        new_name = new_name.strip()
        if new_name == name:
            return None
        try:
            self.design.groups.copy(self.design.__contains__).rename(name, new_name)
        except GroupError as exc:
            return str(exc)
        self._push(RenameGroup(self.design, name, new_name))
        return None

    def ungroup(self, names: Iterable[str]) -> None:
        """Take groups away, leaving their blocks where they are, as one undo step."""
        names = [n for n in dict.fromkeys(names) if n in self.design.groups]
        if names:
            parts: list[QUndoCommand] = [RemoveGroup(self.design, n) for n in names]
            self._push(parts[0] if len(parts) == 1 else Batch(f"Ungroup {len(parts)} groups", parts, self.design))

    def set_collapsed(self, names: Iterable[str], collapsed: bool, text: str | None = None) -> None:
        """Collapse or expand groups as one undo step; groups already so are left out."""
        groups = self.design.groups
        names = [n for n in dict.fromkeys(names) if n in groups and groups.get(n).collapsed != collapsed]
        if not names:
            return
        verb = "Collapse" if collapsed else "Expand"
        text = text or (f"{verb} {names[0]}" if len(names) == 1 else f"{verb} {len(names)} groups")
        change = SetGroupsCollapsed(self.design, names, collapsed, text)
        trial = self.design.snapshot()
        for name in names:
            trial.groups.set_collapsed(name, collapsed)
        if collapsed or not crowded(trial, names):
            self._push(change)
            return
        # Blocks laid out around their box (an import) would land on their neighbours: lay out again, same step.
        moves = MoveBlocks(self.design, grouped_positions(trial, aspect=REVEAL_ASPECT))
        self._push(Batch(text, [change, moves], self.design))

    def toggle_group(self, name: str) -> None:
        """Expand a collapsed group, collapse an expanded one."""
        if name in self.design.groups:
            self.set_collapsed([name], not self.design.groups.get(name).collapsed)

    def _emptied_groups(self, removed: list[str]) -> list[str]:
        """The groups left with no blocks once ``removed`` are gone, innermost first."""
        groups, gone = self.design.groups, set(removed)
        return [g.name for g in reversed(list(groups)) if (members := groups.members(g.name)) and members <= gone]

    def _push(self, command: QUndoCommand) -> None:
        self.document.undo_stack.push(command)


def _refusal(trial: DesignGraph, edit: Callable[[DesignGraph], object]) -> str | None:
    """Try ``edit`` on a snapshot and return the design's message if it refuses."""
    try:
        edit(trial)
    except DesignError as exc:
        return str(exc)
    return None
