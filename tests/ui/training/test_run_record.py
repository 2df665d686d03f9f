"""Run records from events, labels of what changed between runs, and past runs read from their folders."""

from __future__ import annotations

import json

import pytest

from designer.ui.training.run_compare import difference
from designer.ui.training.run_history import find_runs, load_run
from designer.ui.training.run_record import RunRecord
from designer.ui.training.status_text import run_time

START = {
    "event": "start",
    "run": "/x",
    "epochs": 2,
    "steps_per_epoch": 4,
    "batch_size": 10,
    "task": "regression",
    "config": {"learning_rate": 0.01, "epochs": 2},
}


def test_steps_are_placed_in_epochs_and_epochs_give_their_metric():
    record = RunRecord("r")
    record.apply(START)
    for step in range(1, 5):
        record.apply({"event": "step", "epoch": 1, "step": step, "loss": 1.0 / step, "lr": 0.1, "samples_per_s": 20.0})
    record.apply({"event": "epoch", "epoch": 1, "train": {"loss": 0.5, "mae": 0.3}, "val": {"loss": 0.6, "mae": 0.4}})
    assert list(record.curves.step_loss.x) == [0.25, 0.5, 0.75, 1.0]
    assert record.metric_name == "mae" and list(record.curves.val_metric.y) == [0.4]
    assert record.eta_s == pytest.approx(4 * 10 / 20.0)  # estimated when the step event has no eta_s
    record.apply({"event": "step", "epoch": 2, "step": 5, "loss": None, "lr": 0.1, "eta_s": 7.0})
    assert len(record.curves.step_loss) == 4 and record.eta_s == 7.0


def test_a_malformed_event_is_a_warning_not_an_exception():
    record = RunRecord("r")
    record.apply({"event": "step", "loss": 1.0})
    record.apply({"event": "epoch", "epoch": "one"})
    assert len(record.warnings) == 2 and "could not read" in record.warnings[0]


def test_a_series_grows_past_its_first_capacity():
    record = RunRecord("r")
    record.apply(START)
    for step in range(1, 1001):
        record.apply({"event": "step", "epoch": 1, "step": step, "loss": float(step)})
    assert list(record.curves.step_loss.y) == [float(s) for s in range(1, 1001)]


def test_runs_are_labelled_by_what_changed():
    assert difference(None, {"learning_rate": 0.01}) == "first run"
    assert difference({"learning_rate": 0.01}, {"learning_rate": 0.003}) == "learning rate 0.01 → 0.003"
    assert difference({"a": 1}, {"a": 1}) == "same settings"
    before = {"optimizer": "adam", "epochs": 10, "early_stopping_patience": None, "momentum": 0.9}
    after = {"optimizer": "sgd", "epochs": 20, "early_stopping_patience": 3, "momentum": 0.5}
    assert (
        difference(before, after) == "optimizer adam → sgd, epochs 10 → 20, early stopping patience none → 3 (+1 more)"
    )
    assert difference({"aug": {"flip": False}}, {"aug": {"flip": True}}) == "aug.flip off → on"


def test_past_runs_are_read_from_events_or_from_metrics(tmp_path):
    project = tmp_path / "net.json"
    runs = tmp_path / "runs"
    full = runs / "net-20260101-120000"
    full.mkdir(parents=True)
    events = [START, {"event": "step", "epoch": 1, "step": 1, "loss": 2.0}, {"event": "done", "reason": "finished"}]
    (full / "events.jsonl").write_text("\n".join(map(json.dumps, events)) + "\nnot json\n")
    killed = runs / "net-20260101-130000"
    killed.mkdir()
    (killed / "config.json").write_text(json.dumps({"settings": {"learning_rate": 0.1}, "device": "cpu"}))
    (killed / "metrics.jsonl").write_text(json.dumps({"epoch": 1, "val": {"loss": 0.9, "accuracy": 0.7}}) + "\n")
    (runs / "other-20260101-120000").mkdir()
    (runs / "net-empty").mkdir()
    assert find_runs(project) == [full, killed]
    first, second = load_run(full), load_run(killed)
    assert first.state == "finished" and list(first.curves.step_loss.y) == [2.0]
    assert first.warnings == [f"{full / 'events.jsonl'}:4: not a JSON object; skipped"]
    assert second.state == "stopped" and "without saying how" in second.message
    assert second.config == {"learning_rate": 0.1} and list(second.curves.val_loss.y) == [0.9]


def test_runs_are_named_by_their_time():
    assert run_time("lenet-20261129-135505", today="20261129") == "13:55:05"
    assert run_time("lenet-20261129-135505-2", today="20261130") == "2026-11-29 13:55:05-2"
    assert run_time("my-run") == "my-run"
