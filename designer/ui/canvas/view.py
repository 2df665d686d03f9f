"""The view onto the scene: dotted background, zoom around the cursor, panning, and drops from the palette."""

from __future__ import annotations

import math

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QMouseEvent,
    QPainter,
    QPen,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsView, QWidget

from designer.ui import theme

BLOCK_MIME_TYPE = "application/x-designer-block-kind"
MIN_ZOOM, MAX_ZOOM = 0.2, 3.0
SCENE_EXTENT = 100_000.0


class DesignView(QGraphicsView):
    """Shows the design scene; emits ``block_dropped(kind, scene position)`` for palette drops."""

    block_dropped = Signal(str, QPointF)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        # Zooming keeps its own anchor (see zoom_by); a vast scene rect lets it scroll anywhere.
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setSceneRect(QRectF(-SCENE_EXTENT, -SCENE_EXTENT, 2 * SCENE_EXTENT, 2 * SCENE_EXTENT))
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAcceptDrops(True)
        self._pan_from: QPoint | None = None

    # ---- zoom and pan ---------------------------------------------------------------------
    def zoom(self) -> float:
        return self.transform().m11()

    def zoom_by(self, factor: float, anchor: QPoint | None = None) -> None:
        """Zoom by ``factor``, within sensible limits, keeping the scene point at ``anchor`` (default: centre) still."""
        factor = max(MIN_ZOOM / self.zoom(), min(MAX_ZOOM / self.zoom(), factor))
        anchor = self.viewport().rect().center() if anchor is None else anchor
        before = self.mapToScene(anchor)
        self.scale(factor, factor)
        shift = self.mapToScene(anchor) - before
        self.translate(shift.x(), shift.y())

    def fit_to_items(self, min_zoom: float = MIN_ZOOM) -> None:
        """Show the whole design, at no more than natural size.

        With ``min_zoom`` above the zoom that would fit everything, show the design's start
        (its left end) at ``min_zoom`` instead, so that a long chain opens readable.
        """
        scene = self.scene()
        if scene is None or not scene.items():
            return
        rect = scene.itemsBoundingRect().adjusted(-40, -40, 40, 40)
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        zoom = min(1.0, max(self.zoom(), min_zoom))
        self.zoom_by(zoom / self.zoom())
        visible = self.viewport().width() / zoom
        if visible < rect.width():
            self.centerOn(QPointF(rect.left() + visible / 2, rect.center().y()))
        else:
            self.centerOn(rect.center())

    def visible_centre(self) -> QPointF:
        """The scene point at the middle of the viewport."""
        return self.mapToScene(self.viewport().rect().center())

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta().y()
        if delta:
            self.zoom_by(math.pow(1.0015, delta), event.position().toPoint())
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.MiddleButton:
            self._pan_from = event.position().toPoint()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            now = event.position().toPoint()
            delta, self._pan_from = now - self._pan_from, now
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - delta.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - delta.y())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None and event.button() == Qt.MouseButton.MiddleButton:
            self._pan_from = None
            self.viewport().unsetCursor()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    # ---- drops from the palette -----------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(BLOCK_MIME_TYPE):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasFormat(BLOCK_MIME_TYPE):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        data = event.mimeData()
        if not data.hasFormat(BLOCK_MIME_TYPE):
            super().dropEvent(event)
            return
        kind = bytes(data.data(BLOCK_MIME_TYPE).data()).decode()
        event.acceptProposedAction()
        self.block_dropped.emit(kind, self.mapToScene(event.position().toPoint()))

    # ---- background -----------------------------------------------------------------------
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        painter.fillRect(rect, theme.CANVAS_BACKGROUND)
        step = theme.GRID_STEP * (2 if self.zoom() < 0.6 else 1)
        if step * self.zoom() < 8:
            return
        painter.setPen(QPen(theme.GRID_DOT, 1.6 / self.zoom()))
        left, top = math.floor(rect.left() / step) * step, math.floor(rect.top() / step) * step
        xs = [left + i * step for i in range(int((rect.right() - left) / step) + 1)]
        ys = [top + j * step for j in range(int((rect.bottom() - top) / step) + 1)]
        painter.drawPoints([QPointF(x, y) for x in xs for y in ys])
