"""A connection on the canvas: a curve from an output port to an input port, labelled with its tensor shape."""

from __future__ import annotations

import math
from functools import cache, lru_cache
from typing import NamedTuple

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsSceneHoverEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from designer.core.design import Connection
from designer.ui import theme

SKIP_DISTANCE = 2.2 * theme.BLOCK_WIDTH
"""An edge longer than this passes over blocks in between, so it arches clear of them."""
RETURN_REACH = 60.0
"""How far an edge back to an earlier row swings out beside its ends."""
BOUNDS_PEN_WIDTH = 9.0


def curve(start: QPointF, end: QPointF, arch: float = 0.0) -> QPainterPath:
    """A horizontal S-curve from ``start`` to ``end``, bending more the further back it has to go.

    A long edge (a skip connection) arches away from the row it spans: down when ``arch`` is
    positive, up when it is negative, not at all when it is zero.
    """
    span = end.x() - start.x()
    if span < 0 and abs(end.y() - start.y()) > theme.BLOCK_MIN_HEIGHT:
        return _return_curve(start, end)
    bend = max(40.0, abs(span) / 2, -span * 0.6)
    lift = 0.0
    if arch and span > SKIP_DISTANCE:
        # Leave steeply and travel flat, so the curve clears the blocks next to both ends.
        bend, lift = 70.0, math.copysign(min(150.0, 70.0 + span * 0.04), arch)
    path = QPainterPath(start)
    path.cubicTo(QPointF(start.x() + bend, start.y() + lift), QPointF(end.x() - bend, end.y() + lift), end)
    return path


def _return_curve(start: QPointF, end: QPointF) -> QPainterPath:
    """Back to the left on another row (a wrapped layout): out right, along the gap between the rows, in left."""
    middle = (start.y() + end.y()) / 2
    path = QPainterPath(start)
    path.cubicTo(
        QPointF(start.x() + RETURN_REACH, start.y()),
        QPointF(start.x() + RETURN_REACH, middle),
        QPointF(start.x(), middle),
    )
    path.lineTo(QPointF(end.x(), middle))
    path.cubicTo(QPointF(end.x() - RETURN_REACH, middle), QPointF(end.x() - RETURN_REACH, end.y()), end)
    return path


class EdgeLabel(QGraphicsPathItem):
    """The shape of the tensor on an edge, e.g. ``N×64×5×5``, on a small rounded tag.

    An edit can relabel thousands of edges, so a new text costs little: the text is drawn here rather than
    laid out by a child text item, and tags as wide share one outline (the scene has no new geometry to index).
    """

    def __init__(self, parent: QGraphicsItem) -> None:
        super().__init__(parent)
        self.setPen(QPen(theme.EDGE_LABEL_BORDER, 1.0))
        self.setBrush(theme.EDGE_LABEL_FILL)
        self._shown = ""
        self._tag: Tag | None = None

    def text(self) -> str:
        return self._shown

    def set_text(self, text: str) -> None:
        if text == self._shown:
            return
        self._shown = text
        tag = _tag_around(text)
        if tag is not self._tag:
            self._tag = tag
            self.setPath(tag.outline)
        self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        super().paint(painter, option, widget)
        if self._tag is not None:
            painter.setFont(_label_font())
            painter.setPen(theme.TEXT)
            painter.drawText(self._tag.text_box, Qt.AlignmentFlag.AlignCenter, self._shown)


class Tag(NamedTuple):
    """The look of a label, shared by all labels whose texts are as wide."""

    outline: QPainterPath
    """A rounded box centred on the origin."""
    text_box: QRectF
    """Where the text goes in it."""


@cache
def _label_font() -> QFont:
    return theme.font(7.5)


@lru_cache(maxsize=4096)
def _tag_around(text: str) -> Tag:
    """The tag that fits ``text`` (texts change with every edit; their widths mostly do not)."""
    return _tag(math.ceil(QFontMetricsF(_label_font()).horizontalAdvance(text)))


@cache
def _tag(width: int) -> Tag:
    """The tag around a text ``width`` pixels wide."""
    height = QFontMetricsF(_label_font()).height()
    box = QRectF(-width / 2 - 5, -height / 2 - 1.5, width + 10, height + 3)
    outline = QPainterPath()
    outline.addRoundedRect(box, box.height() / 2, box.height() / 2)
    return Tag(outline, box.adjusted(5, 1.5, -5, -1.5))


class EdgeItem(QGraphicsPathItem):
    """The canvas face of one connection."""

    def __init__(self, connection: Connection) -> None:
        super().__init__()
        self.connection = connection
        self._hovered = False
        self.label = EdgeLabel(self)
        self.label.hide()
        self._shape_text: str | None = None
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        # Never drawn (paint chooses its own pens); its width makes Qt's own bounding rect room for the widest.
        self.setPen(QPen(Qt.GlobalColor.transparent, BOUNDS_PEN_WIDTH))
        self.setAcceptHoverEvents(True)
        self.setZValue(0)

    def set_ends(self, start: QPointF, end: QPointF, arch: float = -1.0) -> None:
        """Redraw the curve between two port positions (scene coordinates); see :func:`curve` for ``arch``."""
        path = curve(start, end, arch)
        self.setPath(path)
        self.label.setPos(path.pointAtPercent(0.5))

    def set_shape_text(self, text: str) -> None:
        """Show the tensor shape flowing along the edge; empty hides the tag."""
        if text == self._shape_text:
            return
        if bool(text) != bool(self._shape_text):
            self.label.setVisible(bool(text))
        self._shape_text = text
        self.label.set_text(text)

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(12)
        return stroker.createStroke(self.path())

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.isSelected():
            pen = QPen(theme.SELECTION, 2.6)
        else:
            pen = QPen(theme.EDGE.darker(130) if self._hovered else theme.EDGE, 2.2 if self._hovered else 1.8)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self.path())

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self._hovered = True
        # Set here rather than with every new shape: an edit may relabel thousands of edges.
        self.setToolTip(self._shape_text or "shape unknown: see the problems list")
        self.update()

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self._hovered = False
        self.update()
