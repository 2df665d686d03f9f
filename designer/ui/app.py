"""Starting the editor: the Qt application, the first project, the main window."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from designer.core.project_file import ProjectFileError, load_project
from designer.core.templates import DEFAULT_TEMPLATE, load_template
from designer.ui.document import Document
from designer.ui.main_window import MainWindow


def create_window(path: str | None) -> MainWindow:
    """A main window on ``path``, or on the default template when there is none or it cannot be loaded."""
    error: ProjectFileError | None = None
    document: Document | None = None
    if path is not None:
        try:
            document = Document(load_project(path), path)
        except ProjectFileError as exc:
            error = exc
    window = MainWindow(document or Document(load_template(DEFAULT_TEMPLATE)))
    if error is not None:
        QMessageBox.warning(
            window, "Could not open project", f"{error}\n\nShowing the {DEFAULT_TEMPLATE} template instead."
        )
    return window


def run(path: str | None) -> int:
    """Open ``path`` (or the default template) in the editor and run until the window closes."""
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Designer")
    app.setOrganizationName("Designer")
    window = create_window(path)
    window.show()
    return app.exec()
