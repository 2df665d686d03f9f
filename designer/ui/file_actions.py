"""New, Open, Open Recent, Save, Save As and Export Diagram, with the questions and messages that go with them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMessageBox

from designer.core.project import Project
from designer.core.project_file import ProjectFileError, load_project
from designer.core.templates import load_template
from designer.ui.document import Document
from designer.ui.export_diagram import ExportDiagramDialog
from designer.ui.gallery import EMPTY_DESIGN, TemplateGallery, ThumbnailCache

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

    def new(self) -> TemplateGallery:
        """Show the template gallery; what is picked there replaces the open project."""
        gallery = TemplateGallery(ThumbnailCache(self.window.profile.cache_dir / "thumbnails"), self.window)
        gallery.accepted.connect(lambda: self.new_from_template(gallery.choice()))
        gallery.finished.connect(gallery.deleteLater)
        gallery.open()
        return gallery

    def new_from_template(self, name: str) -> bool:
        """Replace the open project with a fresh copy of template ``name`` (or an empty one for ``""``)."""
        if not self.confirm_discard():
            return False
        self.window.set_document(Document(Project() if name == EMPTY_DESIGN else load_template(name)))
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
        self.window.recent_files.add(Path(path))
        return True

    def open_recent(self, path: Path) -> bool:
        """Open a file from File ▸ Open Recent; one that has gone is dropped from the list with a message."""
        if not path.is_file():
            self.window.recent_files.remove(path)
            QMessageBox.warning(
                self.window, "Could not open project", f"{path} no longer exists; it was removed from recent files."
            )
            return False
        return self.confirm_discard() and self.open_path(path)

    def export_diagram(self) -> ExportDiagramDialog:
        """Ask where and how, then write the design as a PNG or SVG picture."""
        document = self.window.document
        stem = document.path.stem if document.path else _file_stem(document.project.name)
        suggestion = Path(self._folder()) / f"{stem}.png"
        dialog = ExportDiagramDialog(document.project, suggestion, self.window)
        dialog.accepted.connect(lambda: self.window.show_message(f"Exported the diagram to {dialog.path.text()}"))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

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
        self.window.recent_files.add(self.window.document.path)
        self.window.update_title()
        return True

    def _folder(self) -> str:
        path = self.window.document.path
        return str(path.parent) if path else str(Path.cwd())


def _file_stem(title: str) -> str:
    stem = "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-")
    return "-".join(part for part in stem.split("-") if part) or "untitled"
