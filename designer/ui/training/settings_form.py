"""The hyper-parameter form, generated from the declaration in ``designer.core.training_settings``.

Each edit is one undo command on the document's stack (so it marks the project modified and can be undone);
settings that mean nothing for the current choices (momentum without sgd, ...) are hidden. ``init_weights``
("start from weights") has a Browse… button; while it is empty and an import's weights lie beside the project,
a note under it says that they are not used.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QFormLayout, QLabel, QWidget

from designer.core.params import ParamError
from designer.core.training_settings import SETTINGS, applies, setting
from designer.ui.commands import SetProjectSetting
from designer.ui.dataset_panel import relative_to
from designer.ui.document import Document
from designer.ui.field_row import field_with_button
from designer.ui.param_editors import ParamEditor, TextEditor, editor_for

WEIGHTS_FILTER = "Weights (*.pt *.pth);;All files (*)"
LABELS = {"init_weights": "start from weights"}
"""Row labels other than the setting's name with spaces."""


class SettingsForm(QWidget):
    """One editor per training setting; ``message`` carries a refusal such as an out-of-range value."""

    message = Signal(str)
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document: Document | None = None
        self.form = QFormLayout(self)
        self.form.setContentsMargins(4, 4, 4, 4)
        self.form.setVerticalSpacing(3)
        self.editors: dict[str, ParamEditor] = {}
        self.rows: dict[str, QWidget] = {}
        for param in SETTINGS:
            editor = editor_for(param)
            editor.edited.connect(lambda value, name=param.name: self.set_value(name, value))
            label = QLabel(LABELS.get(param.name, param.name.replace("_", " ")))
            label.setToolTip(editor.toolTip())
            row = field_with_button(editor, "Browse…", self.choose_weights) if param.name == "init_weights" else editor
            self.form.addRow(label, row)
            self.editors[param.name], self.rows[param.name] = editor, row
            if param.name == "init_weights":
                self.weights_note = QLabel()
                self.weights_note.setObjectName("warningNote")  # coloured by the theme's style sheet
                self.weights_note.setWordWrap(True)
                self.form.addRow(self.weights_note)

    def set_document(self, document: Document) -> None:
        self.document = document
        self.refresh()

    def values(self) -> dict[str, Any]:
        """Every setting as the project has it, defaults for those it leaves out."""
        training = self.document.project.training if self.document else {}
        return {p.name: training.get(p.name, p.default) for p in SETTINGS}

    def set_value(self, name: str, value: Any) -> None:
        """Change one setting through the undo stack, or say why the value is refused."""
        if self.document is None:
            return
        try:
            checked = setting(name).check(value)
        except ParamError as exc:
            self.message.emit(f"Training settings: {exc}")
            self.refresh()
            return
        if checked == self.values()[name]:
            return
        command = SetProjectSetting(self.document.project, "training", name, checked, self._on_changed)
        self.document.undo_stack.push(command)

    def choose_weights(self) -> None:
        """Pick the weights to start from; a file in the project's folder is kept relative to it."""
        folder = self._project_folder()
        chosen, _ = QFileDialog.getOpenFileName(self, "Start from weights", str(folder or Path.home()), WEIGHTS_FILTER)
        if chosen:
            self.set_value("init_weights", relative_to(Path(chosen), folder))

    def refresh(self) -> None:
        """Show the project's values; hide settings that do not apply to them."""
        values = self.values()
        for name, editor in self.editors.items():
            editor.show_value(values[name])
            self.form.setRowVisible(self.rows[name], applies(name, values))
        self._show_weights_beside(values["init_weights"])

    def _show_weights_beside(self, init_weights: str) -> None:
        """Say under an empty ``init_weights`` when the weights an import wrote beside the project go unused."""
        editor = self.editors["init_weights"]
        assert isinstance(editor, TextEditor)
        editor.line.setPlaceholderText("fresh weights")  # the declaration's description is too long to show
        path = self.document.path if self.document else None
        beside = path.with_suffix(".pt") if path is not None else None
        unused = not init_weights and beside is not None and beside.is_file()
        if unused:
            self.weights_note.setText(
                f"{beside.name} beside the project is not used: training starts from fresh weights. "
                f"Choose it above to fine-tune from it."
            )
        self.form.setRowVisible(self.weights_note, unused)

    def _project_folder(self) -> Path | None:
        path = self.document.path if self.document else None
        return path.parent if path is not None else None

    def _on_changed(self) -> None:
        self.refresh()
        self.changed.emit()
