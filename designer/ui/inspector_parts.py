"""Pieces the inspector's pages share: labels styled by their object name, and the form layout."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel


def form() -> QFormLayout:
    """A form with labels on the left, as in the dataset and training forms, and fields taking the width."""
    layout = QFormLayout()
    layout.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
    layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    layout.setHorizontalSpacing(10)
    layout.setVerticalSpacing(6)
    return layout


def label(text: str, object_name: str) -> QLabel:
    """A wrapped, selectable label that the style sheet styles by ``object_name`` (``inspectorTitle``, …)."""
    widget = QLabel(text)
    widget.setObjectName(object_name)
    widget.setWordWrap(True)
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return widget
