"""File ▸ Import Model…: an ONNX model or a PyTorch module as a project, imported off the UI thread, then opened."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QVBoxLayout,
)

from designer.ui import theme
from designer.ui.field_row import field_with_button
from designer.ui.worker_thread import start_worker

if TYPE_CHECKING:
    from designer.ui.main_window import MainWindow

MODEL_FILTER = "Models (*.onnx *.py);;ONNX models (*.onnx);;PyTorch modules (*.py);;All files (*)"


class ImportWorker(QObject):
    """Imports and saves one model on its own thread; the editor stays responsive for big models."""

    finished = Signal(object, list)
    """The project file written, and the report's lines."""
    failed = Signal(str)

    def __init__(self, source: str, input_shape: list[int] | None, target: Path, force: bool) -> None:
        super().__init__()
        self.source, self.input_shape, self.target, self.force = source, input_shape, target, force

    @Slot()
    def run(self) -> None:
        from designer.importers import ModelImportError, import_model  # torch and onnx load here, when needed
        from designer.importers.saving import save_import

        try:
            result = import_model(self.source, self.input_shape)
            path, _ = save_import(result, self.target, self.force)
        except ModelImportError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # an importer bug must not take the editor down
            self.failed.emit(f"the import failed unexpectedly: {type(exc).__name__}: {exc}")
        else:
            self.finished.emit(path, result.report.lines())


class ImportDialog(QDialog):
    """Choose a model and where its project goes; import, show what each part became, and open the design."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.setWindowTitle("Import Model")
        self.setMinimumWidth(640)
        self.model = QLineEdit()
        self.model.setPlaceholderText("model.onnx, or module.py")
        self.class_name = QLineEdit()
        self.class_name.setPlaceholderText("PyTorch modules: the class to build, e.g. Net")
        self.input_shape = QLineEdit()
        self.input_shape.setPlaceholderText("PyTorch modules: one sample's shape, e.g. 1, 28, 28")
        self.target = QLineEdit()
        self.target.setPlaceholderText("project file to write; its weights go beside it as .pt")
        self.model.textChanged.connect(self._on_model_changed)
        form = QFormLayout()
        form.addRow("Model", field_with_button(self.model, "Browse…", self._browse_model))
        form.addRow("Class", self.class_name)
        form.addRow("Input shape", self.input_shape)
        form.addRow("Project", field_with_button(self.target, "Choose…", self._browse_target))
        self.stage = QLabel("")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.import_button = buttons.addButton("Import", QDialogButtonBox.ButtonRole.ActionRole)
        self.import_button.clicked.connect(self.start)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.stage)
        layout.addWidget(self.progress)
        layout.addWidget(self.report, 1)
        layout.addWidget(buttons)
        self.opened: Path | None = None
        self._thread: QThread | None = None
        self._worker: ImportWorker | None = None
        self._on_model_changed("")

    def source(self) -> str:
        """What the importer is given: the ONNX path, or ``module.py:ClassName``."""
        model = self.model.text().strip()
        return f"{model}:{self.class_name.text().strip()}" if model.endswith(".py") else model

    def start(self) -> None:
        """Import on a worker thread; refuse at once what can be told wrong here."""
        model, target = self.model.text().strip(), self.target.text().strip()
        try:
            shape = _shape(self.input_shape.text()) if self.input_shape.isEnabled() else None
        except ValueError as exc:
            self._show_problem(str(exc))
            return
        if not model or not target:
            self._show_problem("choose a model and the project file to write")
            return
        path = Path(target).expanduser()
        path = path if path.suffix else path.with_suffix(".json")
        force = self._confirm_overwrite(path)
        if force is None:
            return
        self.import_button.setEnabled(False)
        self.report.clear()
        self.stage.setText(f"Importing {Path(model).name}…")
        self.stage.setStyleSheet("")
        self.progress.show()
        self._worker = ImportWorker(self.source(), shape, path, force)
        self._thread = start_worker(self, self._worker, self._on_finished, self._show_problem, self._on_thread_done)

    def is_running(self) -> bool:
        return self._thread is not None

    def _confirm_overwrite(self, path: Path) -> bool | None:
        """False when nothing would be overwritten, True when the user agrees to, None when they decline."""
        existing = [p for p in (path, path.with_suffix(".pt")) if p.exists()]
        if not existing:
            return False
        answer = QMessageBox.question(self, "Replace files?", f"{existing[0]} exists. Replace it?")
        return True if answer == QMessageBox.StandardButton.Yes else None

    def _on_finished(self, path: Path, lines: list[str]) -> None:
        self.report.setPlainText("\n".join(lines))
        self.stage.setText(f"Imported into {path}")
        self.stage.setStyleSheet(f"color: {theme.OK.name()};")
        if self.window.files.confirm_discard() and self.window.files.open_path(path):
            self.opened = path

    def _show_problem(self, message: str) -> None:
        self.stage.setText("Not imported:")
        self.stage.setStyleSheet(f"color: {theme.ERROR.name()};")
        self.report.setPlainText(message)

    def _on_thread_done(self) -> None:
        self.progress.hide()
        self.import_button.setEnabled(True)
        for part in (self._thread, self._worker):
            if part is not None:
                part.deleteLater()
        self._thread = self._worker = None

    def _on_model_changed(self, text: str) -> None:
        module = text.strip().endswith(".py")
        self.class_name.setEnabled(module)
        self.input_shape.setEnabled(module)
        if text.strip() and not self.target.isModified():
            self.target.setText(str(Path(text.strip()).with_suffix(".json")))

    def _browse_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import model", str(self._folder()), MODEL_FILTER)
        if path:
            self.model.setText(path)

    def _browse_target(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Project file", self.target.text(), "Designer projects (*.json)")
        if path:
            self.target.setText(path)
            self.target.setModified(True)

    def _folder(self) -> Path:
        document = self.window.document
        return document.path.parent if document is not None and document.path else Path.cwd()

    def closeEvent(self, event: object) -> None:
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
        super().closeEvent(event)


def _shape(text: str) -> list[int] | None:
    parts = [p.strip() for p in text.replace("×", ",").split(",") if p.strip()]
    if not parts:
        return None
    if not all(p.isdigit() for p in parts):
        raise ValueError(f"input shape {text!r}: give whole numbers separated by commas, such as 1, 28, 28")
    return [int(p) for p in parts]


def open_import_dialog(window: MainWindow) -> ImportDialog:
    """File ▸ Import Model…"""
    dialog = ImportDialog(window)
    dialog.finished.connect(dialog.deleteLater)
    dialog.show()
    return dialog
