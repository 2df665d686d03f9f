"""Starting the editor: the Qt application, its theme, the first project, the main window, work left by a crash."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from designer.core.project_file import ProjectFileError, load_project
from designer.core.templates import DEFAULT_TEMPLATE, load_template
from designer.ui import icons, theme
from designer.ui.document import Document
from designer.ui.main_window import MainWindow
from designer.ui.recovery import Leftover, leftovers
from designer.ui.settings import Profile


def create_window(path: str | None, profile: Profile) -> MainWindow:
    """A main window on ``path``, or on the default template when there is none or it cannot be loaded.

    The window gets the theme and layout ``profile`` remembers, and offers to restore work left by a crash.
    """
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme.apply(app, theme.resolve(profile.theme_choice()))
    error: ProjectFileError | None = None
    document: Document | None = None
    if path is not None:
        try:
            document = Document(load_project(path), path)
        except ProjectFileError as exc:
            error = exc
    window = MainWindow(document or Document(load_template(DEFAULT_TEMPLATE)), profile)
    if document is not None:
        window.recent_files.add(document.path)
    _restore_layout(window)
    if error is not None:
        QMessageBox.warning(
            window, "Could not open project", f"{error}\n\nShowing the {DEFAULT_TEMPLATE} template instead."
        )
    offer_recovery(window)
    return window


def offer_recovery(window: MainWindow) -> None:
    """Ask, newest first, whether to restore each piece of work that a crashed session left unsaved."""
    for leftover in leftovers(window.autosave.folder):
        answer = QMessageBox.question(
            window,
            "Restore unsaved work",
            f"Restore unsaved work from {leftover.saved_at:%H:%M on %d %B %Y}?\n\n{_describe(leftover)}",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        if answer != QMessageBox.StandardButton.Yes:
            leftover.discard()
            continue
        try:
            project = leftover.load()
        except ProjectFileError as exc:
            QMessageBox.warning(window, "Could not restore unsaved work", f"{exc}\n\nThe file was left in place.")
            continue
        window.set_document(Document(project, leftover.original, unsaved=True))
        window.autosave.save_now()  # the work is safe in this session's recovery file before the old one goes
        leftover.discard()
        return


def run(path: str | None) -> int:
    """Open ``path`` (or the default template) in the editor and run until the window closes."""
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Designer")
    app.setOrganizationName("Designer")
    app.setWindowIcon(icons.app_icon())
    window = create_window(path, Profile.user())
    window.show()
    return app.exec()


def _restore_layout(window: MainWindow) -> None:
    layout = window.profile.window_layout()
    if layout is None:
        return
    geometry, state, zoom = layout
    window.restore_layout(geometry, state)
    # After the opening fit-to-view, which is queued the same way when the document is set.
    QTimer.singleShot(0, window, lambda: window.view.zoom_by(zoom / window.view.zoom()))


def _describe(leftover: Leftover) -> str:
    if leftover.original is None:
        return "A design that had not been saved yet."
    return f"Changes to {leftover.original} that had not been saved."
