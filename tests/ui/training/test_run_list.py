"""Several runs of a project: listed, labelled by what changed, overlaid on the charts when ticked."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from tests.ui.training.helpers import wait_for_end


def test_two_runs_are_labelled_by_their_difference_and_overlaid(start_run, monkeypatch, qtbot):
    panel = start_run("finish")
    wait_for_end(qtbot, panel)
    monkeypatch.setenv("FAKE_LR", "0.003")
    start_run("finish")
    wait_for_end(qtbot, panel)
    runs = panel.run_list
    assert runs.topLevelItemCount() == 2
    assert [runs.topLevelItem(i).text(1) for i in range(2)] == ["first run", "learning rate 0.01 → 0.003"]
    assert runs.ticked() == [0, 1]
    assert len(panel.charts.curve_data(1, "loss", "train")[0]) == 2  # the older run, drawn second
    runs.topLevelItem(0).setCheckState(0, Qt.CheckState.Unchecked)
    assert runs.ticked() == [1]
    with pytest.raises(KeyError):  # the unticked run is no longer drawn
        panel.charts.curve_data(1, "loss", "train")
    runs.chosen.emit(0)
    assert panel.current is panel.runs[0]


def test_past_runs_of_the_project_are_listed_when_it_is_opened(saved_window, tmp_path):
    folder = tmp_path / "runs" / "lenet-20260101-090000"
    folder.mkdir(parents=True)
    events = [
        {
            "event": "start",
            "epochs": 1,
            "steps_per_epoch": 1,
            "task": "classification",
            "class_names": ["a", "b"],
            "config": {"learning_rate": 0.01},
        },
        {"event": "step", "epoch": 1, "step": 1, "loss": 0.7},
        {
            "event": "epoch",
            "epoch": 1,
            "train": {"loss": 0.6, "accuracy": 0.5},
            "val": {"loss": 0.65, "accuracy": 0.5},
            "confusion": [[3, 1], [2, 4]],
            "precision": [0.6, 0.8],
            "recall": [0.75, 0.67],
        },
        {"event": "done", "reason": "finished", "best": {"epoch": 1, "metric": "val_loss", "value": 0.65}},
    ]
    (folder / "events.jsonl").write_text("".join(json.dumps(e) + "\n" for e in events))
    panel = saved_window.training
    panel.set_document(saved_window.document, saved_window.scene)
    assert panel.run_list.topLevelItemCount() == 1
    item = panel.run_list.topLevelItem(0)
    assert (item.text(0), item.text(2), item.text(3)) == ("2026-01-01 09:00:00", "finished", "val_loss 0.65 (epoch 1)")
    assert panel.confusion.item(1, 0).text() == "2" and panel.confusion.verticalHeaderItem(1).text() == "b"
    assert panel.charts.curve_data(0, "loss", "") == ([1.0], [0.7])


def write_run(folder, learning_rate: float, loss: float) -> None:
    """A run folder as the engine leaves it: config, summary and events."""
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps({"settings": {"learning_rate": learning_rate}}))
    done = {
        "event": "done",
        "reason": "finished",
        "epochs": 1,
        "best": {"epoch": 1, "metric": "val_loss", "value": loss},
    }
    (folder / "summary.json").write_text(json.dumps(done))
    events = [
        {"event": "start", "epochs": 1, "steps_per_epoch": 1, "config": {"learning_rate": learning_rate}},
        {"event": "step", "epoch": 1, "step": 1, "loss": loss},
        done,
    ]
    (folder / "events.jsonl").write_text("".join(json.dumps(e) + "\n" for e in events))


def test_older_runs_are_read_whole_only_when_shown(saved_window, tmp_path):
    older, newer = tmp_path / "runs" / "lenet-20260101-090000", tmp_path / "runs" / "lenet-20260102-090000"
    write_run(older, 0.01, 0.5)
    write_run(newer, 0.003, 0.4)
    panel = saved_window.training
    panel.set_document(saved_window.document, saved_window.scene)
    runs = panel.run_list
    assert [runs.topLevelItem(i).text(1) for i in range(2)] == ["first run", "learning rate 0.01 → 0.003"]
    assert runs.topLevelItem(0).text(3) == "val_loss 0.5 (epoch 1)"
    assert not panel.runs[0].complete and panel.runs[1].complete
    runs.topLevelItem(0).setCheckState(0, Qt.CheckState.Checked)
    assert panel.runs[0].complete
    assert panel.charts.curve_data(1, "loss", "") == ([1.0], [0.5])
