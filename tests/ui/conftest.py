"""Fixtures of the editor tests: Qt without a screen, a main window on the LeNet template, no real dialogs."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from designer.core.templates import load_template
from designer.ui.document import Document
from designer.ui.main_window import MainWindow


@dataclass
class Dialogs:
    """Stands in for modal dialogs: records messages, answers questions, names files."""

    messages: list[tuple[str, str]] = field(default_factory=list)
    answer: QMessageBox.StandardButton = QMessageBox.StandardButton.Discard
    open_path: str = ""
    save_path: str = ""


@pytest.fixture(autouse=True)
def dialogs(monkeypatch: pytest.MonkeyPatch) -> Dialogs:
    record = Dialogs()

    def message(kind: str):
        def show(_parent, _title, text, *_args, **_kwargs):
            record.messages.append((kind, text))
            return QMessageBox.StandardButton.Ok

        return staticmethod(show)

    def ask(_parent, _title, text, *_args, **_kwargs):
        record.messages.append(("question", text))
        return record.answer

    class FakeMessageBox(QMessageBox):
        warning = message("warning")
        critical = message("critical")
        information = message("information")
        question = staticmethod(ask)

    class FakeFileDialog(QFileDialog):
        getOpenFileName = staticmethod(lambda *_a, **_k: (record.open_path, ""))
        getSaveFileName = staticmethod(lambda *_a, **_k: (record.save_path, ""))

    for module in ("designer.ui.file_actions", "designer.ui.app"):
        monkeypatch.setattr(f"{module}.QMessageBox", FakeMessageBox)
    monkeypatch.setattr("designer.ui.file_actions.QFileDialog", FakeFileDialog)
    return record


@pytest.fixture
def window(qtbot) -> MainWindow:
    """A shown main window on the LeNet template."""
    main = MainWindow(Document(load_template("lenet-digits")))
    qtbot.addWidget(main)
    main.resize(1200, 800)
    main.show()
    qtbot.waitExposed(main)
    return main


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    """The LeNet template saved to a temporary file."""
    from designer.core.project_file import save_project

    path = tmp_path / "lenet.json"
    save_project(load_template("lenet-digits"), path)
    return path
