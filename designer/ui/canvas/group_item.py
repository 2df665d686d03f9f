"""Groups on the canvas: a collapsed group as one box, an expanded one as a rounded frame behind its blocks."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsSceneMouseEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from designer.ui import theme

BOX_WIDTH = theme.BLOCK_WIDTH  # as wide as a block: the layout leaves room for a block's shape labels beside it
BOX_HEIGHT = 62.0
TITLE_HEIGHT = 22.0
FRAME_PAD = (44.0, 14.0 + TITLE_HEIGHT, 44.0, 22.0)
"""Room round each block of an expanded group (left, top, right, bottom): the name tag fits above a block, and the
rooms of neighbours in a laid-out row or column meet, so that they are framed together."""
NESTED_PAD = (10.0, TITLE_HEIGHT, 10.0, 10.0)
"""How much further out a frame goes than the frame of a group inside it: above, by a name tag's height."""
_BUTTON = 16.0
_ROW = 60.0

Toggle = Callable[[str], None]


def group_colour(alpha: int = 255) -> QColor:
    colour = QColor(theme.SELECTION)
    colour.setAlpha(alpha)
    return colour


def _paint_button(painter: QPainter, rect: QRectF, sign: str) -> None:
    """The small square with + (expand) or − (collapse)."""
    painter.setPen(QPen(group_colour(), 1.2))
    painter.setBrush(theme.BLOCK_FILL)
    painter.drawRoundedRect(rect, 3, 3)
    middle = rect.center()
    half = rect.width() / 2 - 4
    painter.drawLine(QPointF(middle.x() - half, middle.y()), QPointF(middle.x() + half, middle.y()))
    if sign == "+":
        painter.drawLine(QPointF(middle.x(), middle.y() - half), QPointF(middle.x(), middle.y() + half))


class GroupBoxItem(QGraphicsItem):
    """A collapsed group: its name, how many blocks and parameters it holds, and a + that expands it.

    Double-click or the + asks ``toggle(name)``; dragging it asks ``moved(item, shift)`` to carry its blocks along.
    """

    def __init__(self, name: str, toggle: Toggle, moved: Callable[[GroupBoxItem, QPointF], None]) -> None:
        super().__init__()
        self.name = name
        self._toggle, self._moved = toggle, moved
        self.block_count, self.params = 0, 0
        self.has_errors = False
        self._placing = False
        self._at = QPointF()
        self._body = QRectF(-BOX_WIDTH / 2, -BOX_HEIGHT / 2, BOX_WIDTH, BOX_HEIGHT)
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
        )
        self.setZValue(1)

    @property
    def colour(self) -> QColor:
        """Its colour in the minimap."""
        return group_colour()

    def set_contents(self, block_count: int, params: int, has_errors: bool) -> None:
        if (block_count, params, has_errors) != (self.block_count, self.params, self.has_errors):
            self.block_count, self.params, self.has_errors = block_count, params, has_errors
            self._set_tooltip()
            self.update()

    def rename(self, name: str) -> None:
        self.name = name
        self._set_tooltip()
        self.update()

    def _set_tooltip(self) -> None:
        name = html.escape(self.name)
        self.setToolTip(f"<b>{name}</b><br>{self._counts()}<br>double-click or + to expand, F2 to rename")

    def place(self, centre: QPointF) -> bool:
        """Move to ``centre`` without carrying the blocks (they are already there); whether it moved."""
        if centre == self.pos():
            return False
        self._placing = True
        self.setPos(centre)
        self._at = self.pos()
        self._placing = False
        return True

    def input_point(self) -> QPointF:
        return self.mapToScene(QPointF(self._body.left(), 0))

    def output_point(self) -> QPointF:
        return self.mapToScene(QPointF(self._body.right(), 0))

    def button_rect(self) -> QRectF:
        return QRectF(self._body.right() - _BUTTON - 7, self._body.top() + 7, _BUTTON, _BUTTON)

    def boundingRect(self) -> QRectF:
        return self._body.adjusted(-4, -4, 10, 10)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        body, radius = self._body, theme.BLOCK_RADIUS
        painter.setPen(QPen(group_colour(120), 1.0))
        painter.setBrush(theme.BLOCK_FILL)
        for shift in (6.0, 3.0):  # a stack of cards: several blocks behind this one
            painter.drawRoundedRect(body.translated(shift, shift), radius, radius)
        painter.setBrush(theme.BLOCK_FILL)
        painter.setPen(self._outline_pen())
        painter.drawRoundedRect(body, radius, radius)
        painter.fillRect(QRectF(body.left() + 1, body.top() + radius, 5, body.height() - 2 * radius), group_colour())
        _paint_button(painter, self.button_rect(), "+")
        room = int(body.width() - 40)
        painter.setPen(theme.TEXT)
        painter.setFont(theme.font(9.5, bold=True))
        name = QFontMetrics(painter.font()).elidedText(self.name, Qt.TextElideMode.ElideMiddle, room)
        painter.drawText(QRectF(body.left() + 14, body.top() + 8, room, 18), name)
        painter.setPen(theme.TEXT_MUTED)
        painter.setFont(theme.font(8.0))
        painter.drawText(QRectF(body.left() + 14, body.top() + 27, body.width() - 20, 16), f"{self.block_count} blocks")
        params = f"{format_params(self.params)} params"
        painter.drawText(QRectF(body.left() + 14, body.top() + 42, body.width() - 20, 16), params)

    def _counts(self) -> str:
        return f"{self.block_count} blocks · {format_params(self.params)} params"

    def _outline_pen(self) -> QPen:
        if self.has_errors:
            return QPen(theme.ERROR, 2.0)
        return QPen(theme.SELECTION if self.isSelected() else group_colour(200), 2.0 if self.isSelected() else 1.4)

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.button_rect().contains(event.pos()):
            event.accept()
            self._toggle(self.name)
            return
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        event.accept()
        self._toggle(self.name)

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: object) -> object:
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged and not self._placing:
            shift, self._at = self.pos() - self._at, self.pos()
            self._moved(self, shift)
        return super().itemChange(change, value)


class GroupFrameItem(QGraphicsItem):
    """An expanded group: a rounded outline around its blocks, with a name tag and a − that collapses it in a corner.

    The outline follows the blocks: in a layout wrapped into rows a group's blocks need not fill a rectangle, and
    a frame round their bounding box would seem to hold blocks that are not in the group. Clicking the name tag
    selects the group; double-clicking it asks ``rename(name)``.
    """

    def __init__(self, name: str, toggle: Toggle, rename: Callable[[str], None]) -> None:
        super().__init__()
        self._toggle, self._rename = toggle, rename
        self._outline = QPainterPath()
        self._corner = QPointF()
        self.setZValue(-1)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self._set_name(name)

    def rename(self, name: str) -> None:
        self.prepareGeometryChange()  # the name tag is as wide as the name
        self._set_name(name)

    def _set_name(self, name: str) -> None:
        self.name = name
        self.setToolTip(
            f"group {name}: click − to collapse it, its name to select it, double-click its name to rename it"
        )

    def set_pieces(self, pieces: list[QRectF]) -> None:
        """Outline the union of ``pieces`` (scene rectangles, each with room for the name tag above its blocks)."""
        path = QPainterPath()
        path.setFillRule(Qt.FillRule.WindingFill)
        for piece in pieces:
            path.addRoundedRect(piece, 12, 12)
        self.prepareGeometryChange()
        self._outline = path.simplified()
        # The first block of the top row: a frame inside reaches a little higher, but its name goes on its own first.
        first = min(pieces, key=lambda r: (round(r.top() / _ROW), r.left())) if pieces else QRectF()
        self._corner = first.topLeft()

    def rect(self) -> QRectF:
        """The outline's bounding rectangle."""
        return self._outline.boundingRect()

    def outline(self) -> QPainterPath:
        return QPainterPath(self._outline)

    def title_rect(self) -> QRectF:
        width = QFontMetrics(theme.font(8.5, bold=True)).horizontalAdvance(self.name) + 40
        return QRectF(self._corner.x() + 6, self._corner.y() + 5, width, TITLE_HEIGHT - 6)

    def button_rect(self) -> QRectF:
        title = self.title_rect()
        return QRectF(title.left() + 3, title.top() + 1, title.height() - 2, title.height() - 2)

    def boundingRect(self) -> QRectF:
        return self.rect().united(self.title_rect()).adjusted(-2, -2, 2, 2)

    def shape(self) -> QPainterPath:
        """Only the name tag takes clicks: the blocks and the empty canvas behind the frame keep theirs."""
        path = QPainterPath()
        path.addRect(self.title_rect())
        return path

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        selected = self.isSelected()
        outline = QPen(theme.SELECTION, 2.0) if selected else QPen(group_colour(150), 1.2, Qt.PenStyle.DashLine)
        painter.setPen(outline)
        painter.setBrush(group_colour(30 if selected else 18))
        painter.drawPath(self._outline)
        title = self.title_rect()
        painter.setPen(QPen(theme.SELECTION, 1.5) if selected else Qt.PenStyle.NoPen)
        painter.setBrush(group_colour(40))
        painter.drawRoundedRect(title, 4, 4)
        _paint_button(painter, self.button_rect(), "−")
        painter.setPen(theme.TEXT)
        painter.setFont(theme.font(8.5, bold=True))
        painter.drawText(title.adjusted(title.height() + 4, 0, -4, 0), Qt.AlignmentFlag.AlignVCenter, self.name)

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.button_rect().contains(event.pos()):
            event.accept()
            self._toggle(self.name)
            return
        super().mousePressEvent(event)  # selects the group

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        event.accept()
        self._rename(self.name)


def format_params(count: int) -> str:
    """``74,123`` → ``74.1k``."""
    for scale, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if count >= scale:
            return f"{count / scale:.3g}{suffix}"
    return str(count)
