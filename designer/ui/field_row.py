"""A text field with a button beside it (Browse…, Choose…), as the export and import dialogs use."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget


def field_with_button(field: QWidget, text: str, slot: Callable[[], object]) -> QWidget:
    """``field`` taking the row's spare width, and a button labelled ``text`` that calls ``slot``."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(field, 1)
    button = QPushButton(text)
    button.clicked.connect(slot)
    layout.addWidget(button)
    return row
