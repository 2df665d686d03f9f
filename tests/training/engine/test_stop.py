"""Stopping a run: the flag in-process, a line ``stop`` on stdin, and SIGTERM, each ending with done/stopped."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from designer.core.project_file import save_project
from designer.training.engine import RunRequest, train
from designer.training.stopping import StopRequest
from tests.training.engine.helpers import digits_project, of_kind, run

HANG_GUARD = 120
"""Seconds before a test gives up on a run that should have stopped (a guard against hanging, not a timing)."""


def test_a_stop_during_an_epoch_keeps_the_last_finished_epoch(tmp_path):
    stop = StopRequest()
    events: list[dict] = []

    def listen(event: dict) -> None:
        events.append(event)
        if event["event"] == "step" and event["epoch"] == 2:
            stop.set()

    train(RunRequest(digits_project(epochs=50, batch_size=32), None, tmp_path / "run"), [listen], stop)
    done = events[-1]
    assert done["event"] == "done" and done["reason"] == "stopped" and done["epochs"] == 1
    assert [e["epoch"] for e in of_kind(events, "epoch")] == [1]
    checkpoint = torch.load(tmp_path / "run" / "checkpoint.pt", weights_only=True)
    last = torch.load(tmp_path / "run" / "last.pt", weights_only=True)
    assert checkpoint["epoch"] == 1
    assert all(torch.equal(last[k], checkpoint["model"][k]) for k in last)


def test_a_stop_before_the_first_epoch_ends_with_no_epochs(tmp_path):
    stop = StopRequest()
    stop.set()
    events = run(digits_project(epochs=5), tmp_path / "run", stop)
    assert events[-1]["reason"] == "stopped" and events[-1]["epochs"] == 0 and events[-1]["best"] is None


def _engine(tmp_path: Path) -> subprocess.Popen:
    project = tmp_path / "digits.json"
    save_project(digits_project(epochs=100_000), project)
    return subprocess.Popen(
        [sys.executable, "-m", "designer", "train", str(project), "--events", "-", "--out", str(tmp_path / "run")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )


def _wait_for_training(engine: subprocess.Popen) -> list[dict]:
    events = []
    for line in engine.stdout:
        events.append(json.loads(line))
        if events[-1]["event"] == "step":
            return events
    raise AssertionError(f"the engine ended early: {engine.stderr.read()}")


def _finish(engine: subprocess.Popen, events: list[dict]) -> list[dict]:
    out, err = engine.communicate(timeout=HANG_GUARD)
    events += [json.loads(line) for line in out.splitlines()]
    assert engine.returncode == 0, err
    return events


def test_a_stop_line_on_stdin_ends_the_engine(tmp_path):
    engine = _engine(tmp_path)
    events = _wait_for_training(engine)
    engine.stdin.write("stop\n")
    engine.stdin.flush()
    events = _finish(engine, events)
    assert events[-1]["event"] == "done" and events[-1]["reason"] == "stopped"
    assert (tmp_path / "run" / "summary.json").exists()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_sigint_stop_a_run(tmp_path, signum):
    stop = StopRequest()
    restore = stop.on_signals()
    events: list[dict] = []

    def listen(event: dict) -> None:
        events.append(event)
        if event["event"] == "epoch":
            os.kill(os.getpid(), signum)

    try:
        train(RunRequest(digits_project(epochs=50), None, tmp_path / "run"), [listen], stop)
    finally:
        restore()
    assert events[-1]["event"] == "done" and events[-1]["reason"] == "stopped"
    assert (
        signal.getsignal(signal.SIGTERM) is not None and signal.getsignal(signal.SIGINT) is signal.default_int_handler
    )
