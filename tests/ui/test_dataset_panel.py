"""The dataset panel: settings edits as undo steps, loading off the UI thread, preview, inline errors, fitting."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from designer.core.project_file import save_project
from designer.core.templates import load_template
from designer.ui import dataset_panel as panel_module
from designer.ui.dataset_panel import DatasetPanel
from designer.ui.document import Document
from designer.ui.main_window import MainWindow

LOAD_MS = 30_000


def _load(qtbot, panel: DatasetPanel) -> None:
    assert panel.load_button.isEnabled()
    qtbot.mouseClick(panel.load_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.is_loading() and panel.status.text() == "", timeout=LOAD_MS)


def _open_saved(window: MainWindow, folder: Path, template: str, dataset: dict) -> Document:
    project = load_template(template)
    project.dataset = dataset
    save_project(project, folder / "project.json")
    document = Document(project, folder / "project.json")
    window.set_document(document)
    return document


def test_digits_load_off_the_ui_thread_into_labelled_thumbnails_counts_and_notes(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads = []
    real = panel_module.load_dataset

    def recording(settings, base_dir=None):
        threads.append(threading.current_thread())
        return real(settings, base_dir)

    monkeypatch.setattr(panel_module, "load_dataset", recording)
    panel = window.dataset
    assert window.findChild(type(window.dataset_dock), "Dataset") is window.dataset_dock
    _load(qtbot, panel)
    assert threads and threads[0] is not threading.main_thread()
    assert panel.dataset is not None and panel.dataset.name == "digits"
    assert panel.view.thumbnails.isVisibleTo(panel) and not panel.view.rows.isVisibleTo(panel)
    captions = [w.text() for w in panel.view.thumbnails.findChildren(type(panel.status)) if w.text()]
    assert captions == [str(d) for d in range(8)]
    assert panel.view.counts.rowCount() == 10 and panel.view.counts.item(0, 1).text() == "142"
    assert "training-split statistics" in panel.view.notes.text()
    assert panel.fit.text() == "The design already fits this data."
    assert not window.document.is_modified()


def test_setting_edits_are_undoable_and_mark_the_project_modified(qtbot, window: MainWindow) -> None:
    panel, document = window.dataset, window.document
    panel.editors["seed"].edited.emit(7)
    assert document.project.dataset["seed"] == 7 and document.is_modified()
    panel.editors["seed"].edited.emit(8)
    assert document.undo_stack.count() == 1  # consecutive edits of one setting are one step
    panel.editors["source"].edited.emit("csv")
    assert "path" in panel.editors and "augment_flip" not in panel.editors
    assert panel.problems.text() == "dataset.path: the csv source needs a file or folder; choose one"
    assert not panel.load_button.isEnabled()
    document.undo_stack.undo()
    assert document.project.dataset == {"source": "digits", "seed": 8}
    assert "path" not in panel.editors and panel.load_button.isEnabled()
    document.undo_stack.undo()
    assert document.project.dataset == {"source": "digits"} and not document.is_modified()


def test_a_bad_csv_is_shown_inline_with_file_and_line(qtbot, window: MainWindow, tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_text("a,b,label\n1,2,x\n3,oops,y\n4,5,x\n6,7,y\n", encoding="utf-8")
    _open_saved(window, tmp_path, "mlp-tabular", {"source": "csv", "path": "bad.csv"})
    panel = window.dataset
    _load(qtbot, panel)
    assert panel.dataset is None and panel.error.isVisibleTo(panel)
    assert panel.error.text() == (
        f"{tmp_path / 'bad.csv'}:line 3, column 2 ('b'): "
        "'oops' is not a number, but the other values in this column are"
    )
    assert not panel.view.summary.isVisibleTo(panel)


def test_loading_data_the_design_does_not_fit_changes_it_in_one_undo_step(qtbot, window: MainWindow) -> None:
    document = window.document
    window.dataset.editors["source"].edited.emit("iris")
    _load(qtbot, window.dataset)
    design = document.design
    assert design.block(design.find("image")).params["shape"] == [4]
    assert design.block(design.find("fc2")).params["out_features"] == 3
    assert "Design changed to fit the data" in window.dataset.fit.text()
    assert "fc2: out_features 10 → 3" in window.dataset.fit.text()
    assert [p.block for p in document.report.errors] == ["conv1"]  # a CNN cannot take 4 features: it says so
    document.undo_stack.undo()
    assert design.block(design.find("image")).params["shape"] == [1, 8, 8]
    assert design.block(design.find("fc2")).params["out_features"] == 10
    assert document.project.dataset == {"source": "iris"}


def test_browse_stores_a_path_inside_the_project_folder_relative(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = _open_saved(window, tmp_path, "seed-cnn", {"source": "idx"})
    (tmp_path / "mnist").mkdir()
    monkeypatch.setattr(
        panel_module.QFileDialog, "getExistingDirectory", staticmethod(lambda *_a, **_k: str(tmp_path / "mnist"))
    )
    qtbot.mouseClick(window.dataset.browse_button, Qt.MouseButton.LeftButton)
    assert document.project.dataset["path"] == "mnist"
    _load(qtbot, window.dataset)
    assert "mnist: no IDX image files here" in window.dataset.error.text()


def test_a_result_for_another_project_is_dropped(qtbot, window: MainWindow) -> None:
    panel = window.dataset
    panel.editors["source"].edited.emit("iris")
    panel.load()
    other = Document(load_template("lenet-digits"))
    window.set_document(other)
    qtbot.waitUntil(lambda: panel.status.text() == "", timeout=LOAD_MS)
    assert panel.dataset is None and panel.fit.text() == ""
    assert other.design.block(other.design.find("image")).params["shape"] == [1, 8, 8]
    assert not other.is_modified()


def test_settings_the_file_got_wrong_are_listed_and_block_loading(window: MainWindow) -> None:
    project = load_template("lenet-digits")
    project.dataset = {"source": "digits", "seed": "seven", "colour": "red"}
    window.set_document(Document(project))
    panel = window.dataset
    assert panel.editors["seed"].spin.value() == 0
    assert panel.problems.text().splitlines() == [
        "dataset.colour: unknown setting",
        "dataset.seed: seed must be a whole number from 0 to 2147483647, not 'seven'",
    ]
    assert not panel.load_button.isEnabled()
