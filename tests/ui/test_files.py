"""Files: save and reopen, a corrupt file, new from template, the title, and starting the app."""

import json

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from designer.core.project_file import load_project
from designer.ui import app
from designer.ui.settings import MAX_RECENT_FILES, Profile
from tests.ui.helpers import assert_scene_matches_model


def test_save_as_then_reopen_gives_the_same_design(window, dialogs, tmp_path):
    design = window.document.design
    window.editor.set_param(design.find("conv1"), "out_channels", 12)
    window.editor.add_block("Tanh", (300.0, 300.0))
    assert window.windowTitle().startswith("Untitled[*]") and window.isWindowModified()
    dialogs.save_path = str(tmp_path / "mine")
    window.menu_actions.save.trigger()  # no file yet: asks where, and adds .json
    saved = tmp_path / "mine.json"
    assert saved.is_file()
    assert not window.isWindowModified() and window.windowTitle().startswith("mine.json[*]")
    assert load_project(saved).design == design
    expected = design.snapshot()
    dialogs.open_path = str(saved)
    window.editor.rename(design.find("conv1"), "changed")
    dialogs.answer = dialogs.answer.Discard
    window.menu_actions.open.trigger()
    assert ("question", "Save the changes to mine.json first?") in dialogs.messages
    assert window.document.design == expected
    assert window.document.path == saved
    assert_scene_matches_model(window)


def test_save_writes_to_the_same_file_without_asking(window, project_file, dialogs):
    assert window.files.open_path(project_file)
    window.editor.rename(window.document.design.find("conv1"), "stem")
    window.menu_actions.save.trigger()
    assert json.loads(project_file.read_text())["design"]["blocks"][1]["name"] == "stem"
    assert not window.isWindowModified()
    assert dialogs.messages == []


def test_a_corrupt_file_is_reported_and_the_current_work_stays(window, dialogs, tmp_path):
    design = window.document.design
    window.editor.rename(design.find("conv1"), "stem")
    current = design.snapshot()
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "designer-project", "version": 1, "design": {"blocks": [{"kind": 3}]}}')
    dialogs.open_path = str(broken)
    dialogs.answer = dialogs.answer.Discard
    window.menu_actions.open.trigger()
    kind, text = dialogs.messages[-1]
    assert kind == "warning" and "broken.json" in text and "design.blocks[0]" in text
    assert window.document.design is design and design == current
    assert window.isWindowModified()
    assert_scene_matches_model(window)


def test_cancel_keeps_unsaved_work(window, dialogs):
    window.editor.rename(window.document.design.find("conv1"), "stem")
    document = window.document
    dialogs.answer = dialogs.answer.Cancel
    assert not window.files.new_from_template("mlp-tabular")
    assert window.document is document
    assert not window.close()


def test_new_from_template_replaces_the_design_and_its_undo_history(window):
    old_stack = window.document.undo_stack
    assert window.files.new_from_template("resnet-mini")
    assert window.document.project.name != "LeNet for digits"
    assert window.document.undo_stack is not old_stack
    assert not window.menu_actions.undo.isEnabled()
    window.editor.add_block("ReLU", (0.0, 0.0))
    assert window.menu_actions.undo.isEnabled()
    assert_scene_matches_model(window)


def test_the_app_opens_a_broken_path_on_the_template_with_a_message(qtbot, dialogs, tmp_path):
    broken = tmp_path / "nope.json"
    broken.write_text("not json")
    window = app.create_window(str(broken), Profile.at(tmp_path / "profile"))
    qtbot.addWidget(window)
    assert window.document.project.name == "LeNet for digits"
    kind, text = dialogs.messages[-1]
    assert kind == "warning" and "nope.json" in text and "not valid JSON" in text


def test_the_app_opens_a_file(qtbot, project_file, tmp_path):
    window = app.create_window(str(project_file), Profile.at(tmp_path / "profile"))
    qtbot.addWidget(window)
    assert window.document.path == project_file
    assert window.windowTitle().startswith("lenet.json[*]")


def test_run_shows_the_window_and_returns_the_event_loop_status(qtbot, project_file, tmp_path, monkeypatch):
    monkeypatch.setattr(Profile, "user", classmethod(lambda cls: Profile.at(tmp_path / "profile")))
    shown = []

    def quit_when_shown():
        shown.extend(w for w in QApplication.topLevelWidgets() if w.isVisible() and w.windowTitle())
        QApplication.exit(0)  # quit() would also leave later tests' zero-timers unfired

    QTimer.singleShot(200, quit_when_shown)
    assert app.run(str(project_file)) == 0
    [opened] = [w for w in shown if w.windowTitle().startswith("lenet.json")]
    qtbot.addWidget(opened)  # closed after the test, like every other window


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ('{"format": "designer-project", "version": 1, "design": {"blocks": [', "line 1, column", "not valid JSON"),
        ('{"format": "designer-project", "version": 7, "design": {"blocks": []}}', "", "made by a newer Designer"),
        (None, "design.blocks[1].params.kernel_size", "kernel_size must be"),
    ],
)
def test_a_broken_file_shows_the_loaders_message_and_where(window, dialogs, project_file, text, where, what):
    if text is None:  # a bad parameter in an otherwise good file
        data = json.loads(project_file.read_text())
        data["design"]["blocks"][1]["params"]["kernel_size"] = 0
        text = json.dumps(data)
    broken = project_file.with_name("broken.json")
    broken.write_text(text)
    current = window.document
    assert not window.files.open_path(broken)
    kind, message = dialogs.messages[-1]
    assert kind == "warning" and str(broken) in message and where in message and what in message
    assert window.document is current and window.recent_files.paths() == []


def test_recent_files_newest_first_at_most_ten_and_kept_between_runs(qtbot, tmp_path, dialogs):
    profile = Profile.at(tmp_path / "profile")
    first = app.create_window(None, profile)
    qtbot.addWidget(first)
    paths = []
    for i in range(12):
        paths.append(tmp_path / f"p{i}.json")
        dialogs.save_path = str(paths[-1])
        assert first.files.save_as()
    assert first.recent_files.paths() == paths[::-1][:MAX_RECENT_FILES]
    second = app.create_window(None, Profile.at(tmp_path / "profile"))
    qtbot.addWidget(second)
    menu = second.recent_files.menu
    menu.aboutToShow.emit()
    entries = [a for a in menu.actions() if a.data()]
    assert [a.data() for a in entries] == [str(p) for p in paths[::-1][:MAX_RECENT_FILES]]
    entries[3].trigger()
    assert second.document.path == paths[8] and second.recent_files.paths()[0] == paths[8]


def test_missing_recent_files_are_pruned_with_a_message(window, dialogs, project_file, tmp_path):
    gone, kept = tmp_path / "gone.json", project_file
    window.recent_files.profile.set_recent_files([gone, kept])
    window.recent_files.menu.aboutToShow.emit()
    assert window.recent_files.paths() == [kept]
    assert "gone.json" in window.statusBar().currentMessage()
    window.recent_files.profile.set_recent_files([gone, kept])
    assert not window.files.open_recent(gone)  # vanished between showing the menu and choosing it
    assert "no longer exists" in dialogs.messages[-1][1] and window.recent_files.paths() == [kept]
    clear = next(a for a in window.recent_files.menu.actions() if a.text() == "&Clear List")
    clear.trigger()
    assert window.recent_files.paths() == []
    assert [a.text() for a in window.recent_files.menu.actions() if a.text()] == ["No recent files", "&Clear List"]


def test_window_layout_and_zoom_are_restored(qtbot, tmp_path, dialogs):
    profile = Profile.at(tmp_path / "profile")
    first = app.create_window(None, profile)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.resize(780, 560)  # within the offscreen screen, where restoreGeometry keeps windows
    first.inspector_dock.hide()
    first.view.zoom_by(1.7 / first.view.zoom())
    size = first.size().toTuple()
    assert first.close()
    second = app.create_window(None, Profile.at(tmp_path / "profile"))
    qtbot.addWidget(second)
    second.show()
    qtbot.waitUntil(lambda: second.view.zoom() == pytest.approx(1.7))
    assert second.size().toTuple() == size
    assert not second.inspector_dock.isVisible()


def test_settings_go_only_to_the_profile(tmp_path):
    profile = Profile.at(tmp_path / "profile")
    profile.set_theme_choice("dark")
    profile.set_recent_files([tmp_path / "a.json"])
    profile.settings.sync()
    assert (tmp_path / "profile" / "settings.ini").is_file()
    assert Profile.at(tmp_path / "profile").theme_choice() == "dark"
    profile.settings.setValue("recent_files", "not json")
    assert profile.recent_files() == []
