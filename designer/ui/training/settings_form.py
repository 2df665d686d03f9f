"""The hyper-parameter form, generated from the declaration in ``designer.core.training_settings``.

Each edit is one undo command on the document's stack (so it marks the project modified and can be undone);
settings that mean nothing for the current choices (momentum without sgd, ...) are hidden.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from designer.core.params import ParamError
from designer.core.training_settings import SETTINGS, applies, setting
from designer.ui.commands import SetProjectSetting
from designer.ui.document import Document
from designer.ui.param_editors import ParamEditor, editor_for


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
        for param in SETTINGS:
            editor = editor_for(param)
            editor.edited.connect(lambda value, name=param.name: self.set_value(name, value))
            label = QLabel(param.name.replace("_", " "))
            label.setToolTip(editor.toolTip())
            self.form.addRow(label, editor)
            self.editors[param.name] = editor

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

    def refresh(self) -> None:
        """Show the project's values; hide settings that do not apply to them."""
        values = self.values()
        for name, editor in self.editors.items():
            editor.show_value(values[name])
            self.form.setRowVisible(editor, applies(name, values))

    def _on_changed(self) -> None:
        self.refresh()
        self.changed.emit()
