"""New, Open, Save and Save As, with the questions and messages that go with them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMessageBox

from designer.core.project_file import ProjectFileError, load_project
from designer.core.templates import load_template
from designer.ui.document import Document

if TYPE_CHECKING:
    from designer.ui.main_window import MainWindow

FILE_FILTER = "Designer projects (*.json);;All files (*)"


class FileActions:
    """The file operations of one main window; each returns whether it went through."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def confirm_discard(self) -> bool:
        """True when there are no unsaved changes, or the user saved or chose to discard them."""
        document = self.window.document
        if not document.is_modified():
            return True
        answer = QMessageBox.question(
            self.window,
            "Unsaved changes",
            f"Save the changes to {document.display_name} first?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def new_from_template(self, name: str) -> bool:
        """Replace the open project with a fresh copy of template ``name``."""
        if not self.confirm_discard():
            return False
        self.window.set_document(Document(load_template(name)))
        return True

    def open(self) -> bool:
        """Ask for a project file and open it."""
        if not self.confirm_discard():
            return False
        path, _ = QFileDialog.getOpenFileName(self.window, "Open project", self._folder(), FILE_FILTER)
        return bool(path) and self.open_path(path)

    def open_path(self, path: str | Path) -> bool:
        """Open ``path``; a file that cannot be loaded is reported and the current project stays."""
        try:
            project = load_project(path)
        except ProjectFileError as exc:
            QMessageBox.warning(self.window, "Could not open project", str(exc))
            return False
        self.window.set_document(Document(project, path))
        return True

    def save(self) -> bool:
        """Save to the project's file, asking for one if it has none yet."""
        if self.window.document.path is None:
            return self.save_as()
        return self._write(None)

    def save_as(self) -> bool:
        """Ask for a file name and save there."""
        document = self.window.document
        suggestion = str(document.path or Path(self._folder()) / f"{_file_stem(document.project.name)}.json")
        path, _ = QFileDialog.getSaveFileName(self.window, "Save project as", suggestion, FILE_FILTER)
        if not path:
            return False
        target = Path(path)
        return self._write(target if target.suffix else target.with_suffix(".json"))

    def _write(self, path: Path | None) -> bool:
        try:
            self.window.document.save(path)
        except OSError as exc:
            QMessageBox.critical(self.window, "Could not save project", f"{path or self.window.document.path}: {exc}")
            return False
        self.window.statusBar().showMessage(f"Saved {self.window.document.path}", 4000)
        self.window.update_title()
        return True

    def _folder(self) -> str:
        path = self.window.document.path
        return str(path.parent) if path else str(Path.cwd())


def _file_stem(title: str) -> str:
    stem = "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-")
    return "-".join(part for part in stem.split("-") if part) or "untitled"
