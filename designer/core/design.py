"""The design: blocks and the connections between their ports, held in a networkx graph.

This is the one source of truth. The editor changes it only through these methods and follows it
through ``events``; compilation and training take a :meth:`DesignGraph.snapshot`.
"""

from __future__ import annotations

import copy
import keyword
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import networkx as nx

from designer.core.blocks import BlockSpec, get_block
from designer.core.groups import Groups
from designer.core.params import ParamError
from designer.core.signals import Signal

# Attribute names a torch module already uses; a block named so would shadow them once compiled.
RESERVED_NAMES = frozenset(
    {
        "forward",
        "training",
        "graph",
        "code",
        "meta",
        "self",
        "parameters",
        "buffers",
        "modules",
        "children",
        "state_dict",
        "train",
        "eval",
        "to",
        "cpu",
        "cuda",
        "type",
        "float",
        "double",
        "half",
        "apply",
        "zero_grad",
        "named_modules",
        "named_parameters",
        "register_buffer",
        "add_module",
        "load_state_dict",
        "torch",
        "operator",
    }
)
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


class DesignError(ValueError):
    """An edit the design refuses; the message says what and where."""


@dataclass(frozen=True)
class Connection:
    """An edge from one block's output port to another block's input port."""

    source: str
    source_port: str
    target: str
    target_port: str


@dataclass(frozen=True)
class Block:
    """A read-only view of one block in the design."""

    id: str
    kind: str
    name: str
    params: dict[str, Any]
    position: tuple[float, float]

    @property
    def spec(self) -> BlockSpec:
        return get_block(self.kind)


@dataclass(frozen=True)
class RemovedBlock:
    """What :meth:`DesignGraph.remove_block` took away, so that it can be put back exactly."""

    block: Block
    connections: list[Connection]
    group: str | None = None


class DesignEvents:
    """Signals emitted after each change to a design."""

    def __init__(self) -> None:
        self.block_added = Signal()  # (block_id)
        self.block_removed = Signal()  # (block_id)
        self.block_renamed = Signal()  # (block_id, old_name, new_name)
        self.param_changed = Signal()  # (block_id, param_name, value)
        self.block_moved = Signal()  # (block_id, position)
        self.connected = Signal()  # (connection)
        self.disconnected = Signal()  # (connection)
        self.batch_ended = Signal()  # () after the last edit of an outermost batch


class DesignGraph:
    """Blocks and connections of one network design."""

    def __init__(self) -> None:
        self._graph = nx.MultiDiGraph()
        self._ids_by_name: dict[str, str] = {}
        """Each block's id by its name, kept by every edit: names are checked on each add and rename."""
        self._next_id = 1
        self._batch_depth = 0
        self.events = DesignEvents()
        self.groups = Groups(self.__contains__)
        """Named groups of blocks, for the editor's eyes only: compiling ignores them."""

    # ---- reading -------------------------------------------------------------------------
    @property
    def graph(self) -> nx.MultiDiGraph:
        """The networkx graph: nodes are block ids, edges are keyed by the target port. Do not modify."""
        return self._graph

    def __len__(self) -> int:
        return self._graph.number_of_nodes()

    def __contains__(self, block_id: object) -> bool:
        return block_id in self._graph

    def block(self, block_id: str) -> Block:
        data = self._node(block_id)
        return Block(block_id, data["kind"], data["name"], dict(data["params"]), data["position"])

    def blocks(self) -> Iterator[Block]:
        """All blocks, in the order they were added (a restored block takes its old place)."""
        return (self.block(block_id) for block_id in sorted(self._graph.nodes, key=id_order))

    def connections(self) -> list[Connection]:
        return [self._connection(u, v, key) for u, v, key in self._graph.edges(keys=True)]

    def incoming(self, block_id: str) -> dict[str, Connection]:
        """Connections into ``block_id``, by input port."""
        return {key: self._connection(u, v, key) for u, v, key in self._graph.in_edges(block_id, keys=True)}

    def outgoing(self, block_id: str) -> list[Connection]:
        return [self._connection(u, v, key) for u, v, key in self._graph.out_edges(block_id, keys=True)]

    def find(self, name: str) -> str | None:
        """The id of the block called ``name``, if there is one."""
        return self._ids_by_name.get(name)

    def snapshot(self) -> DesignGraph:
        """An independent copy, with no listeners, for compiling or training while editing goes on."""
        copy_ = DesignGraph()
        copy_._graph = copy.deepcopy(self._graph)
        copy_._ids_by_name = dict(self._ids_by_name)
        copy_._next_id = self._next_id
        copy_.groups = self.groups.copy(copy_.__contains__)
        return copy_

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DesignGraph):
            return NotImplemented
        return list(self.blocks()) == list(other.blocks()) and set(self.connections()) == set(other.connections())

    @property
    def in_batch(self) -> bool:
        """Whether edits are being grouped (see :meth:`batch`)."""
        return self._batch_depth > 0

    # ---- editing -------------------------------------------------------------------------
    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group several edits: each still sends its event, and ``events.batch_ended`` follows the last.

        Listeners that redo costly work after a change (shape inference) can wait for the end instead.
        """
        self._batch_depth += 1
        try:
            yield
        finally:
            self._batch_depth -= 1
            if not self._batch_depth:
                self.events.batch_ended.emit()

    def add_block(
        self,
        kind: str,
        name: str | None = None,
        params: dict[str, Any] | None = None,
        position: tuple[float, float] = (0.0, 0.0),
        block_id: str | None = None,
    ) -> str:
        """Add a block of ``kind`` and return its id; missing parameters take their defaults."""
        spec = get_block(kind)
        try:
            checked = spec.check_params(params or {})
        except ParamError as exc:
            raise DesignError(f"{name or kind}: {exc}") from None
        if block_id is None:
            block_id = f"b{self._next_id}"
        elif block_id in self._graph:
            raise DesignError(f"a block with id {block_id!r} already exists")
        name = self._check_name(name) if name is not None else self.unique_name(kind)
        self._next_id = max(self._next_id, _id_number(block_id)) + 1
        self._graph.add_node(block_id, kind=kind, name=name, params=checked, position=_point(position))
        self._ids_by_name[name] = block_id
        self.events.block_added.emit(block_id)
        return block_id

    def remove_block(self, block_id: str) -> RemovedBlock:
        """Remove a block and its connections; what was removed comes back for undo."""
        removed = RemovedBlock(
            self.block(block_id),
            list(self.incoming(block_id).values()) + self.outgoing(block_id),
        )
        for connection in removed.connections:
            self.disconnect(connection)
        removed = RemovedBlock(removed.block, removed.connections, self.groups.discard_block(block_id))
        self._graph.remove_node(block_id)
        del self._ids_by_name[removed.block.name]
        self.events.block_removed.emit(block_id)
        return removed

    def restore_block(self, removed: RemovedBlock) -> None:
        """Put back a block and connections taken by :meth:`remove_block`."""
        b = removed.block
        self.add_block(b.kind, b.name, b.params, b.position, block_id=b.id)
        if removed.group in self.groups:
            self.groups.put_block(b.id, removed.group)
        for connection in removed.connections:
            self.connect(connection)

    def rename_block(self, block_id: str, name: str) -> None:
        data = self._node(block_id)
        old = data["name"]
        if name == old:
            return
        data["name"] = self._check_name(name)
        del self._ids_by_name[old]
        self._ids_by_name[name] = block_id
        self.events.block_renamed.emit(block_id, old, name)

    def set_param(self, block_id: str, name: str, value: Any) -> None:
        """Set one parameter; ``None`` makes an inferred parameter automatic again."""
        value = self.check_param(block_id, name, value)
        self._node(block_id)["params"][name] = value
        self.events.param_changed.emit(block_id, name, value)

    def check_param(self, block_id: str, name: str, value: Any) -> Any:
        """The value :meth:`set_param` would store, changing nothing; a refusal raises :class:`DesignError`."""
        data = self._node(block_id)
        spec = get_block(data["kind"])
        try:
            value = spec.check_params({**data["params"], name: value})[name]
        except ParamError as exc:
            raise DesignError(f"{data['name']}: {exc}") from None
        if name == spec.input_count_param:
            kept = spec.input_ports({name: value})
            lost = sorted(port for port in self.incoming(block_id) if port not in kept)
            if lost:
                raise DesignError(f"{data['name']}: disconnect {', '.join(lost)} before reducing {name} to {value}")
        return value

    def move_block(self, block_id: str, position: tuple[float, float]) -> None:
        self._node(block_id)["position"] = _point(position)
        self.events.block_moved.emit(block_id, self._node(block_id)["position"])

    def connect(self, connection: Connection) -> None:
        """Connect an output port to a free input port of another block."""
        source, target = self._node(connection.source), self._node(connection.target)
        if connection.source_port not in get_block(source["kind"]).outputs:
            raise DesignError(f"{source['name']} has no output port {connection.source_port!r}")
        ports = get_block(target["kind"]).input_ports(target["params"])
        if connection.target_port not in ports:
            raise DesignError(f"{target['name']} has no input port {connection.target_port!r}")
        if connection.source == connection.target:
            raise DesignError(f"{source['name']} cannot feed itself")
        if connection.target_port in self.incoming(connection.target):
            raise DesignError(f"{target['name']}.{connection.target_port} is already connected; disconnect it first")
        self._graph.add_edge(
            connection.source,
            connection.target,
            key=connection.target_port,
            source_port=connection.source_port,
        )
        self.events.connected.emit(connection)

    def disconnect(self, connection: Connection) -> None:
        if self.incoming(connection.target).get(connection.target_port) != connection:
            raise DesignError(f"there is no connection {connection}")
        self._graph.remove_edge(connection.source, connection.target, key=connection.target_port)
        self.events.disconnected.emit(connection)

    def unique_name(self, kind: str) -> str:
        """A fresh name for a new block of ``kind``: ``conv2d_1``, ``conv2d_2``, …"""
        stem = re.sub(r"(?<=[a-z0-9])(?=[A-Z][a-z])", "_", kind).lower()  # LeakyReLU → leaky_relu
        n = 1
        while f"{stem}_{n}" in self._ids_by_name:
            n += 1
        return f"{stem}_{n}"

    # ---- helpers -------------------------------------------------------------------------
    def _node(self, block_id: str) -> dict[str, Any]:
        try:
            return self._graph.nodes[block_id]
        except KeyError:
            raise DesignError(f"there is no block with id {block_id!r}") from None

    def _connection(self, source: str, target: str, key: str) -> Connection:
        return Connection(source, self._graph.edges[source, target, key]["source_port"], target, key)

    def _check_name(self, name: str) -> str:
        if not isinstance(name, str) or not _NAME.fullmatch(name) or keyword.iskeyword(name):
            raise DesignError(f"{name!r} is not a usable block name: use letters, digits and _, starting with a letter")
        if name in RESERVED_NAMES:
            raise DesignError(f"{name!r} is reserved by PyTorch modules; choose another block name")
        if len(name) > 100:
            raise DesignError("block names can be at most 100 characters long")
        if self.find(name) is not None:
            raise DesignError(f"another block is already called {name!r}")
        return name


def _id_number(block_id: str) -> int:
    match = re.fullmatch(r"b(\d+)", block_id)
    return int(match.group(1)) if match and len(match.group(1)) < 12 else 0


def id_order(block_id: str) -> str:
    """Sort key that puts ids in the order blocks were added (b2 before b10)."""
    digits = block_id[1:]
    return f"{int(digits):012d}" if block_id[:1] == "b" and digits.isdigit() and len(digits) < 12 else block_id


def _point(position: tuple[float, float]) -> tuple[float, float]:
    x, y = position
    return (float(x), float(y))
