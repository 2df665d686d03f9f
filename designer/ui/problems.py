"""The problem list: every error and warning of the design; choosing one selects its block."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyle, QTreeWidget, QTreeWidgetItem, QWidget

from designer.core.inference import Problem
from designer.ui.empty_hint import paint_empty_hint

_BLOCK_ROLE = Qt.ItemDataRole.UserRole


EMPTY_HINT = "No problems: every block's shapes and settings check out."


class ProblemList(QTreeWidget):
    """Emits ``block_chosen(block_id)`` when a problem that belongs to a block is clicked."""

    block_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setColumnCount(3)
        self.setHeaderLabels(["Block", "Problem", "How to fix"])
        self.setRootIsDecorated(False)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(True)
        header = self.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.setColumnWidth(1, 420)
        self.itemClicked.connect(self._on_clicked)
        self.itemActivated.connect(self._on_clicked)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        paint_empty_hint(self, EMPTY_HINT)

    def show_problems(self, problems: list[Problem]) -> None:
        """Replace the list with ``problems``, errors first."""
        self.clear()
        style = self.style()
        icons = {
            "error": style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical),
            "warning": style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning),
        }
        for problem in sorted(problems, key=lambda p: p.severity != "error"):
            item = QTreeWidgetItem([problem.block or "design", problem.message, problem.fix or ""])
            item.setIcon(0, icons[problem.severity])
            item.setData(0, _BLOCK_ROLE, problem.block_id or "")
            for column in range(3):
                item.setToolTip(column, str(problem))
            self.addTopLevelItem(item)

    def _on_clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        block_id = item.data(0, _BLOCK_ROLE)
        if block_id:
            self.block_chosen.emit(block_id)
