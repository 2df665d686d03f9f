"""designer export --format train-script with init_weights: the script starts from the weights the engine starts
from, block by block, and a file the engine would refuse refuses the export."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from designer.cli import main
from designer.core.project_file import save_project
from designer.core.templates import load_template

SEED = 3
TIMEOUT = 120


def _first_epoch(metrics) -> dict:
    return json.loads(metrics.read_text().splitlines()[0])


@pytest.fixture(scope="module")
def fine_tuning(tmp_path_factory):
    """mlp-tabular trained for 2 epochs into ``run``, and ``tune.json``: the same design with fc2 narrowed (so fc2
    and fc3 no longer fit the run's weights), starting from ``run`` (relative to the project's folder). One batch
    holds every training sample, so epoch 1 is one step and its training loss is the first step's."""
    folder = tmp_path_factory.mktemp("fine-tuning")
    project = load_template("mlp-tabular")
    project.training = {**project.training, "epochs": 2}
    save_project(project, folder / "base.json")
    assert main(["train", str(folder / "base.json"), "--out", str(folder / "run"), "--quiet"]) == 0
    project.training = {
        **project.training, "epochs": 1, "batch_size": 1000, "cpu_threads": 1, "seed": SEED, "init_weights": "run"
    }  # fmt: skip
    design = project.design
    design.set_param(design.find("fc2"), "out_features", 32)
    design.set_param(design.find("dropout"), "p", 0.0)  # the hand-written model below needs no dropout stream
    save_project(project, folder / "tune.json")
    return folder


def test_the_script_starts_from_the_weights_the_engine_starts_from(fine_tuning, capsys):
    folder = fine_tuning
    assert main(["export", str(folder / "tune.json"), "--format", "train-script", "-o", str(folder / "train.py")]) == 0
    exported = capsys.readouterr().out
    assert "copied into train.start.pt: weights for fc1" in exported
    assert "note: fc2 keeps fresh weights" in exported and "note: fc3 keeps fresh weights" in exported
    assert sorted(torch.load(folder / "train.start.pt", weights_only=True)) == ["fc1.bias", "fc1.weight"]
    assert "'init_weights'" not in (folder / "train.py").read_text()  # the script's SETTINGS name no unused path

    done = subprocess.run(
        [sys.executable, "train.py"], cwd=folder, capture_output=True, text=True, timeout=TIMEOUT
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"starting from {(folder / 'run' / 'best.pt').resolve()}" in done.stdout
    assert "fc2 keeps fresh weights: fc2.weight is 64×64 in best.pt, the design needs 32×64" in done.stdout
    script_loss = _first_epoch(folder / "train-run" / "metrics.jsonl")["train"]["loss"]

    assert main(["train", str(folder / "tune.json"), "--out", str(folder / "engine"), "--quiet"]) == 0
    engine_loss = _first_epoch(folder / "engine" / "metrics.jsonl")["train"]["loss"]

    assert script_loss == pytest.approx(engine_loss, abs=1e-5)
    assert script_loss == pytest.approx(_starting_loss(folder), abs=1e-5)


def _starting_loss(folder) -> float:
    """The loss on every training sample of the starting model written by hand: fc1 from the run's best.pt, fc2 and
    fc3 fresh from the seed, created in the design's order."""
    torch.manual_seed(SEED)
    fc1, fc2, fc3 = nn.Linear(4, 64), nn.Linear(64, 32), nn.Linear(32, 3)
    saved = torch.load(folder / "run" / "best.pt", weights_only=True)
    fc1.load_state_dict({"weight": saved["fc1.weight"], "bias": saved["fc1.bias"]})
    with np.load(folder / "train.npz", allow_pickle=False) as data:
        x, y = torch.from_numpy(data["x_train"]), torch.from_numpy(data["y_train"]).long()
    with torch.no_grad():
        return F.cross_entropy(fc3(F.relu(fc2(F.relu(fc1(x))))), y).item()


def test_a_missing_file_refuses_the_export_with_the_engines_message(fine_tuning, tmp_path, capsys):
    project = load_template("mlp-tabular")
    project.training = {**project.training, "epochs": 1, "init_weights": "gone.pt"}
    save_project(project, tmp_path / "p.json")
    message = f"training.init_weights: {tmp_path / 'gone.pt'} does not exist"

    assert main(["export", str(tmp_path / "p.json"), "--format", "train-script", "-o", str(tmp_path / "t.py")]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "t.py").exists() and not (tmp_path / "t.npz").exists()

    assert main(["train", str(tmp_path / "p.json"), "--out", str(tmp_path / "run"), "--quiet"]) == 1
    assert message in capsys.readouterr().err


def test_weights_that_fit_no_block_refuse_the_export(tmp_path, capsys):
    project = load_template("mlp-tabular")
    save_project(project, tmp_path / "p.json")
    torch.save({"conv.weight": torch.zeros(2, 2)}, tmp_path / "other.pt")
    command = ["export", str(tmp_path / "p.json"), "--format", "train-script", "-o", str(tmp_path / "t.py")]

    assert main([*command, "--weights", str(tmp_path / "other.pt")]) == 1
    err = capsys.readouterr().err
    assert "training.init_weights:" in err and "fits no block of this design" in err and "Traceback" not in err
    assert not (tmp_path / "t.py").exists()


def test_weights_given_on_the_command_line_replace_the_projects(fine_tuning, tmp_path, capsys):
    project = load_template("mlp-tabular")
    project.training = {**project.training, "init_weights": "gone.pt"}
    save_project(project, tmp_path / "p.json")
    command = ["export", str(tmp_path / "p.json"), "--format", "train-script", "-o", str(tmp_path / "t.py")]

    assert main([*command, "--weights", str(fine_tuning / "run")]) == 0
    assert "weights for fc1, fc2, fc3" in capsys.readouterr().out
    saved = torch.load(fine_tuning / "run" / "best.pt", weights_only=True)
    carried = torch.load(tmp_path / "t.start.pt", weights_only=True)
    assert carried.keys() == saved.keys()
    assert all(torch.equal(carried[key], saved[key]) for key in saved)
