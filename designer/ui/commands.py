"""Undo commands: each user action is one small command that calls design methods only."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from PySide6.QtGui import QUndoCommand

from designer.core.design import Connection, DesignGraph, RemovedBlock
from designer.core.fragment import PastePlan
from designer.core.groups import Group, RemovedGroup
from designer.core.project import Project

_SET_PARAM_ID = 1001
_SET_SETTING_ID = 1002
_SECTION_WORDS = {"dataset": "dataset ", "training": ""}


class AddBlock(QUndoCommand):
    """Add one block; redo after undo brings back the same id and name."""

    def __init__(self, design: DesignGraph, kind: str, position: tuple[float, float]) -> None:
        super().__init__(f"Add {kind}")
        self._design, self._kind, self._position = design, kind, position
        self.block_id: str | None = None
        self._name: str | None = None

    def redo(self) -> None:
        self.block_id = self._design.add_block(self._kind, self._name, None, self._position, block_id=self.block_id)
        self._name = self._design.block(self.block_id).name
        self.setText(f"Add {self._name}")

    def undo(self) -> None:
        assert self.block_id is not None
        self._design.remove_block(self.block_id)


class RemoveBlock(QUndoCommand):
    """Remove one block and its connections; undo puts all of them back."""

    def __init__(self, design: DesignGraph, block_id: str) -> None:
        super().__init__(f"Delete {design.block(block_id).name}")
        self._design, self._block_id = design, block_id
        self._removed: RemovedBlock | None = None

    def redo(self) -> None:
        self._removed = self._design.remove_block(self._block_id)

    def undo(self) -> None:
        assert self._removed is not None
        self._design.restore_block(self._removed)


class Connect(QUndoCommand):
    def __init__(self, design: DesignGraph, connection: Connection) -> None:
        super().__init__(f"Connect {_ends(design, connection)}")
        self._design, self._connection = design, connection

    def redo(self) -> None:
        self._design.connect(self._connection)

    def undo(self) -> None:
        self._design.disconnect(self._connection)


class Disconnect(QUndoCommand):
    def __init__(self, design: DesignGraph, connection: Connection) -> None:
        super().__init__(f"Disconnect {_ends(design, connection)}")
        self._design, self._connection = design, connection

    def redo(self) -> None:
        self._design.disconnect(self._connection)

    def undo(self) -> None:
        self._design.connect(self._connection)


class MoveBlocks(QUndoCommand):
    """Move blocks to new positions: one command per drag, or for a whole auto-layout."""

    def __init__(
        self,
        design: DesignGraph,
        positions: dict[str, tuple[float, float]],
        text: str | None = None,
    ) -> None:
        if text is None:
            text = f"Move {design.block(next(iter(positions))).name}" if len(positions) == 1 else "Move blocks"
        super().__init__(text)
        self._design = design
        self._new = dict(positions)
        self._old = {block_id: design.block(block_id).position for block_id in positions}

    def redo(self) -> None:
        with self._design.batch():
            for block_id, position in self._new.items():
                self._design.move_block(block_id, position)

    def undo(self) -> None:
        with self._design.batch():
            for block_id, position in self._old.items():
                self._design.move_block(block_id, position)


class SetParam(QUndoCommand):
    """Set one parameter on one or more blocks; consecutive edits of the same parameter merge into one step."""

    def __init__(self, design: DesignGraph, block_ids: Sequence[str], name: str, value: Any) -> None:
        first = design.block(block_ids[0]).name
        super().__init__(f"Set {first}.{name}" if len(block_ids) == 1 else f"Set {name} of {len(block_ids)} blocks")
        self._design, self.block_ids, self.name = design, tuple(block_ids), name
        self._old = {b: design.block(b).params[name] for b in block_ids}
        self.value = value

    def id(self) -> int:
        return _SET_PARAM_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetParam) or (other.block_ids, other.name) != (self.block_ids, self.name):
            return False
        self.value = other.value
        self.setObsolete(all(old == self.value for old in self._old.values()))
        return True

    def redo(self) -> None:
        with self._design.batch():
            for block_id in self.block_ids:
                self._design.set_param(block_id, self.name, self.value)

    def undo(self) -> None:
        with self._design.batch():
            for block_id, value in self._old.items():
                self._design.set_param(block_id, self.name, value)


class SetProjectSetting(QUndoCommand):
    """Set one key of a project's ``dataset`` or ``training`` settings; undo restores its value or its absence.

    Consecutive edits of the same key (a spin box stepped up and up) are one undo step. ``changed`` is called
    after every redo and undo.
    """

    def __init__(
        self, project: Project, section: str, name: str, value: Any, changed: Callable[[], None] | None = None
    ) -> None:
        super().__init__()
        self._settings: dict[str, Any] = getattr(project, section)
        self.section, self.name, self.value, self._changed = section, name, value, changed
        self._had, self._old = name in self._settings, self._settings.get(name)
        self._name_text()

    def id(self) -> int:
        return _SET_SETTING_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetProjectSetting) or (other.section, other.name) != (self.section, self.name):
            return False
        self.value = other.value
        self._name_text()
        self.setObsolete(self._had and self._old == self.value)
        return True

    def redo(self) -> None:
        self._settings[self.name] = self.value
        self._notify()

    def undo(self) -> None:
        if self._had:
            self._settings[self.name] = self._old
        else:
            self._settings.pop(self.name, None)
        self._notify()

    def _name_text(self) -> None:
        words = f"{_SECTION_WORDS[self.section]}{self.name.replace('_', ' ')}"
        value = "on" if self.value is True else "off" if self.value is False else self.value
        self.setText(f"Set {words} to {value}" if len(str(value)) <= 24 else f"Set {words}")

    def _notify(self) -> None:
        if self._changed is not None:
            self._changed()


class PlaceBlocks(QUndoCommand):
    """Add prepared blocks, connections and groups (a paste or a duplicate); undo removes them again."""

    def __init__(self, design: DesignGraph, plan: PastePlan, text: str) -> None:
        super().__init__(text)
        self._design, self._plan = design, plan

    def redo(self) -> None:
        with self._design.batch():
            for b in self._plan.blocks:
                self._design.add_block(b.kind, b.name, b.params, b.position, block_id=b.id)
            for connection in self._plan.connections:
                self._design.connect(connection)
            for group in self._plan.groups:
                self._design.groups.add(group)

    def undo(self) -> None:
        with self._design.batch():
            for group in reversed(self._plan.groups):
                self._design.groups.remove(group.name)
            for b in reversed(self._plan.blocks):
                self._design.remove_block(b.id)


class Rename(QUndoCommand):
    def __init__(self, design: DesignGraph, block_id: str, name: str) -> None:
        self._old = design.block(block_id).name
        super().__init__(f"Rename {self._old} to {name}")
        self._design, self._block_id, self._new = design, block_id, name

    def redo(self) -> None:
        self._design.rename_block(self._block_id, self._new)

    def undo(self) -> None:
        self._design.rename_block(self._block_id, self._old)


class Batch(QUndoCommand):
    """Several commands as one undo step, undone in reverse order.

    Pass the ``design`` they edit so that shape inference runs once for all of them, not after each.

    The parts are held here rather than as Qt child commands, whose Python side could be collected.
    """

    def __init__(self, text: str, parts: list[QUndoCommand], design: DesignGraph | None = None) -> None:
        super().__init__(text)
        self._parts = parts
        self._design = design

    def redo(self) -> None:
        with self._grouped():
            for part in self._parts:
                part.redo()

    def undo(self) -> None:
        with self._grouped():
            for part in reversed(self._parts):
                part.undo()

    def _grouped(self) -> AbstractContextManager[None]:
        """With the design given, its listeners catch up once at the end (see :meth:`DesignGraph.batch`)."""
        return nullcontext() if self._design is None else self._design.batch()


def _ends(design: DesignGraph, connection: Connection) -> str:
    return f"{design.block(connection.source).name} → {design.block(connection.target).name}"


class AddGroup(QUndoCommand):
    """Group blocks (and whole groups beside them); undo takes the group away again."""

    def __init__(self, design: DesignGraph, group: Group, children: tuple[str, ...], text: str) -> None:
        super().__init__(text)
        self._design, self._group, self._children = design, group, children

    def redo(self) -> None:
        self._design.groups.add(self._group, self._children)

    def undo(self) -> None:
        self._design.groups.remove(self._group.name)


class RemoveGroup(QUndoCommand):
    """Ungroup: the group's blocks stay where they are; undo puts the group back around them."""

    def __init__(self, design: DesignGraph, name: str) -> None:
        super().__init__(f"Ungroup {name}")
        self._design, self._name = design, name
        self._removed: RemovedGroup | None = None

    def redo(self) -> None:
        self._removed = self._design.groups.remove(self._name)

    def undo(self) -> None:
        assert self._removed is not None
        self._design.groups.restore(self._removed)


class RenameGroup(QUndoCommand):
    def __init__(self, design: DesignGraph, name: str, new_name: str) -> None:
        super().__init__(f"Rename group '{name}' to '{new_name}'")
        self._design, self._old, self._new = design, name, new_name

    def redo(self) -> None:
        self._design.groups.rename(self._old, self._new)

    def undo(self) -> None:
        self._design.groups.rename(self._new, self._old)


class SetGroupsCollapsed(QUndoCommand):
    """Collapse or expand groups, as one step."""

    def __init__(self, design: DesignGraph, names: Sequence[str], collapsed: bool, text: str) -> None:
        super().__init__(text)
        self._design, self._collapsed = design, collapsed
        self._old = {name: design.groups.get(name).collapsed for name in names}

    def redo(self) -> None:
        with self._design.batch():  # the canvas redraws its groups once
            for name in self._old:
                self._design.groups.set_collapsed(name, self._collapsed)

    def undo(self) -> None:
        with self._design.batch():
            for name, collapsed in self._old.items():
                self._design.groups.set_collapsed(name, collapsed)
