"""A line of muted text in an empty list or table, saying what will show there and how to get it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QAbstractItemView

MARGIN = 10


def paint_empty_hint(view: QAbstractItemView, text: str) -> None:
    """Draw ``text`` in ``view``'s viewport when the view has no rows (call it at the end of ``paintEvent``)."""
    model = view.model()
    if model is None or model.rowCount() > 0:
        return
    painter = QPainter(view.viewport())
    painter.setPen(view.palette().color(QPalette.ColorRole.PlaceholderText))
    area = view.viewport().rect().adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
    painter.drawText(area, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap, text)
    painter.end()
