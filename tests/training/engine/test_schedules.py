"""Optimisers and learning-rate schedules as the settings ask, each resumable from a weights-only checkpoint."""

from __future__ import annotations

import math

import pytest
import torch

from tests.training.engine.helpers import digits_project, of_kind, run


@pytest.mark.parametrize("schedule", ["none", "step", "cosine", "one-cycle", "plateau"])
@pytest.mark.parametrize("optimizer", ["adam", "adamw", "sgd"])
def test_every_optimizer_and_schedule_trains_and_checkpoints(tmp_path, optimizer, schedule):
    events = run(digits_project(epochs=2, optimizer=optimizer, schedule=schedule, batch_size=256), tmp_path / "run")
    assert events[-1]["event"] == "done", events[-1]
    state = torch.load(tmp_path / "run" / "checkpoint.pt", weights_only=True)
    assert state["epoch"] == 2 and state["optimizer"]["state"]


def test_step_and_cosine_set_the_learning_rate_of_each_epoch(tmp_path):
    step = run(digits_project(epochs=3, schedule="step", step_every=1, step_factor=0.5), tmp_path / "step")
    assert [e["lr"] for e in of_kind(step, "epoch")] == pytest.approx([0.001, 0.0005, 0.00025])
    cosine = run(digits_project(epochs=2, schedule="cosine", learning_rate=0.01), tmp_path / "cosine")
    assert [e["lr"] for e in of_kind(cosine, "epoch")] == pytest.approx([0.01, 0.01 * (1 + math.cos(math.pi / 2)) / 2])


def test_one_cycle_warms_up_to_the_learning_rate_and_anneals_per_step(tmp_path):
    events = run(digits_project(epochs=4, schedule="one-cycle", learning_rate=0.01, batch_size=64), tmp_path / "r")
    at_epoch_start = [e["lr"] for e in of_kind(events, "epoch")]
    assert at_epoch_start[0] == pytest.approx(0.01 / 25)
    assert at_epoch_start[0] < at_epoch_start[1] <= 0.01 and at_epoch_start[1] > at_epoch_start[2] > at_epoch_start[3]
    assert of_kind(events, "step")[-1]["lr"] < 0.01 / 1000, "the cycle ends far below where it started"


def test_early_stopping_ends_a_run_that_stopped_improving(tmp_path):
    events = run(digits_project(epochs=30, learning_rate=0.0, early_stopping_patience=2), tmp_path / "run")
    done = events[-1]
    assert done["reason"] == "early stopping" and done["epochs"] == 3 and done["best"]["epoch"] == 1
