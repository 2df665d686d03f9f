"""Groups: named sets of blocks that the editor can draw collapsed, as one box (``layer1``, ``encoder.layers.3``).

Groups are only a way of looking at a design: compiling, inference and export ignore them. A block belongs
to at most one group directly; a group may sit inside another (``layer1`` ⊃ ``layer1.0``), to any depth.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace

from designer.core.signals import Signal

MAX_NAME_LENGTH = 100


class GroupError(ValueError):
    """A grouping the design refuses; the message says what and where."""


@dataclass(frozen=True)
class Group:
    """One group: its blocks (those directly in it), the group it sits in, and whether it is drawn as one box."""

    name: str
    blocks: frozenset[str] = field(default_factory=frozenset)
    parent: str | None = None
    collapsed: bool = False


@dataclass(frozen=True)
class RemovedGroup:
    """What :meth:`Groups.remove` took away, so that :meth:`Groups.restore` can put it back exactly."""

    group: Group
    children: tuple[str, ...]


class Groups:
    """The groups of one design; ``changed`` is emitted after every change, after ``renamed`` for a rename."""

    def __init__(self, block_exists: Callable[[str], bool]) -> None:
        self._groups: dict[str, Group] = {}
        self._group_of: dict[str, str] = {}
        self._block_exists = block_exists
        self.changed = Signal()
        self.renamed = Signal()  # (old name, new name)

    # ---- reading -------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._groups)

    def __contains__(self, name: object) -> bool:
        return name in self._groups

    def __iter__(self) -> Iterator[Group]:
        """Every group, each after the group it sits in."""
        pending = [g for g in self._groups.values() if g.parent is None]
        while pending:
            group = pending.pop(0)
            yield group
            pending[0:0] = [self._groups[c] for c in self.children(group.name)]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Groups):
            return NotImplemented
        return self._groups == other._groups

    def get(self, name: str) -> Group:
        try:
            return self._groups[name]
        except KeyError:
            raise GroupError(f"there is no group called {name!r}") from None

    def group_of(self, block_id: str) -> str | None:
        """The innermost group holding ``block_id``, if any."""
        return self._group_of.get(block_id)

    def children(self, name: str | None) -> list[str]:
        """The groups directly inside ``name`` (``None``: the groups inside no other)."""
        return [g.name for g in self._groups.values() if g.parent == name]

    def ancestors(self, name: str) -> list[str]:
        """``name`` and the groups around it, innermost first."""
        chain: list[str] = []
        current: str | None = name
        while current is not None:
            chain.append(current)
            current = self._groups[current].parent
        return chain

    def members(self, name: str) -> set[str]:
        """Every block in ``name``, in it directly or in a group inside it."""
        found = set(self.get(name).blocks)
        for child in self.children(name):
            found |= self.members(child)
        return found

    def hidden_in(self, block_id: str) -> str | None:
        """The outermost collapsed group around ``block_id``: the box drawn in its place (``None``: it shows)."""
        group = self._group_of.get(block_id)
        return None if group is None else self.outermost_collapsed(group)

    def outermost_collapsed(self, name: str) -> str | None:
        """The outermost collapsed group among ``name`` and the groups around it."""
        return next((g for g in reversed(self.ancestors(name)) if self._groups[g].collapsed), None)

    def common_group(self, block_ids: Iterable[str]) -> str | None:
        """The innermost group that holds all of ``block_ids`` (``None``: the design itself)."""
        chains = [self._chain_of(b) for b in block_ids]
        if not chains:
            return None
        shared = set(chains[0]).intersection(*chains[1:])
        return next((g for g in chains[0] if g in shared), None)

    def unique_name(self, stem: str = "group") -> str:
        """A fresh group name: ``group_1``, ``group_2``, …"""
        n = 1
        while f"{stem}_{n}" in self._groups:
            n += 1
        return f"{stem}_{n}"

    # ---- planning a new group ------------------------------------------------------------------
    def plan(self, name: str, block_ids: Iterable[str]) -> tuple[Group, tuple[str, ...]]:
        """The group :meth:`add` would make of ``block_ids``, and the groups that would move inside it.

        It sits in the innermost group holding all the blocks. A group inside that one comes along whole, or
        not at all: part of one is refused, with its name.
        """
        chosen = set(block_ids)
        if not chosen:
            raise GroupError("select the blocks to group first")
        parent = self.common_group(chosen)
        direct, children = set(), set()
        for block_id in chosen:
            chain = self._chain_of(block_id)
            inner = chain[: chain.index(parent)] if parent is not None else chain
            if inner:
                children.add(inner[-1])
            else:
                direct.add(block_id)
        for child in sorted(children):
            if not self.members(child) <= chosen:
                raise GroupError(f"select all of group {child} or none of it (its box groups it whole)")
        return Group(name, frozenset(direct), parent), tuple(sorted(children))

    # ---- editing -------------------------------------------------------------------------------
    def add(self, group: Group, children: Iterable[str] = ()) -> None:
        """Add ``group``: its blocks (in ``group.parent`` or in no group) and the ``children`` groups move into it."""
        children = tuple(children)
        self._check_new(group, children)
        self._groups[group.name] = group
        for block_id in group.blocks:
            self._move_block(block_id, self._group_of.get(block_id), group.name)
        for child in children:
            self._groups[child] = replace(self._groups[child], parent=group.name)
        self.changed.emit()

    def remove(self, name: str) -> RemovedGroup:
        """Take away a group: its blocks and the groups inside it go to the group it sat in."""
        group = self.get(name)
        children = tuple(self.children(name))
        for block_id in group.blocks:
            self._move_block(block_id, name, group.parent)
        for child in children:
            self._groups[child] = replace(self._groups[child], parent=group.parent)
        del self._groups[name]
        self.changed.emit()
        return RemovedGroup(group, children)

    def restore(self, removed: RemovedGroup) -> None:
        """Put back a group taken by :meth:`remove`."""
        self.add(removed.group, removed.children)

    def rename(self, name: str, new_name: str) -> None:
        """Call group ``name`` ``new_name``; it keeps its place, its blocks and the groups inside it."""
        group = self.get(name)
        if new_name == name:
            return
        check_name(new_name)
        if new_name in self._groups:
            raise GroupError(f"another group is already called {new_name!r}")
        renamed = (_renaming(g, name, new_name) for g in self._groups.values())
        self._groups = {g.name: g for g in renamed}
        self._group_of.update(dict.fromkeys(group.blocks, new_name))
        self.renamed.emit(name, new_name)
        self.changed.emit()

    def set_collapsed(self, name: str, collapsed: bool) -> None:
        group = self.get(name)
        if group.collapsed != collapsed:
            self._groups[name] = replace(group, collapsed=collapsed)
            self.changed.emit()

    def put_block(self, block_id: str, name: str) -> None:
        """Put a block that is in no group into ``name`` (a removed block coming back)."""
        if block_id in self._group_of:
            raise GroupError(f"block {block_id} is already in group {self._group_of[block_id]}")
        self._move_block(block_id, None, self.get(name).name)
        self.changed.emit()

    def discard_block(self, block_id: str) -> str | None:
        """Take a block out of its group (it is being removed from the design); returns the group it was in."""
        name = self._group_of.get(block_id)
        if name is not None:
            self._move_block(block_id, name, None)
            self.changed.emit()
        return name

    def copy(self, block_exists: Callable[[str], bool]) -> Groups:
        """An independent copy with no listeners, checking blocks with ``block_exists``."""
        other = Groups(block_exists)
        other._groups, other._group_of = dict(self._groups), dict(self._group_of)
        return other

    # ---- helpers -------------------------------------------------------------------------------
    def _chain_of(self, block_id: str) -> list[str]:
        group = self._group_of.get(block_id)
        return [] if group is None else self.ancestors(group)

    def _move_block(self, block_id: str, source: str | None, target: str | None) -> None:
        if source is not None and source in self._groups:
            group = self._groups[source]
            self._groups[source] = replace(group, blocks=group.blocks - {block_id})
        if target is None:
            self._group_of.pop(block_id, None)
            return
        group = self._groups[target]
        self._groups[target] = replace(group, blocks=group.blocks | {block_id})
        self._group_of[block_id] = target

    def _check_new(self, group: Group, children: tuple[str, ...]) -> None:
        check_name(group.name)
        if group.name in self._groups:
            raise GroupError(f"another group is already called {group.name!r}")
        if group.parent is not None and group.parent not in self._groups:
            raise GroupError(f"{group.name}: there is no group called {group.parent!r} to put it in")
        for block_id in sorted(group.blocks):
            if not self._block_exists(block_id):
                raise GroupError(f"{group.name}: there is no block with id {block_id!r}")
            if self._group_of.get(block_id, group.parent) != group.parent:
                raise GroupError(f"{group.name}: block {block_id} is already in group {self._group_of[block_id]}")
        for child in children:
            if child not in self._groups or self._groups[child].parent != group.parent:
                raise GroupError(f"{group.name}: {child!r} is not a group beside it that could go inside it")


def _renaming(group: Group, old: str, new: str) -> Group:
    """``group`` once the group called ``old`` is called ``new``."""
    if group.name == old:
        return replace(group, name=new)
    return replace(group, parent=new) if group.parent == old else group


def check_name(name: object) -> str:
    """``name`` if it can name a group: 1 to 100 printable characters, not all spaces."""
    if not isinstance(name, str) or not name.strip() or not name.isprintable():
        raise GroupError(f"{name!r} is not a usable group name: use printable characters, not only spaces")
    if len(name) > MAX_NAME_LENGTH:
        raise GroupError(f"group names can be at most {MAX_NAME_LENGTH} characters long")
    return name
