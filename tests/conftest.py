"""Test-wide settings: Qt without a screen, set before anything imports Qt."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pytest_sessionfinish(session, exitstatus) -> None:
    """Empty the clipboard before Qt is torn down: Qt's offscreen platform (not X11, Wayland, Windows or macOS)
    crashes at exit while the clipboard still holds data, which the copy/paste tests leave there."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is not None:
        app.clipboard().clear()
