"""The panel's "start from weights" row: choosing a file, what a run started from, and a real fine-tuning run."""

from __future__ import annotations

import json

import torch
from PySide6.QtWidgets import QFileDialog, QPushButton

from designer.compiler.compile import compile_design
from designer.core.project import Project
from designer.ui.training.run_compare import difference
from designer.ui.training.run_record import RunRecord
from designer.ui.training.snapshot import frozen_project, same_training
from designer.ui.training.status_text import starting_text
from tests.ui.training.helpers import wait_for_end


def test_browse_stores_a_weights_file_in_the_project_s_folder_relative_to_it(saved_window, tmp_path, monkeypatch):
    form = saved_window.training.settings
    document = saved_window.document
    (button,) = form.rows["init_weights"].findChildren(QPushButton)
    assert button.text() == "Browse…"
    chosen = str(tmp_path / "weights" / "w.pt")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (chosen, ""))
    button.click()
    assert document.project.training["init_weights"] == "weights/w.pt"
    assert form.editors["init_weights"].line.text() == "weights/w.pt"
    document.undo_stack.undo()
    assert "init_weights" not in document.project.training


def test_the_empty_field_says_when_an_import_s_weights_beside_the_project_go_unused(saved_window, tmp_path):
    form = saved_window.training.settings
    line = form.editors["init_weights"].line
    assert line.placeholderText() == "fresh weights"
    assert not form.form.isRowVisible(form.weights_note)
    (tmp_path / "lenet.pt").write_bytes(b"")
    form.refresh()
    assert form.form.isRowVisible(form.weights_note)
    assert form.weights_note.text().startswith("lenet.pt beside the project is not used")
    form.set_value("init_weights", "lenet.pt")
    assert line.text() == "lenet.pt" and not form.form.isRowVisible(form.weights_note)


def test_a_run_s_snapshot_holds_the_weights_path_made_absolute_and_still_counts_as_the_same(tmp_path):
    project = Project(name="p", training={"init_weights": "w.pt", "epochs": 2})
    path = tmp_path / "p.json"
    snapshot = frozen_project(project, path)
    assert snapshot.training == {"init_weights": str(tmp_path.resolve() / "w.pt"), "epochs": 2}
    assert same_training(project, snapshot, path)
    project.training["init_weights"] = "other.pt"
    assert not same_training(project, snapshot, path)


def test_runs_are_told_apart_by_the_name_of_the_weights_they_started_from():
    assert difference({"init_weights": ""}, {"init_weights": "/runs/a/model.pt"}) == "init weights fresh → model.pt"


def test_the_status_says_what_a_run_started_from():
    record = RunRecord("run")
    assert starting_text(record) == ""
    record.apply({"event": "start", "init_weights": {"path": "/a/model.pt", "fresh": {"fc": "why"}}})
    assert starting_text(record) == " · from model.pt, 1 block fresh"


def test_the_panel_fine_tunes_from_chosen_weights_with_the_real_engine(saved_window, qtbot, tmp_path):
    torch.manual_seed(5)
    start = compile_design(saved_window.document.design.snapshot()).state_dict()
    torch.save(start, tmp_path / "start.pt")
    settings = saved_window.training.settings
    for name, value in (("epochs", 1), ("batch_size", 256), ("init_weights", "start.pt")):
        settings.set_value(name, value)
    panel = saved_window.training
    panel.train()
    assert panel.running, panel.error.text()
    wait_for_end(qtbot, panel, timeout=120_000)
    record = panel.current
    assert record.state == "finished", record.message
    assert record.init_weights["loaded"] == ["conv1", "conv2", "fc1", "fc2"]
    assert record.init_weights["path"] == str((tmp_path / "start.pt").resolve())
    assert "· from start.pt" in panel.status.text()
    config = json.loads((record.folder / "config.json").read_text())
    assert config["init_weights"]["sha256"] == record.init_weights["sha256"]
