"""File ▸ Export Diagram…: the design as a PNG (2× or 3× for print) or an SVG, for papers and docs."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from designer.core.project import Project
from designer.ui import render

FILE_FILTER = "PNG image (*.png);;SVG drawing (*.svg)"
SCALES = (1, 2, 3)


class ExportDiagramDialog(QDialog):
    """Asks where and how, then writes the picture; a failure is shown and the dialog stays open."""

    def __init__(self, project: Project, suggestion: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export diagram")
        self.project = project
        self.path = QLineEdit(str(suggestion))
        choose = QPushButton("Choose…")
        choose.clicked.connect(self._choose)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(choose)
        self.scale = QComboBox()
        for scale in SCALES:
            self.scale.addItem(f"{scale}× ({'screen' if scale == 1 else 'high DPI, print'})", scale)
        self.scale.setCurrentIndex(SCALES.index(2))
        self.background = QComboBox()
        self.background.addItems(["Solid (the theme's paper colour)", "Transparent"])
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("File:", row)
        form.addRow("Scale (PNG):", self.scale)
        form.addRow("Background:", self.background)
        form.addRow(self.buttons)
        self.path.textChanged.connect(self._on_path_changed)
        self._on_path_changed(self.path.text())
        self.resize(520, self.sizeHint().height())

    def accept(self) -> None:
        """Write the diagram; close only when it was written."""
        target = Path(self.path.text().strip()).expanduser()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # a design of thousands of blocks takes seconds
        try:
            render.save_diagram(self.project, target, self.scale.currentData(), self.background.currentIndex() == 1)
        except render.DiagramError as exc:
            QMessageBox.warning(self, "Could not export the diagram", str(exc))
            return
        finally:
            QApplication.restoreOverrideCursor()
        super().accept()

    def _choose(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export diagram", self.path.text(), FILE_FILTER)
        if path:
            self.path.setText(path if Path(path).suffix else f"{path}.png")

    def _on_path_changed(self, text: str) -> None:
        self.scale.setEnabled(not text.strip().lower().endswith(".svg"))
