"""designer train --nproc 2: the same epochs as one process, one run folder, events from rank 0 only."""

from __future__ import annotations

import pytest
import torch

from designer.compiler.compile import compile_design
from designer.core.inference import infer
from designer.core.project_file import load_project
from tests.training.distributed.helpers import designer, events_in, metrics_of, save_digits_project

TOLERANCE = 1e-4
"""Relative difference allowed between the losses of one and two processes: the gradients are summed in another
order (measured: about 1e-6 after 3 epochs)."""


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The same project trained by one process and by two, with the same global batch and seed."""
    folder = tmp_path_factory.mktemp("runs")
    project = save_digits_project(folder)
    one = designer("train", str(project), "--out", str(folder / "one"), "--quiet")
    assert one.returncode == 0, one.stderr
    two = designer("train", str(project), "--out", str(folder / "two"), "--nproc", "2", "--events", "-")
    assert two.returncode == 0, two.stderr
    return folder, two


def test_two_processes_give_the_loss_curve_of_one(runs):
    folder, _ = runs
    one, two = metrics_of(folder / "one"), metrics_of(folder / "two")
    assert [row["epoch"] for row in two] == [1, 2, 3]
    for alone, shared in zip(one, two, strict=True):
        for part in ("train", "val"):
            assert shared[part]["loss"] == pytest.approx(alone[part]["loss"], rel=TOLERANCE)
            assert shared[part]["accuracy"] == pytest.approx(alone[part]["accuracy"], abs=1 / 359)
        assert shared["confusion"] == alone["confusion"]  # validation tallies summed over both processes


def test_one_set_of_files_from_rank_0_only(runs):
    folder, two = runs
    files = sorted(p.name for p in (folder / "two").iterdir())
    assert files == sorted(
        ["best.pt", "checkpoint.pt", "config.json", "events.jsonl", "last.pt", "metrics.csv", "metrics.jsonl",
         "project.json", "summary.json"]
    )  # fmt: skip
    assert not (folder / "runs").exists()  # no second run folder beside the project
    for events in (events_in(two.stdout), events_in((folder / "two" / "events.jsonl").read_text())):
        kinds = [e["event"] for e in events]
        assert kinds.count("start") == 1 and kinds.count("done") == 1 and kinds.count("epoch") == 3


def test_best_weights_load_into_the_design_without_a_module_prefix(runs):
    folder, _ = runs
    project = load_project(folder / "two" / "project.json")
    model = compile_design(project.design, infer(project.design))
    state = torch.load(folder / "two" / "best.pt", weights_only=True)
    model.load_state_dict(state)  # strict: the same keys exactly
    assert not any(key.startswith("module.") for key in state)


def test_batches_of_one_leave_a_process_empty_handed_and_still_train_as_one(tmp_path):
    """With batch_size 1 the second process gets no sample in any step; it still joins every gradient exchange."""
    project = save_digits_project(tmp_path, validation_fraction=0.8, epochs=1, batch_size=1, learning_rate=0.0003)
    assert designer("train", str(project), "--out", str(tmp_path / "one"), "--quiet").returncode == 0
    two = designer("train", str(project), "--out", str(tmp_path / "two"), "--quiet", "--nproc", "2")
    assert two.returncode == 0, two.stderr
    alone, shared = metrics_of(tmp_path / "one")[0], metrics_of(tmp_path / "two")[0]
    for part in ("train", "val"):
        assert shared[part]["loss"] == pytest.approx(alone[part]["loss"], rel=TOLERANCE)
