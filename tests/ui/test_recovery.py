"""Autosave to a recovery file while work is unsaved, and the offer to restore it after a crash."""

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from designer.core.project_file import load_project, save_project
from designer.core.templates import load_template
from designer.ui import app
from designer.ui.document import Document
from designer.ui.main_window import MainWindow
from designer.ui.settings import Profile

CRASHING_SESSION = textwrap.dedent("""
    import os, sys
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from designer.core.project_file import load_project
    from designer.ui.document import Document
    from designer.ui.main_window import MainWindow
    from designer.ui.settings import Profile
    profile, path = Profile.at(sys.argv[1]), sys.argv[2]
    window = MainWindow(Document(load_project(path), path), profile)
    window.autosave.timer.setInterval(10)
    window.editor.rename(window.document.design.find("conv1"), "unsaved_stem")
    while not window.autosave.project_file.exists():
        app.processEvents()
    os._exit(3)  # a crash: no clean exit, nothing tidied up
""")


@pytest.fixture
def profile(tmp_path):
    return Profile.at(tmp_path / "profile")


@pytest.fixture
def recovering(qtbot, profile) -> MainWindow:
    """A window whose autosave runs every 20 ms."""
    window = MainWindow(Document(load_template("lenet-digits")), profile)
    qtbot.addWidget(window)
    window.autosave.timer.setInterval(20)
    return window


def recovery_files(profile: Profile) -> list:
    return sorted((profile.data_dir / "recovery").glob("*.json"))


@pytest.fixture(scope="module")
def crashed(tmp_path_factory) -> Path:
    """A folder with a project file and the profile of a session that crashed with unsaved changes to it."""
    folder = tmp_path_factory.mktemp("crashed")
    save_project(load_template("lenet-digits"), folder / "lenet.json")
    result = subprocess.run(
        [sys.executable, "-c", CRASHING_SESSION, str(folder / "profile"), str(folder / "lenet.json")],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 3, result.stderr
    return folder


@pytest.fixture
def after_crash(crashed, tmp_path) -> tuple[Profile, Path]:
    """A copy of the crashed session's profile, and the project file it was editing."""
    shutil.copytree(crashed, tmp_path / "crashed")
    about = next((tmp_path / "crashed" / "profile" / "data" / "recovery").glob("*.about"))
    project_file = tmp_path / "crashed" / "lenet.json"
    about.write_text(json.dumps({"path": str(project_file)}))  # where the copy is
    return Profile.at(tmp_path / "crashed" / "profile"), project_file


def test_autosave_only_while_there_are_unsaved_changes(recovering, qtbot, profile, tmp_path):
    window = recovering
    window.autosave.save_now()
    assert not window.autosave.timer.isActive() and recovery_files(profile) == []
    window.editor.rename(window.document.design.find("conv1"), "stem")
    assert window.autosave.timer.isActive()
    qtbot.waitUntil(lambda: recovery_files(profile) != [])
    [written] = recovery_files(profile)
    assert load_project(written).design == window.document.design
    window.document.save(tmp_path / "saved.json")  # a clean save removes it
    assert recovery_files(profile) == [] and not window.autosave.timer.isActive()
    window.editor.rename(window.document.design.find("stem"), "stem2")
    qtbot.waitUntil(lambda: recovery_files(profile) != [])
    window.document.undo_stack.undo()  # back to what is on disk: nothing to recover
    assert recovery_files(profile) == []


def test_a_clean_exit_removes_the_recovery_file(recovering, qtbot, profile, dialogs):
    recovering.editor.rename(recovering.document.design.find("conv1"), "stem")
    qtbot.waitUntil(lambda: recovery_files(profile) != [])
    dialogs.answer = dialogs.answer.Discard
    assert recovering.close()
    assert recovery_files(profile) == []


def test_a_running_sessions_file_is_not_offered(recovering, qtbot, profile, dialogs):
    recovering.editor.rename(recovering.document.design.find("conv1"), "stem")
    qtbot.waitUntil(lambda: recovery_files(profile) != [])
    other = app.create_window(None, profile)
    qtbot.addWidget(other)
    assert dialogs.messages == [] and len(recovery_files(profile)) == 1


def test_after_a_crash_the_work_is_offered_and_restored(qtbot, after_crash, dialogs):
    profile, project_file = after_crash
    [leftover] = recovery_files(profile)
    dialogs.answer = dialogs.answer.Yes
    window = app.create_window(None, profile)
    qtbot.addWidget(window)
    kind, text = dialogs.messages[-1]
    assert kind == "question" and text.startswith("Restore unsaved work from ") and str(project_file) in text
    design = window.document.design
    assert design.block(design.find("unsaved_stem")).kind == "Conv2d"
    assert window.document.path == project_file and window.isWindowModified()
    assert load_project(project_file).design.find("conv1")  # the file itself is untouched until saved
    assert not leftover.exists() and recovery_files(profile) == [window.autosave.project_file]
    window.menu_actions.save.trigger()
    assert load_project(project_file).design == design and recovery_files(profile) == []


def test_declining_discards_the_work_and_asks_no_more(qtbot, after_crash, dialogs):
    profile, _ = after_crash
    dialogs.answer = dialogs.answer.No
    first = app.create_window(None, profile)
    qtbot.addWidget(first)
    assert dialogs.messages[-1][0] == "question" and first.document.design.find("conv1")
    assert list((profile.data_dir / "recovery").iterdir()) == []
    second = app.create_window(None, profile)
    qtbot.addWidget(second)
    assert len(dialogs.messages) == 1


def test_a_failing_autosave_says_so(qtbot, tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the data folder should be")
    window = MainWindow(
        Document(load_template("lenet-digits")), Profile(Profile.at(tmp_path).settings, blocked, tmp_path)
    )
    qtbot.addWidget(window)
    window.editor.rename(window.document.design.find("conv1"), "stem")
    window.autosave.save_now()
    assert window.statusBar().currentMessage().startswith("Autosave failed:")
