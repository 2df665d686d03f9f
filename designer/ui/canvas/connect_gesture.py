"""Dragging a new connection out of a port, with a dashed preview that snaps to the port it would join."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsScene

from designer.core.design import Connection
from designer.ui import theme
from designer.ui.canvas.block_item import BlockItem, PortItem
from designer.ui.canvas.edge_item import curve

SNAP_DISTANCE = 16.0


class ConnectGesture:
    """One drag from ``start``: either direction works (output to input, or input to output)."""

    def __init__(self, scene: QGraphicsScene, start: PortItem) -> None:
        self._scene, self.start = scene, start
        self._target: PortItem | None = None
        self._preview = QGraphicsPathItem()
        pen = QPen(theme.SELECTION, 1.8, Qt.PenStyle.DashLine)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        self._preview.setPen(pen)
        self._preview.setZValue(5)
        scene.addItem(self._preview)
        start.set_highlighted(True)

    def move_to(self, pos: QPointF) -> None:
        """Follow the pointer, snapping to a port that would accept the connection."""
        target = self._candidate(pos)
        if target is not self._target:
            if self._target is not None:
                self._target.set_highlighted(False)
            if target is not None:
                target.set_highlighted(True)
            self._target = target
        end = target.scenePos() if target is not None else pos
        begin = self.start.scenePos()
        self._preview.setPath(curve(begin, end) if self.start.is_output else curve(end, begin))

    def finish(self, pos: QPointF) -> Connection | str | None:
        """End the drag at ``pos``: the connection asked for, why there is none, or None for a mere click."""
        self.move_to(pos)
        target = self._target
        self.cancel()
        if target is None and _distance(pos, self.start.scenePos()) < SNAP_DISTANCE:
            return None
        if target is None:
            wanted = "an input" if self.start.is_output else "an output"
            return f"Not connected: drop the connection on {wanted} port of another block"
        source, sink = (self.start, target) if self.start.is_output else (target, self.start)
        return Connection(source.block_id, source.name, sink.block_id, sink.name)

    def cancel(self) -> None:
        """Remove the preview and the highlights."""
        for port in (self.start, self._target):
            if port is not None:
                port.set_highlighted(False)
        if self._preview.scene() is not None:
            self._scene.removeItem(self._preview)

    def _candidate(self, pos: QPointF) -> PortItem | None:
        area = QRectF(pos.x() - SNAP_DISTANCE, pos.y() - SNAP_DISTANCE, 2 * SNAP_DISTANCE, 2 * SNAP_DISTANCE)
        ports = [item for item in self._scene.items(area) if isinstance(item, PortItem) and self._fits(item)]
        if ports:
            return min(ports, key=lambda p: _distance(p.scenePos(), pos))
        block = _block_at(self._scene.items(pos))
        if block is None or block.block_id == self.start.block_id:
            return None
        ports = list((block.inputs if self.start.is_output else block.outputs).values())
        free = [p for p in ports if not p.connected]
        return (free or ports or [None])[0]

    def _fits(self, port: PortItem) -> bool:
        return port.is_output != self.start.is_output and port.block_id != self.start.block_id


def _block_at(items: list[QGraphicsItem]) -> BlockItem | None:
    for item in items:
        while item is not None and not isinstance(item, BlockItem):
            item = item.parentItem()
        if item is not None:
            return item
    return None


def _distance(a: QPointF, b: QPointF) -> float:
    return ((a.x() - b.x()) ** 2 + (a.y() - b.y()) ** 2) ** 0.5
