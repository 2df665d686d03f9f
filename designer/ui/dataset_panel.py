"""The dataset panel: choose a source, edit its settings, load it off the UI thread, see samples, fit the design.

The settings form is generated from :mod:`designer.core.dataset_settings`; every edit is one undo step on the
document's stack (so it marks the project modified), and loading a dataset that the design does not fit
changes the Input and Output blocks as one more undo step, with a sentence per change.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from designer.core.dataset_settings import (
    APPLIES,
    SETTINGS,
    SOURCE_HELP,
    setting,
    validate_dataset_settings,
)
from designer.core.design import DesignError
from designer.core.params import ParamError
from designer.training.data import import_libraries, load_dataset
from designer.training.data.configure import DesignChange, apply_changes, changes_to_fit
from designer.training.dataset import DataError, Dataset
from designer.ui.commands import Batch, SetParam, SetProjectSetting
from designer.ui.dataset_preview import DatasetView
from designer.ui.document import Document
from designer.ui.param_editors import ChoiceEditor, ParamEditor, editor_for

FOLDER_SOURCES = ("image-folder", "idx")
FILE_FILTERS = {"csv": "CSV files (*.csv);;All files (*)", "numpy": "NumPy archives (*.npz);;All files (*)"}


class _Loader(QThread):
    """Loads one dataset in a worker thread; ``done`` carries the Dataset or the DataError."""

    done = Signal(object)

    def __init__(self, document: Document, settings: dict[str, Any], base_dir: Path | None) -> None:
        super().__init__()
        self.document, self.settings, self._base_dir = document, settings, base_dir

    def run(self) -> None:
        try:
            result: Dataset | DataError = load_dataset(self.settings, self._base_dir)
        except DataError as exc:
            result = exc
        except (MemoryError, OSError, ValueError) as exc:  # a source's own checks missed it: still a message
            result = DataError(f"could not be loaded: {exc}", self.settings.get("path") or None)
        self.done.emit(result)


class DatasetPanel(QScrollArea):
    """Edits ``project.dataset`` of the open document and previews what it loads."""

    message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.document: Document | None = None
        self.editors: dict[str, ParamEditor] = {}
        self.dataset: Dataset | None = None
        self._loader: _Loader | None = None
        self._source_shown: str | None = None
        self._build()

    # ---- the open document ----------------------------------------------------------------
    def set_document(self, document: Document) -> None:
        """Follow ``document``; what was loaded for the previous one is cleared."""
        if self.document is not None:
            self.document.undo_stack.indexChanged.disconnect(self.refresh)
        self.document = document
        document.undo_stack.indexChanged.connect(self.refresh)
        self._source_shown = None
        self._show_result(None)
        self.refresh()

    @property
    def settings(self) -> dict[str, Any]:
        assert self.document is not None
        return self.document.project.dataset

    def refresh(self) -> None:
        """Show the project's current settings (after any edit, undo included)."""
        source = self.settings.get("source", setting("source").default)
        if source != self._source_shown:
            self._build_form(source)
        for name, editor in self.editors.items():
            editor.show_value(_shown_value(name, self.settings))
        problems = validate_dataset_settings(self.settings)
        self.problems.setVisible(bool(problems))
        self.problems.setText("\n".join(problems))
        self.load_button.setEnabled(not problems and not self.is_loading())

    # ---- editing --------------------------------------------------------------------------
    def edit(self, name: str, value: Any) -> None:
        """Set one setting as the user asked, or say why not."""
        assert self.document is not None
        try:
            value = setting(name).check(value)
        except ParamError as exc:
            self.message.emit(f"Dataset: {exc}")
            self.refresh()
            return
        if self.settings.get(name) != value:
            self.document.undo_stack.push(SetProjectSetting(self.document.project, "dataset", name, value))

    def browse(self) -> None:
        """Choose the file or folder of a user source; inside the project's folder it is stored relative."""
        source = self.settings.get("source", "")
        start = str(self._base_dir() or Path.cwd())
        if source in FOLDER_SOURCES:
            chosen = QFileDialog.getExistingDirectory(self, "Choose the data folder", start)
        else:
            chosen, _ = QFileDialog.getOpenFileName(self, "Choose the data file", start, FILE_FILTERS.get(source, ""))
        if chosen:
            self.edit("path", relative_to(Path(chosen), self._base_dir()))

    # ---- loading --------------------------------------------------------------------------
    def load(self) -> None:
        """Load the dataset in a worker thread; the result shows when it is done."""
        if self.document is None or self.is_loading():
            return
        import_libraries(self.settings)
        self._loader = _Loader(self.document, dict(self.settings), self._base_dir())
        self._loader.done.connect(self._on_loaded)
        self.load_button.setEnabled(False)
        self.status.setText("Loading…")
        self._loader.start()

    def is_loading(self) -> bool:
        """True from the click until the result has been taken in."""
        return self._loader is not None

    def shutdown(self) -> None:
        """Wait for a load in progress, before the window closes."""
        if self._loader is not None:
            self._loader.wait()

    def _on_loaded(self, result: Dataset | DataError) -> None:
        loader, self._loader = self._loader, None
        if loader is None:
            return
        loader.wait()
        self.status.setText("")
        self.refresh()
        if loader.document is not self.document or loader.settings != self.settings:
            return  # the project or its settings changed while loading: this result is out of date
        if isinstance(result, DataError):
            self._show_result(None)
            self.error.setText(str(result))
            self.error.setVisible(True)
            self.message.emit(f"Dataset not loaded: {result}")
            return
        self._show_result(result)
        self._fit_design(result)

    def _fit_design(self, dataset: Dataset) -> None:
        assert self.document is not None
        design = self.document.design
        changes = changes_to_fit(design, dataset)
        if not changes:
            self.fit.setText("The design already fits this data.")
            return
        try:
            apply_changes(design.snapshot(), changes)
        except DesignError as exc:
            self.fit.setText(html.escape(f"The design could not be changed to fit the data: {exc}"))
            return
        parts: list[QUndoCommand] = [SetParam(design, [c.block_id], c.param, c.new) for c in changes]
        self.document.undo_stack.push(Batch(f"Fit the design to {dataset.name}", parts))
        self.fit.setText(_fit_text(changes))
        self.message.emit(f"Design changed to fit the data: {'; '.join(c.message for c in changes)}")

    def _show_result(self, dataset: Dataset | None) -> None:
        self.dataset = dataset
        self.view.show_dataset(dataset)
        self.error.setVisible(False)
        self.fit.setText("")

    def _base_dir(self) -> Path | None:
        return self.document.path.parent if self.document is not None and self.document.path else None

    # ---- building the page ----------------------------------------------------------------
    def _build(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 10, 12, 12)
        layout.setSpacing(8)
        self.source_help = _label(wrap=True)
        self._form_holder = QVBoxLayout()
        self.problems = _label("datasetProblems", wrap=True)
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QHBoxLayout()
        self.load_button = QPushButton("Load and preview")
        self.load_button.clicked.connect(self.load)
        self.status = _label()
        buttons.addWidget(self.load_button)
        buttons.addWidget(self.status, 1)
        self.error = _label("datasetError", wrap=True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fit = _label("datasetFit", wrap=True)
        self.fit.setTextFormat(Qt.TextFormat.RichText)
        self.view = DatasetView()
        layout.addWidget(self.source_help)
        layout.addLayout(self._form_holder)
        layout.addWidget(self.problems)
        layout.addLayout(buttons)
        for widget in (self.error, self.fit, self.view):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.setWidget(page)

    def _build_form(self, source: str) -> None:
        while self._form_holder.count():
            item = self._form_holder.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        form_widget = QWidget()
        form = QFormLayout(form_widget)
        form.setContentsMargins(0, 0, 0, 0)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        shown = APPLIES.get(source, ("source",))
        self.editors = {}
        for param in SETTINGS:
            if param.name not in shown:
                continue
            editor = editor_for(param)
            if isinstance(editor, ChoiceEditor):  # long source names must not widen the dock
                editor.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
                editor.combo.setMinimumContentsLength(10)
            editor.edited.connect(lambda value, name=param.name: self.edit(name, value))
            self.editors[param.name] = editor
            form.addRow(param.name.replace("_", " "), self._with_browse(editor) if param.name == "path" else editor)
        self._form_holder.addWidget(form_widget)
        self.source_help.setText(SOURCE_HELP.get(source, ""))
        self._source_shown = source

    def _with_browse(self, editor: ParamEditor) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(editor, 1)
        self.browse_button = QPushButton("Browse…")
        self.browse_button.clicked.connect(self.browse)
        layout.addWidget(self.browse_button)
        return row


def _shown_value(name: str, settings: dict[str, Any]) -> Any:
    """The value of a setting as an editor can show it; one the file got wrong shows the default (and a problem)."""
    param = setting(name)
    try:
        return param.check(settings.get(name, param.default))
    except ParamError:
        return param.default


def _fit_text(changes: list[DesignChange]) -> str:
    items = "".join(f"<li>{html.escape(c.message)}</li>" for c in changes)
    return f"<b>Design changed to fit the data</b> (undo to revert):<ul style='margin:0'>{items}</ul>"


def relative_to(path: Path, base: Path | None) -> str:
    """``path`` relative to the project's folder ``base`` when it lies inside it, else whole."""
    if base is not None and path.is_relative_to(base):
        return path.relative_to(base).as_posix()
    return str(path)


def _label(name: str = "", wrap: bool = False) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(wrap)
    return label
