"""A block on the canvas: a rounded card with its name and kind, input ports left and output ports right."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsSceneHoverEvent,
    QGraphicsSimpleTextItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

from designer.core.design import Block
from designer.core.inference import Problem
from designer.ui import icons, theme

_TEXT_LEFT = 16.0
OVERLAY_ALPHA = 90
"""How strongly an opaque overlay colour tints the block, so that its name stays readable."""


class PortItem(QGraphicsItem):
    """One input or output port: a small circle on the edge of its block."""

    def __init__(self, parent: BlockItem, name: str, is_output: bool) -> None:
        super().__init__(parent)
        self.block_item, self.name, self.is_output = parent, name, is_output
        self.connected = False
        self.highlighted = False
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setZValue(2)

    @property
    def block_id(self) -> str:
        return self.block_item.block_id

    def boundingRect(self) -> QRectF:
        r = theme.PORT_RADIUS + 3
        return QRectF(-r, -r, 2 * r, 2 * r)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        colour = self.block_item.colour
        radius = theme.PORT_RADIUS + (2 if self.highlighted else 0)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(theme.SELECTION if self.highlighted else colour.darker(115), 1.6))
        painter.setBrush(colour if self.connected or self.highlighted else theme.BLOCK_FILL)
        painter.drawEllipse(QPointF(0, 0), radius, radius)

    def set_highlighted(self, on: bool) -> None:
        if on != self.highlighted:
            self.highlighted = on
            self.update()

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self.set_highlighted(True)

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self.set_highlighted(False)


class BlockItem(QGraphicsItem):
    """The canvas face of one block; its position is the block's centre."""

    def __init__(self, block: Block, on_moved: Callable[[BlockItem], None]) -> None:
        super().__init__()
        self.block_id = block.id
        self._on_moved = on_moved
        self.colour = theme.category_colour(block.spec.category)
        self.inputs: dict[str, PortItem] = {}
        self.outputs: dict[str, PortItem] = {}
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self._height = theme.BLOCK_MIN_HEIGHT
        self._name = QGraphicsSimpleTextItem(self)
        self._name.setFont(theme.font(9.5, bold=True))
        self._name.setBrush(theme.TEXT)
        self._kind = QGraphicsSimpleTextItem(self)
        self._kind.setFont(theme.font(8.0))
        self._kind.setBrush(theme.TEXT_MUTED)
        self.overlay: QColor | None = None
        self.caption = QGraphicsSimpleTextItem(self)
        self.caption.setFont(theme.font(7.5))
        self.caption.setBrush(theme.TEXT)
        self.caption.hide()
        self.detailed = True
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
        )
        self.setZValue(1)
        self.set_block(block)
        self.setPos(*block.position)

    # ---- following the model -------------------------------------------------------------
    def set_block(self, block: Block) -> None:
        """Show ``block``'s current name, kind and ports."""
        self.block = block
        ports = block.spec.input_ports(block.params)
        count = max(len(ports), len(block.spec.outputs), 1)
        self.prepareGeometryChange()
        self._height = max(theme.BLOCK_MIN_HEIGHT, 20.0 + count * theme.PORT_SPACING)
        # Qt asks for these several times per repaint, for every block: work them out once.
        self._body = QRectF(-theme.BLOCK_WIDTH / 2, -self._height / 2, theme.BLOCK_WIDTH, self._height)
        self._bounds = self._body.adjusted(-6, -6, 7, 8)
        self._sync_ports(self.inputs, ports, is_output=False)
        self._sync_ports(self.outputs, block.spec.outputs, is_output=True)
        self._layout_text()
        self.update_tooltip()

    def set_problems(self, problems: list[Problem]) -> None:
        """Outline the block red for errors (amber for warnings) and list them in its tooltip."""
        errors = [p for p in problems if p.severity == "error"]
        warnings = [p for p in problems if p.severity == "warning"]
        if (errors, warnings) != (self.errors, self.warnings):
            self.errors, self.warnings = errors, warnings
            self.update_tooltip()
            self.update()

    def set_overlay(self, color: QColor | None, text: str | None) -> None:
        """Tint the block with ``color`` and show ``text`` as a small caption under it (e.g. a gradient norm).

        ``None`` clears each of them.
        """
        self.overlay = None if color is None else QColor(color)
        if self.overlay is not None and self.overlay.alpha() == 255:
            self.overlay.setAlpha(OVERLAY_ALPHA)
        self.caption.setText(text or "")
        self.caption.setVisible(bool(text) and self.detailed)
        self.update()

    def set_detailed(self, detailed: bool) -> None:
        """Far out, show only a plain rectangle: no texts, no ports (see :meth:`DesignScene.set_detailed`)."""
        if detailed == self.detailed:
            return
        self.detailed = detailed
        for child in (self._name, self._kind, *self.inputs.values(), *self.outputs.values()):
            child.setVisible(detailed)
        self.caption.setVisible(detailed and bool(self.caption.text()))
        self.update()

    def port_position(self, port: PortItem) -> QPointF:
        """Where edges attach to ``port``, in scene coordinates."""
        return port.scenePos()

    # ---- drawing --------------------------------------------------------------------------
    def body(self) -> QRectF:
        return QRectF(self._body)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self.body(), theme.BLOCK_RADIUS, theme.BLOCK_RADIUS)
        return path

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if not self.detailed:
            self._paint_plain(painter)
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        body, radius = self.body(), theme.BLOCK_RADIUS
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(theme.BLOCK_SHADOW)
        painter.drawRoundedRect(body.translated(0, 2.5), radius, radius)
        outline = QPainterPath()
        outline.addRoundedRect(body, radius, radius)
        painter.fillPath(outline, QBrush(theme.BLOCK_FILL))
        band = QPainterPath()
        band.addRect(QRectF(body.left(), body.top(), 6, body.height()))
        painter.fillPath(outline.intersected(band), QBrush(self.colour))
        if self._name.pos().x() + self._name.boundingRect().width() + 4 <= self.icon_rect().left():
            icons.paint_category_icon(painter, self.block.spec.category, self.icon_rect())  # vector, for export too
        if self.overlay is not None:
            painter.fillPath(outline, QBrush(self.overlay))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if self.isSelected():
            halo = QColor(theme.SELECTION)
            halo.setAlpha(90)
            painter.setPen(QPen(halo, 3.0))
            painter.drawRoundedRect(body.adjusted(-2.5, -2.5, 2.5, 2.5), radius + 2.5, radius + 2.5)
        painter.setPen(self._outline_pen())
        painter.drawRoundedRect(body, radius, radius)

    def icon_rect(self) -> QRectF:
        """Where the category icon sits, unless a long name needs the room: the top right corner."""
        body = self.body()
        return QRectF(body.right() - 20, body.top() + 7, 13, 13)

    def _paint_plain(self, painter: QPainter) -> None:
        """A filled rectangle in the category colour (the tint over it), outlined only for errors or selection."""
        body = self.body()
        painter.fillRect(body, self.colour)
        if self.overlay is not None:
            painter.fillRect(body, self.overlay)
        if self.errors or self.isSelected():
            pen = QPen(theme.ERROR if self.errors else theme.SELECTION, 3.0)
            pen.setCosmetic(True)  # as thick at any zoom
            painter.setPen(pen)
            painter.drawRect(body)

    def _outline_pen(self) -> QPen:
        """Red for errors and amber for warnings, even when selected (the halo shows selection)."""
        if self.errors:
            return QPen(theme.ERROR, 2.0)
        if self.warnings:
            return QPen(theme.WARNING, 1.6, Qt.PenStyle.DashLine)
        if self.isSelected():
            return QPen(theme.SELECTION, 2.0)
        return QPen(theme.BLOCK_BORDER, 1.0)

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: object) -> object:
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            self._on_moved(self)
        return super().itemChange(change, value)

    # ---- helpers --------------------------------------------------------------------------
    def _sync_ports(self, ports: dict[str, PortItem], names: tuple[str, ...], is_output: bool) -> None:
        for name in [n for n in ports if n not in names]:
            port = ports.pop(name)
            port.setParentItem(None)
            if port.scene() is not None:
                port.scene().removeItem(port)
        x = theme.BLOCK_WIDTH / 2 if is_output else -theme.BLOCK_WIDTH / 2
        for i, name in enumerate(names):
            port = ports.get(name) or PortItem(self, name, is_output)
            port.setVisible(self.detailed)
            ports[name] = port
            port.setPos(x, (i - (len(names) - 1) / 2) * theme.PORT_SPACING)

    def _layout_text(self) -> None:
        room = int(theme.BLOCK_WIDTH - _TEXT_LEFT - 10)
        for item, text in ((self._name, self.block.name), (self._kind, self.block.kind)):
            item.setText(QFontMetrics(item.font()).elidedText(text, Qt.TextElideMode.ElideRight, room))
        name_h, kind_h = self._name.boundingRect().height(), self._kind.boundingRect().height()
        top = -(name_h + kind_h) / 2
        left = -theme.BLOCK_WIDTH / 2 + _TEXT_LEFT
        self._name.setPos(left, top)
        self._kind.setPos(left, top + name_h)
        self.caption.setPos(-theme.BLOCK_WIDTH / 2 + 2, self._height / 2 + 3)

    def update_tooltip(self) -> None:
        """Name, help and problems, problems in the theme's colours (call it again when the theme changes)."""
        block, colours = self.block, theme.scheme()
        lines = [f"<b>{block.name}</b> · {block.kind}", html.escape(block.spec.help)]
        lines += [f"<span style='color:{colours.error_text}'>⛔ {_problem_text(p)}</span>" for p in self.errors]
        lines += [f"<span style='color:{colours.warning_text}'>⚠ {_problem_text(p)}</span>" for p in self.warnings]
        self.setToolTip("<br>".join(lines))
        for port in [*self.inputs.values(), *self.outputs.values()]:
            port.setToolTip(f"{'output' if port.is_output else 'input'} {port.name} of {block.name}")


def _problem_text(problem: Problem) -> str:
    return html.escape(problem.message + (f" — fix: {problem.fix}" if problem.fix else ""))
