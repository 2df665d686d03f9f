"""What a loaded dataset looks like: counts per split and class, the notes, and a few samples with labels."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.training.data.preview import Sample, preview
from designer.training.dataset import Dataset

THUMBNAIL = 56
THUMBNAILS_PER_ROW = 4
TABLE_VALUES = 6
"""Values of a sample shown in a preview row; longer samples end in an ellipsis."""


class DatasetView(QWidget):
    """Shows one loaded :class:`Dataset`; :meth:`show_dataset` replaces what is shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.summary = _wrapping_label()
        self.counts = _table()
        self.notes = _wrapping_label()
        self.notes.setObjectName("datasetNotes")
        self.thumbnails = QWidget()
        self._grid = QGridLayout(self.thumbnails)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(6)
        self.rows = _table()
        for widget in (self.summary, self.thumbnails, self.rows, self.counts, self.notes):
            layout.addWidget(widget)
        self.show_dataset(None)

    def show_dataset(self, dataset: Dataset | None) -> None:
        for widget in (self.summary, self.counts, self.notes, self.thumbnails, self.rows):
            widget.setVisible(dataset is not None)
        if dataset is None:
            return
        shape = "×".join(str(d) for d in dataset.sample_shape)
        self.summary.setText(
            f"<b>{dataset.name}</b>: {dataset.description}<br>{len(dataset.x_train):,} training and "
            f"{len(dataset.x_val):,} validation samples of {shape} ({dataset.input_kind}); task: {dataset.task}"
        )
        self._show_counts(dataset)
        self.notes.setText("".join(f"• {note}<br>" for note in dataset.notes))
        samples = preview(dataset)
        is_image = dataset.input_kind == "image"
        self.thumbnails.setVisible(is_image)
        self.rows.setVisible(not is_image)
        if is_image:
            self._show_thumbnails(samples)
        else:
            self._show_rows(samples)

    def _show_counts(self, dataset: Dataset) -> None:
        self.counts.setVisible(dataset.task == "classification")
        if dataset.task != "classification":
            return
        classes = len(dataset.class_names)
        train = np.bincount(dataset.y_train, minlength=classes)
        val = np.bincount(dataset.y_val, minlength=classes)
        _fill(
            self.counts,
            ["class", "training", "validation"],
            [[name, f"{t:,}", f"{v:,}"] for name, t, v in zip(dataset.class_names, train, val, strict=True)],
        )

    def _show_thumbnails(self, samples: list[Sample]) -> None:
        while self._grid.count():
            item = self._grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        for i, sample in enumerate(samples):
            cell = QLabel()
            cell.setPixmap(thumbnail(sample.x))
            cell.setAlignment(Qt.AlignmentFlag.AlignCenter)
            caption = QLabel(sample.label)
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            row, column = divmod(i, THUMBNAILS_PER_ROW)
            self._grid.addWidget(cell, 2 * row, column)
            self._grid.addWidget(caption, 2 * row + 1, column)

    def _show_rows(self, samples: list[Sample]) -> None:
        width = min(TABLE_VALUES, samples[0].x.size) if samples else 0
        more = bool(samples) and samples[0].x.size > TABLE_VALUES
        header = [f"x{i}" for i in range(width)] + (["…"] if more else []) + ["label"]
        rows = [[_value_text(v) for v in s.x.ravel()[:width]] + (["…"] if more else []) + [s.label] for s in samples]
        _fill(self.rows, header, rows)


def thumbnail(x: np.ndarray) -> QPixmap:
    """One C×H×W image as a pixmap, its values stretched to black–white and upscaled without smoothing."""
    image = x if x.shape[0] in (1, 3) else x[:1]
    low, high = float(image.min()), float(image.max())
    scaled = (image - low) / (high - low) if high > low else np.zeros_like(image)
    pixels = np.ascontiguousarray((scaled * 255).round().astype(np.uint8).transpose(1, 2, 0))
    height, width, channels = pixels.shape
    fmt = QImage.Format.Format_Grayscale8 if channels == 1 else QImage.Format.Format_RGB888
    qimage = QImage(pixels.data, width, height, width * channels, fmt).copy()
    return QPixmap.fromImage(qimage).scaled(
        THUMBNAIL, THUMBNAIL, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation
    )


def _value_text(value: np.generic) -> str:
    return str(value) if np.issubdtype(type(value), np.integer) else f"{value:.2f}"


def _wrapping_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _table() -> QTableWidget:
    table = QTableWidget()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(22)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, header: list[str], rows: list[list[str]]) -> None:
    table.clear()
    table.setColumnCount(len(header))
    table.setHorizontalHeaderLabels(header)
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))
    table.resizeColumnsToContents()
    height = table.horizontalHeader().height() + sum(table.rowHeight(r) for r in range(len(rows))) + 4
    if table.horizontalScrollBar().isVisible() or table.horizontalHeader().length() > table.viewport().width():
        height += table.horizontalScrollBar().sizeHint().height()
    table.setFixedHeight(min(height, 240))
