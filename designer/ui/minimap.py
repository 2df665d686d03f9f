"""The minimap: a small overview of the whole design in a corner of the canvas, with the visible part framed.

Dragging in it moves the view. The canvas shows it only while the design does not fit in the view.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsView, QWidget

from designer.ui import theme
from designer.ui.canvas.scene import DesignScene

SIZE = (220, 150)
MARGIN = 8.0
BACKGROUND_ALPHA = 225
"""The canvas shows faintly through the minimap."""


class Minimap(QWidget):
    """Follows ``view``: call :meth:`invalidate` when the design changes and :meth:`update` when the view moves."""

    def __init__(self, view: QGraphicsView) -> None:
        super().__init__(view)
        self._view = view
        self.setFixedSize(*SIZE)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("The whole design: drag to move the view")
        self._picture: QPixmap | None = None
        self._bounds = QRectF()

    def bounds(self) -> QRectF:
        """The scene rectangle that holds every block (empty for an empty design)."""
        self._ensure_picture()
        return self._bounds

    def invalidate(self) -> None:
        """Redraw the blocks the next time (the design changed)."""
        self._picture = None
        self.update()

    # ---- mapping between the minimap and the scene ----------------------------------------------
    def _scale(self) -> float:
        inner = self._inner()
        if self._bounds.isEmpty():
            return 1.0
        return min(inner.width() / self._bounds.width(), inner.height() / self._bounds.height())

    def _inner(self) -> QRectF:
        return QRectF(self.rect()).adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)

    def to_map(self, point: QPointF) -> QPointF:
        inner, scale = self._inner(), self._scale()
        offset = QPointF(
            (inner.width() - self._bounds.width() * scale) / 2, (inner.height() - self._bounds.height() * scale) / 2
        )
        return inner.topLeft() + offset + (point - self._bounds.topLeft()) * scale

    def to_scene(self, point: QPointF) -> QPointF:
        origin = self.to_map(self._bounds.topLeft())
        return self._bounds.topLeft() + (point - origin) / self._scale()

    # ---- drawing -----------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        self._ensure_picture()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colours = theme.scheme()  # read at each paint: the theme can change while the minimap shows
        background = QColor(colours.panel)
        background.setAlpha(BACKGROUND_ALPHA)
        painter.setPen(QPen(QColor(colours.separator), 1.0))
        painter.setBrush(background)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        if self._picture is not None:
            painter.drawPixmap(0, 0, self._picture)
        visible = self._view.mapToScene(self._view.viewport().rect()).boundingRect()
        frame = QRectF(self.to_map(visible.topLeft()), self.to_map(visible.bottomRight()))
        painter.setClipRect(self._inner().adjusted(-2, -2, 2, 2))
        painter.setPen(QPen(theme.SELECTION, 1.5))
        fill = QColor(theme.SELECTION)
        fill.setAlpha(30)
        painter.setBrush(fill)
        painter.drawRect(frame)
        painter.end()

    def _ensure_picture(self) -> None:
        if self._picture is not None:
            return
        scene = self._view.scene()
        items = scene.overview_items() if isinstance(scene, DesignScene) else []
        bounds = QRectF()
        for item in items:
            bounds = bounds.united(item.sceneBoundingRect())
        self._bounds = bounds
        self._picture = QPixmap(self.size())
        self._picture.fill(Qt.GlobalColor.transparent)
        painter = QPainter(self._picture)
        for item in items:
            rect = item.sceneBoundingRect()
            corner = self.to_map(rect.topLeft())
            size = rect.size() * self._scale()
            painter.fillRect(
                QRectF(corner.x(), corner.y(), max(1.5, size.width()), max(1.5, size.height())), item.colour
            )
        painter.end()

    # ---- moving the view -------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._centre_at(event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._centre_at(event.position())

    def _centre_at(self, point: QPointF) -> None:
        if not self._bounds.isEmpty():
            self._view.centerOn(self.to_scene(point))
            self.update()
