"""The scene: mirrors the design through its events and turns mouse gestures into requests.

Nothing here changes the design. Gestures end in signals (``connect_requested``, ``move_requested``)
that the window hands to the editor, which pushes undo commands; the scene then follows the events.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, QPointF, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPainterPath
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QGraphicsSceneMouseEvent

from designer.core.design import Connection, DesignGraph, id_order
from designer.core.inference import Problem
from designer.ui.canvas.block_item import BlockItem, PortItem
from designer.ui.canvas.connect_gesture import ConnectGesture
from designer.ui.canvas.edge_item import EdgeItem
from designer.ui.canvas.group_item import GroupBoxItem
from designer.ui.canvas.group_view import GroupView
from designer.ui.document import Document

GRID_SNAP = 10.0


class DesignScene(QGraphicsScene):
    """Block and edge items for every block and connection of the document's design."""

    connect_requested = Signal(object)  # Connection
    move_requested = Signal(object)  # dict[block id, position]
    message = Signal(str)
    geometry_changed = Signal()  # a block came, went or moved
    group_toggle_requested = Signal(str)  # a group's name: expand it if collapsed, collapse it if expanded
    group_rename_requested = Signal(str)  # a group's name: its frame's name tag was double-clicked

    def __init__(self, document: Document, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.blocks: dict[str, BlockItem] = {}
        self.edges: dict[Connection, EdgeItem] = {}
        self._edges_at: dict[str, set[Connection]] = {}
        self.detailed = True
        self._overview: QPainterPath | None = None
        self._gesture: ConnectGesture | None = None
        self._shown = document.report
        """The report the items show: edges' shapes and blocks' problems."""
        self._problems = _by_block(self._shown.problems)
        self.groups: GroupView | None = None
        self._handlers = {
            "block_added": self._on_block_added,
            "block_removed": self._on_block_removed,
            "block_renamed": lambda block_id, *_: self._on_block_changed(block_id),
            "param_changed": lambda block_id, *_: self._on_block_changed(block_id),
            "block_moved": self._on_block_moved,
            "connected": self._on_connected,
            "disconnected": self._on_disconnected,
        }
        for name, handler in self._handlers.items():
            getattr(self.design.events, name).connect(handler)
        document.report_changed.connect(self.apply_report)
        for block in self.design.blocks():
            self._on_block_added(block.id)
        for connection in self.design.connections():
            self._on_connected(connection)
        self.groups = GroupView(self)
        self.groups.refresh()  # once the scene has it: placing edges on boxes asks for it

    @property
    def design(self) -> DesignGraph:
        return self.document.design

    def detach(self) -> None:
        """Stop following the design, before the scene is dropped."""
        for name, handler in self._handlers.items():
            getattr(self.design.events, name).disconnect(handler)
        self.document.report_changed.disconnect(self.apply_report)
        self.groups.detach()

    # ---- selection ------------------------------------------------------------------------
    def selected_block_ids(self) -> list[str]:
        """The selected blocks (those of selected group boxes too), in the order they were added to the design."""
        chosen = {item.block_id for item in self.selectedItems() if isinstance(item, BlockItem)}
        return sorted(chosen | self.groups.selected_members(), key=id_order)

    def selected_connections(self) -> list[Connection]:
        return [item.connection for item in self.selectedItems() if isinstance(item, EdgeItem)]

    def select_block(self, block_id: str) -> None:
        """Make ``block_id`` the only selected item."""
        self.select_blocks([block_id])

    def select_blocks(self, block_ids: list[str]) -> None:
        """Make exactly these blocks the selection (a hidden one's group box), telling listeners once."""
        self._select([self.groups.box_of(b) or self.blocks[b] for b in block_ids if b in self.blocks])

    def selected_group(self) -> str | None:
        """The group selected on its own, as its box or by its frame's name tag, if that is the whole selection."""
        names, items = self.groups.selected_groups(), self.selectedItems()
        return names[0] if len(names) == 1 and len(items) == 1 else None

    def select_group(self, name: str) -> None:
        """Make group ``name`` (its box or frame) the only selected item, telling listeners once."""
        item = self.groups.item_of(name)
        self._select([] if item is None else [item])

    def _select(self, items: list[QGraphicsItem]) -> None:
        self.blockSignals(True)
        try:
            self.clearSelection()
            for item in items:
                item.setSelected(True)
        finally:
            self.blockSignals(False)
        self.selectionChanged.emit()

    def overview_items(self) -> list[BlockItem | GroupBoxItem]:
        """What the minimap draws, each in its ``colour``: the blocks shown and the boxes of collapsed groups."""
        return [item for item in self.blocks.values() if item.isVisible()] + list(self.groups.boxes.values())

    # ---- level of detail ------------------------------------------------------------------
    def set_detailed(self, detailed: bool) -> None:
        """Show names, ports, edges and shape labels, or (far out) only plain block rectangles.

        Far out the view draws all edges at once from :meth:`edge_overview` instead of item by item.
        """
        if detailed == self.detailed:
            return
        self.detailed = detailed
        for item in self.blocks.values():
            item.set_detailed(detailed)
        for connection, edge in self.edges.items():
            edge.setVisible(detailed and self.groups.shows(connection))

    def edge_overview(self) -> QPainterPath:
        """Every edge's curve in one path."""
        if self._overview is None:
            self._overview = QPainterPath()
            for connection, edge in self.edges.items():
                if self.groups.shows(connection):
                    self._overview.addPath(edge.path())
        return self._overview

    # ---- following the design -------------------------------------------------------------
    def apply_report(self) -> None:
        """Show the latest inference where it differs from the one shown: shapes on edges, problems on blocks."""
        report, shown = self.document.report, self._shown
        self._shown = report
        problems = _by_block(report.problems)
        for block_id in problems.keys() | self._problems.keys():
            if block_id in self.blocks and problems.get(block_id) != self._problems.get(block_id):
                self.blocks[block_id].set_problems(problems.get(block_id, []))
        self._problems = problems
        changed = report.outputs_changed_since(shown)
        if changed:
            texts = self._port_texts(changed)
            for connection, edge in self.edges.items():
                if connection.source in changed:
                    edge.set_shape_text(texts.get((connection.source, connection.source_port), ""))

    def _on_block_added(self, block_id: str) -> None:
        item = BlockItem(self.design.block(block_id), self._on_item_moved)
        item.set_detailed(self.detailed)
        self.blocks[block_id] = item
        self._edges_at[block_id] = set()
        self.addItem(item)
        self.geometry_changed.emit()
        item.set_problems(self._problems.get(block_id, []))

    def _on_block_removed(self, block_id: str) -> None:
        self.removeItem(self.blocks.pop(block_id))
        del self._edges_at[block_id]
        self.geometry_changed.emit()

    def _on_block_changed(self, block_id: str) -> None:
        item = self.blocks[block_id]
        item.set_block(self.design.block(block_id))
        self._on_item_moved(item)

    def _on_block_moved(self, block_id: str, position: tuple[float, float]) -> None:
        item = self.blocks[block_id]
        item.block = self.design.block(block_id)
        item.setPos(*position)

    def _on_connected(self, connection: Connection) -> None:
        edge = EdgeItem(connection)
        edge.setVisible(self.detailed and (self.groups is None or self.groups.shows(connection)))
        self.edges[connection] = edge
        self._edges_at[connection.source].add(connection)
        self._edges_at[connection.target].add(connection)
        self.addItem(edge)
        self.place_edge(edge)
        self._refresh_ports(connection)
        edge.set_shape_text(self._shape_text(connection))

    def _on_disconnected(self, connection: Connection) -> None:
        self.removeItem(self.edges.pop(connection))
        self._overview = None
        for block_id in (connection.source, connection.target):
            self._edges_at[block_id].discard(connection)
        self._refresh_ports(connection)

    def _on_item_moved(self, item: BlockItem) -> None:
        for connection in self._edges_at.get(item.block_id, ()):
            self.place_edge(self.edges[connection])
        self.geometry_changed.emit()

    def place_edge(self, edge: EdgeItem) -> None:
        """Draw ``edge`` between its ports, or the side of the group box drawn in place of a hidden end."""
        c = edge.connection
        self._overview = None
        ends = self.groups.edge_ends(c) if self.groups is not None else None
        if ends is not None:
            edge.set_ends(*ends)
            return
        target = self.blocks[c.target].inputs[c.target_port]
        # Skip connections arch over the row: below it into a lower port, above it otherwise.
        edge.set_ends(self.blocks[c.source].outputs[c.source_port].scenePos(), target.scenePos(), target.y() or -1.0)

    def _shape_text(self, connection: Connection) -> str:
        """The tensor shape on ``connection`` as the latest report knows it, or nothing."""
        return self._port_texts([connection.source]).get((connection.source, connection.source_port), "")

    def _port_texts(self, block_ids: Iterable[str]) -> dict[tuple[str, str], str]:
        """The tensor shape at each output port of ``block_ids`` that the latest report knows, by (block, port)."""
        outputs, texts = self.document.report.outputs, {}
        formatted: dict[int, list[str]] = {}  # blocks alike share their types' list (see inference.shape_result)
        for block_id in block_ids:
            types = outputs.get(block_id)
            if types is not None and block_id in self.blocks:
                shown = formatted.get(id(types))
                if shown is None:
                    shown = formatted[id(types)] = [str(t) for t in types]
                # The item's block is current; the report may be from before a batch of edits.
                for port, text in zip(self.blocks[block_id].block.spec.outputs, shown, strict=False):
                    texts[block_id, port] = text
        return texts

    def _refresh_ports(self, connection: Connection) -> None:
        """Fill the ports at both ends of ``connection`` when they are in use."""
        if connection.source in self.blocks:
            used = {c.source_port for c in self._edges_at[connection.source] if c.source == connection.source}
            for name, port in self.blocks[connection.source].outputs.items():
                port.connected = name in used
                port.update()
        if connection.target in self.blocks:
            used = {c.target_port for c in self._edges_at[connection.target] if c.target == connection.target}
            for name, port in self.blocks[connection.target].inputs.items():
                port.connected = name in used
                port.update()

    # ---- gestures -------------------------------------------------------------------------
    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        port = self._port_at(event.scenePos())
        if event.button() == Qt.MouseButton.LeftButton and port is not None:
            self._gesture = ConnectGesture(self, port)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._gesture is not None:
            self._gesture.move_to(event.scenePos())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._gesture is not None:
            result, self._gesture = self._gesture.finish(event.scenePos()), None
            if isinstance(result, Connection):
                self.connect_requested.emit(result)
            elif result is not None:
                self.message.emit(result)
            event.accept()
            return
        super().mouseReleaseEvent(event)
        self._request_moves()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self._gesture is not None:
            self._gesture.cancel()
            self._gesture = None
            return
        super().keyPressEvent(event)

    def _request_moves(self) -> None:
        """After a drag, ask for one move of every block whose item left its place (snapped to the grid)."""
        moved = {}
        for block_id, item in self.blocks.items():
            current = self.design.block(block_id).position
            if (item.pos().x(), item.pos().y()) == current:
                continue
            snapped = (_snap(item.pos().x()), _snap(item.pos().y()))
            if snapped == current:
                item.setPos(*current)
            else:
                moved[block_id] = snapped
        if moved:
            self.move_requested.emit(moved)

    def _port_at(self, pos: QPointF) -> PortItem | None:
        return next((item for item in self.items(pos) if isinstance(item, PortItem)), None)


def _by_block(problems: list[Problem]) -> dict[str | None, list[Problem]]:
    """``problems`` by the block they are about (None: the design as a whole)."""
    grouped: dict[str | None, list[Problem]] = {}
    for problem in problems:
        grouped.setdefault(problem.block_id, []).append(problem)
    return grouped


def _snap(value: float) -> float:
    return round(value / GRID_SNAP) * GRID_SNAP
