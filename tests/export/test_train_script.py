"""designer export --format train-script: a script with only torch and numpy that trains as the engine does."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pytest
import torch

from designer.cli import main
from designer.core.project import Project
from designer.core.project_file import save_project
from designer.core.templates import load_template
from designer.training.script import imported_packages
from designer.training.script_template import MAIN

TIMEOUT = 300


@pytest.fixture(scope="module")
def lenet(tmp_path_factory):
    """lenet-digits exported once as train.py and train.npz."""
    folder = tmp_path_factory.mktemp("lenet")
    project = folder / "lenet.json"
    save_project(load_template("lenet-digits"), project)
    assert main(["export", str(project), "--format", "train-script", "-o", str(folder / "train.py")]) == 0
    return folder


def _run(folder, *command: str) -> tuple[list[dict], str]:
    """Run ``command`` in ``folder``; the epochs it wrote to metrics.jsonl and what it printed."""
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr[-3000:]
    metrics = folder / "train-run" / "metrics.jsonl"
    rows = [json.loads(line) for line in metrics.read_text().splitlines()]
    return rows, done.stdout


def test_the_script_imports_only_torch_and_numpy_and_the_data_is_beside_it(lenet):
    text = (lenet / "train.py").read_text()
    assert imported_packages(text) == {"numpy", "torch"}
    assert "class DesignedNetwork(nn.Module)" in text
    with np.load(lenet / "train.npz", allow_pickle=False) as data:
        assert data["x_train"].shape == (1438, 1, 8, 8) and data["x_val"].shape == (359, 1, 8, 8)
        assert abs(float(data["x_train"].mean())) < 1e-5  # normalised with training statistics, as the engine does


def test_python_train_py_reaches_97_percent_on_digits(lenet):
    rows, printed = _run(lenet, sys.executable, "train.py")
    print(f"python train.py: validation accuracy per epoch {[round(r['val']['accuracy'], 4) for r in rows]}")
    assert len(rows) == 15
    assert rows[-1]["val"]["accuracy"] >= 0.97
    assert printed.count("epoch ") == 15
    state = torch.load(lenet / "train-run" / "best.pt", weights_only=True)
    assert "conv1.weight" in state  # a plain state dict, no DistributedDataParallel prefix


def test_torchrun_with_two_processes_reaches_97_percent_and_only_rank_0_prints(lenet):
    (lenet / "train-run" / "metrics.jsonl").unlink(missing_ok=True)
    command = (sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "train.py")
    rows, printed = _run(lenet, *command)
    print(f"torchrun, 2 processes: validation accuracy per epoch {[round(r['val']['accuracy'], 4) for r in rows]}")
    assert rows[-1]["val"]["accuracy"] >= 0.97
    assert "training on 2 process(es)" in printed
    assert len(re.findall(r"^epoch 1/15", printed, re.M)) == 1


def test_the_script_trains_as_the_engine_does(tmp_path):
    """Same initial weights, split, normalisation, batch order, optimiser and schedule: the same losses."""
    project = load_template("lenet-digits")
    project.training = {**project.training, "epochs": 2, "cpu_threads": 1}
    save_project(project, tmp_path / "lenet.json")
    assert main(["export", str(tmp_path / "lenet.json"), "--format", "train-script", "-o", str(tmp_path / "t.py")]) == 0
    rows, _ = _run(tmp_path, sys.executable, "t.py")
    assert main(["train", str(tmp_path / "lenet.json"), "--out", str(tmp_path / "engine"), "--quiet"]) == 0
    engine = [json.loads(line) for line in (tmp_path / "engine" / "metrics.jsonl").read_text().splitlines()]
    for ours, theirs in zip(rows, engine, strict=True):
        for part in ("train", "val"):
            assert ours[part]["loss"] == pytest.approx(theirs[part]["loss"], rel=1e-4)


def test_data_that_cannot_be_loaded_is_a_clear_message(tmp_path, capsys):
    project = Project(name="csv", dataset={"source": "csv", "path": "missing.csv"})
    project.design = load_template("mlp-tabular").design
    save_project(project, tmp_path / "p.json")
    assert main(["export", str(tmp_path / "p.json"), "--format", "train-script", "-o", str(tmp_path / "t.py")]) == 1
    err = capsys.readouterr().err
    assert "missing.csv" in err and "Traceback" not in err
    assert not (tmp_path / "t.py").exists()


def test_the_template_uses_only_names_the_script_defines(lenet):
    """Every name MAIN reads is defined in the script, so a renamed engine definition fails here, not on a cluster."""
    text = (lenet / "train.py").read_text()
    for name in ("Tally", "compute_loss", "reduce_tally", "steps_per_epoch", "make_optimizer", "Schedule", "augment"):
        assert name in MAIN
        assert re.search(rf"^(def|class) {name}\b", text, re.M), name
