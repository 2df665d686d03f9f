"""The view onto the scene: dotted background, zoom around the cursor, panning, and drops from the palette."""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCursor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPen,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QWidget

from designer.ui import theme
from designer.ui.canvas.edge_item import RETURN_REACH
from designer.ui.canvas.scene import DesignScene
from designer.ui.minimap import Minimap

BLOCK_MIME_TYPE = "application/x-designer-block-kind"
MIN_ZOOM, MAX_ZOOM = 0.02, 3.0
DETAIL_ZOOM = 0.4
"""Below this zoom blocks are drawn as plain rectangles, without names, ports or shape labels."""
FIT_MARGIN = RETURN_REACH + 20.0
"""Room around the blocks when fitting: edges back to the next row loop that far out of them."""
SCENE_EXTENT = 100_000.0


class DesignView(QGraphicsView):
    """Shows the design scene; emits ``block_dropped(kind, scene position)`` for palette drops.

    Tab, typing a letter, or a double-click on empty canvas asks for the quick-add popup with
    ``quick_add_requested(viewport point, scene point, typed text)``. A plain F never gets here: it is the
    window's Fit to View shortcut (Shift+F starts a search with "F"); Tab is taken only while the canvas has
    the focus, and F6 moves the focus on to the next panel.
    """

    block_dropped = Signal(str, QPointF)
    quick_add_requested = Signal(QPoint, QPointF, str)

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
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState)
        self.setAcceptDrops(True)
        self._pan_from: QPoint | None = None
        self._space_held = False
        self.minimap = Minimap(self)
        self.minimap.hide()
        # Blocks move in thousands during an auto-layout: redraw the overview once, when they are done.
        self._overview_timer = QTimer(self)
        self._overview_timer.setSingleShot(True)
        self._overview_timer.setInterval(0)
        self._overview_timer.timeout.connect(self._scene_changed)
        self.horizontalScrollBar().valueChanged.connect(self._view_moved)
        self.verticalScrollBar().valueChanged.connect(self._view_moved)

    def setScene(self, scene: QGraphicsScene | None) -> None:
        """Show ``scene``, following its changes in the minimap and drawing it at the current level of detail."""
        old = self.scene()
        if isinstance(old, DesignScene):
            old.geometry_changed.disconnect(self._overview_timer.start)
        super().setScene(scene)
        if isinstance(scene, DesignScene):
            scene.geometry_changed.connect(self._overview_timer.start)
        self._scene_changed()
        self._zoom_changed()

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
        self._zoom_changed()

    def reset_zoom(self) -> None:
        """Back to natural size (100 %), keeping the middle of the view where it is."""
        self.zoom_by(1.0 / self.zoom())

    def fit_to_items(self) -> None:
        """Show the whole design, at no more than natural size."""
        self.minimap.invalidate()  # the scene reports its changes later, and they may be pending
        bounds = self.minimap.bounds()
        if bounds.isEmpty():
            return
        rect = bounds.adjusted(-FIT_MARGIN, -FIT_MARGIN, FIT_MARGIN, FIT_MARGIN)
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        self.zoom_by(min(1.0, max(self.zoom(), MIN_ZOOM)) / self.zoom())
        self.centerOn(rect.center())

    def visible_centre(self) -> QPointF:
        """The scene point at the middle of the viewport."""
        return self.mapToScene(self.viewport().rect().center())

    def visible_rect(self) -> QRectF:
        """The part of the scene the viewport shows."""
        return self.mapToScene(self.viewport().rect()).boundingRect()

    def _zoom_changed(self) -> None:
        scene = self.scene()
        if isinstance(scene, DesignScene):
            scene.set_detailed(self.zoom() >= DETAIL_ZOOM)
        self.setRenderHint(QPainter.RenderHint.Antialiasing, self.zoom() >= DETAIL_ZOOM)
        self._view_moved()

    def _scene_changed(self) -> None:
        self.minimap.invalidate()
        self._view_moved()

    def _view_moved(self) -> None:
        """Show the minimap only while part of the design is out of view, and keep its frame current."""
        bounds = self.minimap.bounds()
        needed = not bounds.isEmpty() and not self.visible_rect().contains(bounds)
        if needed != self.minimap.isVisible():
            self.minimap.setVisible(needed)
        if needed:
            self._place_minimap()
            self.minimap.update()

    def _place_minimap(self) -> None:
        corner = self.viewport().rect().bottomRight()
        self.minimap.move(corner.x() - self.minimap.width() - 10, corner.y() - self.minimap.height() - 10)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._view_moved()

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta().y()
        if delta:
            self.zoom_by(math.pow(1.0015, delta), event.position().toPoint())
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        button = event.button()
        if button == Qt.MouseButton.MiddleButton or (button == Qt.MouseButton.LeftButton and self._space_held):
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
        if self._pan_from is not None and event.button() in (Qt.MouseButton.MiddleButton, Qt.MouseButton.LeftButton):
            self._pan_from = None
            if self._space_held:
                self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            else:
                self.viewport().unsetCursor()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.itemAt(event.position().toPoint()) is None:
            self._ask_quick_add(event.position().toPoint(), "")
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    # ---- keys: space to pan, Tab or a letter to quick-add --------------------------------------
    def event(self, event: QEvent) -> bool:
        # Tab would move the keyboard focus to the next widget before keyPressEvent saw it.
        if event.type() == QEvent.Type.KeyPress and QKeyEvent(event).key() == Qt.Key.Key_Tab:
            self.request_quick_add()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space:
            if not event.isAutoRepeat():
                self._space_held = True
                self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            event.accept()
            return
        text = event.text()
        typing = not event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier & ~Qt.KeyboardModifier.KeypadModifier
        if typing and text.isprintable() and text.strip() and self._pan_from is None:
            self.request_quick_add(text)
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_held = False
            if self._pan_from is None:
                self.viewport().unsetCursor()
            event.accept()
            return
        super().keyReleaseEvent(event)

    def _cursor_point(self) -> QPoint:
        """The pointer in viewport coordinates, or the middle of the viewport when it is elsewhere."""
        point = self.viewport().mapFromGlobal(QCursor.pos())
        return point if self.viewport().rect().contains(point) else self.viewport().rect().center()

    def request_quick_add(self, text: str = "") -> None:
        """Ask for the quick-add popup at the pointer (in the middle when the pointer is off the canvas)."""
        self._ask_quick_add(self._cursor_point(), text)

    def _ask_quick_add(self, point: QPoint, text: str) -> None:
        self.quick_add_requested.emit(point, self.mapToScene(point), text)

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
        scene = self.scene()
        if isinstance(scene, DesignScene) and not scene.detailed:
            painter.setPen(QPen(theme.EDGE, 0))  # one pixel at any zoom
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(scene.edge_overview())
        step = theme.GRID_STEP * (2 if self.zoom() < 0.6 else 1)
        if step * self.zoom() < 8:
            return
        painter.setPen(QPen(theme.GRID_DOT, 1.6 / self.zoom()))
        left, top = math.floor(rect.left() / step) * step, math.floor(rect.top() / step) * step
        xs = [left + i * step for i in range(int((rect.right() - left) / step) + 1)]
        ys = [top + j * step for j in range(int((rect.bottom() - top) / step) + 1)]
        painter.drawPoints([QPointF(x, y) for x in xs for y in ys])
