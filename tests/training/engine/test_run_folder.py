"""A run writes a complete folder: its weights load without executing code and give the logged numbers back."""

from __future__ import annotations

import csv
import json
import os
import stat

import pytest
import torch

from designer.compiler.compile import compile_design
from designer.core.project_file import load_project
from designer.training.data import load_dataset
from designer.training.metrics import compute_loss
from designer.training.run_folder import RunFolder
from tests.training.engine.helpers import digits_project, of_kind, run

FILES = (
    "project.json",
    "config.json",
    "metrics.jsonl",
    "metrics.csv",
    "events.jsonl",
    "last.pt",
    "best.pt",
    "checkpoint.pt",
    "summary.json",
)


def test_a_run_writes_every_file(tmp_path):
    events = run(digits_project(epochs=2), tmp_path / "run")
    folder = tmp_path / "run"
    assert sorted(p.name for p in folder.iterdir()) == sorted(FILES)
    assert [e["event"] for e in map(json.loads, (folder / "events.jsonl").read_text().splitlines())] == [
        e["event"] for e in events
    ]
    config = json.loads((folder / "config.json").read_text())
    assert config["settings"]["epochs"] == 2 and config["device"] == "cpu" and config["precision"] == "fp32"
    assert config["versions"]["torch"] == torch.__version__
    assert config["cpu_threads"] == 1, "a design this small trains on one thread"
    rows = list(csv.DictReader((folder / "metrics.csv").open()))
    assert [int(r["epoch"]) for r in rows] == [1, 2]
    assert {"train_loss", "train_accuracy", "val_loss", "val_accuracy", "lr", "samples_per_s"} <= set(rows[0])
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["event"] == "done" and summary["reason"] == "finished" and summary["epochs"] == 2
    for name in ("last.pt", "best.pt", "checkpoint.pt"):
        torch.load(folder / name, weights_only=True)


def test_best_weights_reproduce_the_logged_validation_loss(tmp_path):
    events = run(digits_project(epochs=3), tmp_path / "run")
    best = of_kind(events, "done")[0]["best"]
    logged = next(e for e in of_kind(events, "epoch") if e["epoch"] == best["epoch"])["val"]
    assert best["metric"] == "val_loss" and best["value"] == logged["loss"]

    project = load_project(tmp_path / "run" / "project.json")
    model = compile_design(project.design)
    model.load_state_dict(torch.load(tmp_path / "run" / "best.pt", weights_only=True))
    model.eval()
    dataset = load_dataset(project.dataset)
    with torch.no_grad():
        x, y = torch.from_numpy(dataset.x_val), torch.from_numpy(dataset.y_val)
        output = model(x)
    assert compute_loss("classification", output, y).item() == pytest.approx(logged["loss"], rel=1e-5)
    assert (output.argmax(1) == y).float().mean().item() == pytest.approx(logged["accuracy"])


def test_best_weights_are_the_bytes_of_last_weights_of_the_same_epoch(tmp_path):
    events = run(digits_project(epochs=2, seed=3), tmp_path / "run")
    assert of_kind(events, "epoch")[-1]["best"], "this seed improves at its last epoch"
    assert (tmp_path / "run" / "best.pt").read_bytes() == (tmp_path / "run" / "last.pt").read_bytes()
    checkpoint = torch.load(tmp_path / "run" / "checkpoint.pt", weights_only=True)
    best = torch.load(tmp_path / "run" / "best.pt", weights_only=True)
    assert best.keys() == checkpoint["model"].keys()
    assert all(torch.equal(best[k], checkpoint["model"][k]) for k in best)


def test_resume_continues_the_epoch_count_as_if_never_stopped(tmp_path):
    whole = run(digits_project(epochs=4), tmp_path / "whole")
    run(digits_project(epochs=2), tmp_path / "part")
    resumed = run(None, tmp_path / "unused", resume=tmp_path / "part", epochs=4)

    assert of_kind(resumed, "start")[0]["resumed_from_epoch"] == 2
    assert [e["epoch"] for e in of_kind(resumed, "epoch")] == [3, 4]
    assert of_kind(resumed, "done")[0]["epochs"] == 4
    assert [e["val"] for e in of_kind(resumed, "epoch")] == [e["val"] for e in of_kind(whole, "epoch")[2:]]
    rows = [json.loads(line) for line in (tmp_path / "part" / "metrics.jsonl").read_text().splitlines()]
    assert [r["epoch"] for r in rows] == [1, 2, 3, 4]
    assert not (tmp_path / "unused").exists()


def test_a_finished_run_asks_for_more_epochs_to_resume(tmp_path):
    run(digits_project(epochs=1), tmp_path / "run")
    error = run(None, tmp_path / "unused", resume=tmp_path / "run")[-1]
    assert error["event"] == "error" and error["kind"] == "settings"
    assert "finished 1 of 1 epochs" in error["message"] and "--epochs" in error["message"]


def test_the_design_is_fitted_to_the_data_with_a_warning_per_change(tmp_path):
    project = digits_project(epochs=1)
    output_layer = project.design.find("linear_2")
    project.design.set_param(output_layer, "out_features", 3)
    events = run(project, tmp_path / "run")
    warnings = [e["message"] for e in of_kind(events, "warning")]
    assert any("out_features 3 → 10" in w for w in warnings)
    assert events[-1]["event"] == "done"
    snapshot = load_project(tmp_path / "run" / "project.json")
    assert snapshot.design.block(output_layer).params["out_features"] == 10
    assert project.design.block(output_layer).params["out_features"] == 3, "the user's design is left alone"


@pytest.mark.parametrize("has_fchmod", [True, False], ids=["posix", "no-fchmod (Windows, Python < 3.13)"])
def test_files_are_written_whole_and_readable_by_others_where_modes_exist(tmp_path, monkeypatch, has_fchmod):
    if not has_fchmod:
        monkeypatch.delattr(os, "fchmod", raising=False)
    folder = RunFolder(tmp_path / "run").create()
    folder.write_json("config.json", {"epochs": 2})
    assert folder.read_json("config.json") == {"epochs": 2}
    assert [p.name for p in folder.path.iterdir()] == ["config.json"], "no temporary file is left behind"
    if has_fchmod:
        assert stat.S_IMODE(folder.file("config.json").stat().st_mode) == 0o644
