"""The gradient table (norm of each block's gradient and weights) and the colour bar of the canvas tint."""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QLinearGradient, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from designer.ui import theme
from designer.ui.empty_hint import paint_empty_hint
from designer.ui.training.gradient_scale import STOPS, GradientScale, format_norm

_TIPS = (
    "Blocks with weights, in design order",
    "Norm of the gradient of the block's weights at the latest report (the colour of the canvas tint). A run "
    "reports on its first step, at most every 0.25 s while it trains, and on the last step of its last epoch",
    "Norm of the block's weights",
    "Gradient norm over weight norm: how large a step the gradient asks for, relative to the weights",
)
_COLUMNS = ("Block", "‖gradient‖", "‖weights‖", "ratio")


EMPTY_HINT = "Gradient and weight norms of each block show here while a run trains."


class GradientTable(QTableWidget):
    """One row per block with weights, in design order, its gradient-norm cell in the canvas colour."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(_COLUMNS), parent)
        self.setHorizontalHeaderLabels(list(_COLUMNS))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(True)
        for column, tip in enumerate(_TIPS):
            self.horizontalHeaderItem(column).setToolTip(tip)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        paint_empty_hint(self, EMPTY_HINT)

    def show_gradients(self, gradients: dict[str, dict[str, float]], order: list[str], scale: GradientScale) -> None:
        """Rows for ``gradients`` (by block name), in ``order`` where a block is in it."""
        names = sorted(gradients, key=lambda n: order.index(n) if n in order else len(order))
        self.setRowCount(len(names))
        for row, name in enumerate(names):
            stats = gradients[name]
            grad, weight = _float(stats.get("grad_norm")), _float(stats.get("weight_norm"))
            ratio = grad / weight if weight else math.nan
            texts = (name, format_norm(grad), format_norm(weight), "–" if math.isnan(ratio) else format_norm(ratio))
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(row, column, item)
            swatch = self.item(row, 1)
            colour = scale.colour(grad)
            swatch.setBackground(colour)
            swatch.setForeground(QColor("#ffffff") if colour.lightnessF() < 0.5 else QColor("#111827"))


class ColourBar(QWidget):
    """The legend of the canvas tint: the colour ramp with the powers of ten at its ends and between."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scale = GradientScale()
        self.setFixedSize(170, 30)
        self.setToolTip("Blocks on the canvas are tinted by the norm of their gradient (log scale)")

    def set_scale(self, scale: GradientScale) -> None:
        if scale != self.scale:
            self.scale = scale
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        bar = QRectF(8, 4, self.width() - 16, 12)
        ramp = QLinearGradient(bar.topLeft(), bar.topRight())
        for position, colour in STOPS:
            ramp.setColorAt(position, QColor(colour))
        colours = theme.scheme()  # read at each paint: the theme can change
        painter.setPen(QColor(colours.block_border))
        painter.setBrush(ramp)
        painter.drawRoundedRect(bar, 3, 3)
        painter.setPen(QColor(colours.help_text))
        font = painter.font()
        font.setPointSizeF(7.5)
        painter.setFont(font)
        decades = self.scale.high - self.scale.low
        widest = painter.fontMetrics().horizontalAdvance(f"1e{self.scale.low}") + 6
        every = max(1, math.ceil((decades + 1) * widest / bar.width()))  # labels that fit side by side
        for i in range(0, decades + 1, every):
            x = bar.left() + bar.width() * i / decades
            label = f"1e{self.scale.low + i}"
            width = painter.fontMetrics().horizontalAdvance(label)
            left = min(max(x - width / 2, 0), self.width() - width)
            painter.drawText(QRectF(left, bar.bottom() + 1, width + 2, 13), label)
        painter.end()


def _float(value: object) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else math.nan
