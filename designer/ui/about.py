"""Help ▸ About Designer: its version and what it runs on, the same report as ``designer doctor``."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from designer import __version__
from designer.training.environment import environment_rows, format_rows


class AboutDialog(QDialog):
    """Designer's version and this machine's report, with a button that copies the report for a problem report."""

    def __init__(self, report: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Designer")
        self.report = report
        title = QLabel(
            f"<h2>Designer {__version__}</h2><p>Design neural networks by drawing them; train them and export "
            "them to ONNX.</p><p>When you report a problem, include this:</p>"
        )
        title.setWordWrap(True)
        text = QPlainTextEdit(report)
        text.setReadOnly(True)
        text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text = text
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = buttons.addButton("&Copy", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setToolTip("Copy the report, as designer doctor prints it")
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(text)
        layout.addWidget(buttons)
        self.resize(820, 460)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.report)


def open_about(parent: QWidget) -> AboutDialog:
    """Examine the machine (a second or two: torch, and Qt in a child process) and show the About dialog."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        report = format_rows(environment_rows())
    finally:
        QApplication.restoreOverrideCursor()
    dialog = AboutDialog(report, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
