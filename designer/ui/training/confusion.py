"""The confusion matrix of the latest validation, as a heat-map table with per-class recall and precision.

Rows are true classes and columns predicted ones; each cell is shaded by its share of its row, so a good
classifier shows a dark diagonal. The last column is each class's recall, the last row its precision.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPaintEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from designer.ui import theme
from designer.ui.empty_hint import paint_empty_hint

EMPTY_HINT = "The confusion matrix of the validation set shows here after each epoch of a classification run."


class ConfusionTable(QTableWidget):
    """Shows the confusion matrix, precision and recall of an epoch event."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setShowGrid(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)  # "100" fits a narrow column when not elided
        # Ten classes and their recall fit a narrow dock: columns share the width, rows are one small line.
        self.setStyleSheet("QTableWidget { font-size: 8pt; } QTableWidget::item { padding: 0px; }")
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setMinimumSectionSize(22)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.verticalHeader().setMinimumSectionSize(16)
        self.setToolTip("Rows: true class · columns: predicted class (validation set)")
        self._names: list[str] = []
        self._shown: tuple[dict[str, Any], list[str]] = ({}, [])
        self.show_epoch({}, [])

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        paint_empty_hint(self, EMPTY_HINT)

    def recolour(self) -> None:
        """Shade the cells in the theme's colours again (call it when the theme changes)."""
        self.show_epoch(*self._shown)

    def show_epoch(self, epoch: dict[str, Any], class_names: list[str]) -> None:
        """Fill the table from ``epoch`` (an epoch event); empty when it has no confusion matrix."""
        self._shown = (epoch, class_names)
        matrix = epoch.get("confusion") or []
        names = list(class_names) or [str(i) for i in range(len(matrix))]
        if not matrix or len(names) != len(matrix):
            self.clear()
            self.setRowCount(0)
            self.setColumnCount(0)
            self._names = []
            return
        size, colours = len(matrix), theme.scheme()
        empty, full, summary = QColor(colours.field), QColor(colours.heat), QColor(colours.panel_title)
        if self.rowCount() != size + 1 or self._names != names:
            self.clear()
            self.setRowCount(size + 1)
            self.setColumnCount(size + 1)
            # The % sign goes in the headers: "100%" would not fit a tenth of a narrow dock.
            self.setVerticalHeaderLabels([*names, "precision %"])
            self.setHorizontalHeaderLabels([*names, "recall %"])
            self.horizontalHeader().setSectionResizeMode(size, QHeaderView.ResizeMode.ResizeToContents)
            self._names = names
        for row, counts in enumerate(matrix):
            total = sum(counts) or 1
            for column, count in enumerate(counts):
                self._cell(row, column, str(count), _shade(count / total, empty, full))
        for column, value in enumerate(epoch.get("precision") or []):
            self._cell(size, column, _percent(value), summary)
        for row, value in enumerate(epoch.get("recall") or []):
            self._cell(row, size, _percent(value), summary)
        self._cell(size, size, "", summary)

    def _cell(self, row: int, column: int, text: str, background: QColor) -> None:
        item = self.item(row, column)
        if item is None:  # items are reused from epoch to epoch: creating them is what costs
            item = QTableWidgetItem()
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.setItem(row, column, item)
        item.setText(text)
        item.setBackground(background)
        item.setForeground(QColor("#ffffff") if background.lightnessF() < 0.55 else QColor("#111827"))


def _shade(share: float, empty: QColor, full: QColor) -> QColor:
    """``empty`` for none of the row, ``full`` for all of it."""
    share = min(max(share, 0.0), 1.0) ** 0.6  # lifts small counts so that mistakes stay visible
    return QColor.fromRgbF(
        empty.redF() + (full.redF() - empty.redF()) * share,
        empty.greenF() + (full.greenF() - empty.greenF()) * share,
        empty.blueF() + (full.blueF() - empty.blueF()) * share,
    )


def _percent(value: Any) -> str:
    return f"{100 * value:.0f}" if isinstance(value, (int, float)) else "–"
