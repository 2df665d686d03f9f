"""File ▸ Export Model…: choose a format, a file and the weights; export off the UI thread; show what was checked."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QThread, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QFontDatabase
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from designer.core.design import DesignGraph
from designer.export.formats import (
    DEFAULT_OPSET,
    DEFAULT_TOLERANCE,
    FORMATS,
    HIGHEST_OPSET,
    LOWEST_OPSET,
    SUFFIXES,
)
from designer.ui import theme
from designer.ui.field_row import field_with_button
from designer.ui.training.run_history import find_runs
from designer.ui.worker_thread import start_worker

INITIAL, RUN, FILE = "initial", "run", "file"


class ExportWorker(QObject):
    """Runs one export on its own thread, on a snapshot of the design taken when Export was pressed."""

    progress = Signal(str)
    finished = Signal(object)
    """The :class:`~designer.export.exporter.ExportResult`."""
    failed = Signal(list)
    """One message per problem."""

    def __init__(self, design: DesignGraph, options: dict) -> None:
        super().__init__()
        self.design, self.options = design, options

    @Slot()
    def run(self) -> None:
        from designer.export.exporter import export_model  # torch loads here, not when the editor starts
        from designer.export.prepare import ExportError

        try:
            result = export_model(self.design, progress=self.progress.emit, **self.options)
        except ExportError as exc:
            self.failed.emit(exc.problems)
        except OSError as exc:
            self.failed.emit([f"cannot write {self.options['path']}: {exc.strerror or exc}"])
        except Exception as exc:  # an exporter bug must not take the editor down
            self.failed.emit([f"the export failed unexpectedly: {type(exc).__name__}: {exc}"])
        else:
            self.finished.emit(result)


class ExportDialog(QDialog):
    """Export the design of a project; ``project_path`` (when saved) places the file and finds its runs."""

    def __init__(self, design: DesignGraph, title: str, project_path: Path | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Export Model")
        self.setMinimumWidth(620)
        self.design, self.title = design, title
        self.folder = project_path.parent if project_path else Path.home()
        self.stem = project_path.stem if project_path else "model"
        self._thread: QThread | None = None
        self._worker: ExportWorker | None = None
        self.written: Path | None = None
        runs = find_runs(project_path) if project_path else []

        self.format = QComboBox()
        for name, text in FORMATS.items():
            self.format.addItem(text, name)
        self.path = QLineEdit(str(self.folder / f"{self.stem}{SUFFIXES['onnx']}"))
        self.opset = QSpinBox()
        self.opset.setRange(LOWEST_OPSET, HIGHEST_OPSET)
        self.opset.setValue(DEFAULT_OPSET)
        self.tolerance = QDoubleSpinBox()
        self.tolerance.setDecimals(6)
        self.tolerance.setRange(0.0, 1.0)
        self.tolerance.setSingleStep(1e-5)
        self.tolerance.setValue(DEFAULT_TOLERANCE)
        self.tolerance.setToolTip("Largest difference accepted between the export's outputs and torch's")
        self.weights_choice = QButtonGroup(self)
        self.run_path = QLineEdit(str(runs[-1]) if runs else "")
        self.file_path = QLineEdit()
        self.stage = QLabel("")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.report.setPlaceholderText("The checks made after writing appear here.")
        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.open_folder = self.buttons.addButton("Open Containing Folder", QDialogButtonBox.ButtonRole.ActionRole)
        self.open_folder.setEnabled(False)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self._lay_out(bool(runs))
        self.format.currentIndexChanged.connect(self._on_format_changed)
        self.export_button.clicked.connect(self.start)
        self.open_folder.clicked.connect(self._open_folder)
        self.close_button.clicked.connect(self.reject)

    def _lay_out(self, has_runs: bool) -> None:
        form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("File", field_with_button(self.path, "Browse…", self._choose_path))
        form.addRow("ONNX opset", self.opset)
        form.addRow("Parity tolerance", self.tolerance)
        weights = QVBoxLayout()
        for key, text, field, browse in (
            (INITIAL, "Initial weights (untrained)", None, None),
            (RUN, "Best weights of a run", self.run_path, self._choose_run),
            (FILE, "Weights file (.pt state dict)", self.file_path, self._choose_file),
        ):
            button = QRadioButton(text)
            button.setObjectName(key)
            self.weights_choice.addButton(button)
            row = QHBoxLayout()
            row.addWidget(button)
            if field is not None and browse is not None:
                row.addWidget(field_with_button(field, "Browse…", browse), 1)
            weights.addLayout(row)
        self._weights_button(RUN if has_runs else INITIAL).setChecked(True)
        form.addRow("Weights", weights)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.stage)
        layout.addWidget(self.progress)
        layout.addWidget(self.report, 1)
        layout.addWidget(self.buttons)

    # ---- choices ---------------------------------------------------------------------------
    def choose_format(self, name: str) -> None:
        self.format.setCurrentIndex(self.format.findData(name))

    def choose_weights(self, source: str, path: str = "") -> None:
        """``source``: initial, run or file; ``path``: the run folder or file."""
        self._weights_button(source).setChecked(True)
        if source != INITIAL:
            (self.run_path if source == RUN else self.file_path).setText(path)

    def _weights_button(self, key: str) -> QRadioButton:
        return next(b for b in self.weights_choice.buttons() if b.objectName() == key)

    def _on_format_changed(self) -> None:
        name = self.format.currentData()
        self.opset.setEnabled(name == "onnx")
        self.tolerance.setEnabled(name != "weights")
        current = Path(self.path.text())
        self.path.setText(str(current.with_suffix(SUFFIXES[name])))

    def _choose_path(self) -> None:
        name = self.format.currentData()
        chosen, _ = QFileDialog.getSaveFileName(self, "Export To", self.path.text(), f"*{SUFFIXES[name]}")
        if chosen:
            self.path.setText(chosen)

    def _choose_run(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Run Folder", self.run_path.text() or str(self.folder))
        if chosen:
            self.choose_weights(RUN, chosen)

    def _choose_file(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Weights File", str(self.folder), "State dicts (*.pt *.pth)")
        if chosen:
            self.choose_weights(FILE, chosen)

    def _weights(self) -> Path | None:
        source = self.weights_choice.checkedButton().objectName()
        text = {INITIAL: "", RUN: self.run_path.text(), FILE: self.file_path.text()}[source].strip()
        if source != INITIAL and not text:
            raise ValueError("choose the run folder or weights file, or use the initial weights")
        return Path(text) if text else None

    # ---- the export --------------------------------------------------------------------------
    def start(self) -> None:
        """Export on a worker thread; the dialog stays responsive and shows each step."""
        if self._thread is not None:
            return
        try:
            weights = self._weights()
        except ValueError as exc:
            self._show_problems([str(exc)])
            return
        path = Path(self.path.text().strip()).expanduser()
        options = {
            "format": self.format.currentData(),
            "path": path,
            "title": self.title,
            "weights": weights,
            "opset": self.opset.value(),
            "tolerance": self.tolerance.value(),
        }
        self.written = None
        self.open_folder.setEnabled(False)
        self.export_button.setEnabled(False)
        self.report.clear()
        self.stage.setText("Loading torch and the exporter…")
        self.stage.setStyleSheet("")
        self.progress.show()
        self._worker = ExportWorker(self.design.snapshot(), options)
        self._worker.progress.connect(self.stage.setText)
        self._thread = start_worker(self, self._worker, self._on_finished, self._show_problems, self._on_thread_done)

    def is_running(self) -> bool:
        return self._thread is not None

    def _on_finished(self, result: object) -> None:
        from designer.export.exporter import ExportResult

        assert isinstance(result, ExportResult)
        self.written = result.files[0]
        self.open_folder.setEnabled(True)
        verdict = "Exported; every check passed." if result.passed else "Exported, but the parity check FAILED."
        self.stage.setText(verdict)
        self.stage.setStyleSheet(f"color: {(theme.OK if result.passed else theme.ERROR).name()};")
        self.report.setPlainText("\n".join(result.lines()))

    def _show_problems(self, problems: list[str]) -> None:
        self.stage.setText("Not exported:")
        self.stage.setStyleSheet(f"color: {theme.ERROR.name()};")
        self.report.setPlainText("\n".join(problems))

    def _on_thread_done(self) -> None:
        self.progress.hide()
        self.export_button.setEnabled(True)
        if self._thread is not None:
            self._thread.deleteLater()
        if self._worker is not None:
            self._worker.deleteLater()
        self._thread = self._worker = None

    def _open_folder(self) -> None:
        if self.written is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.written.parent)))

    def done(self, result: int) -> None:
        """Closing waits for a running export: its thread must not outlive the dialog."""
        if self._thread is not None:
            self.stage.setText("Finishing the export before closing…")
            self._thread.wait()
        super().done(result)
