"""A process that dies ends the run with an error naming its rank; a port in use is reported, not a traceback."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

from designer.core.project_file import load_project
from designer.training import loop
from designer.training.launcher import Processes, culprit
from tests.training.distributed.helpers import TIMEOUT, designer, events_in, save_digits_project
from tests.training.engine.helpers import run


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _rank_of(pid: int) -> int | None:
    environment = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    ranks = [item.split(b"=", 1)[1] for item in environment if item.startswith(b"RANK=")]
    return int(ranks[0]) if ranks else None


def test_a_killed_rank_ends_the_run_with_an_error_naming_it(tmp_path):
    project = save_digits_project(tmp_path, epochs=100_000)
    command = [sys.executable, "-m", "designer", "train", str(project), "--out", str(tmp_path / "run")]
    launcher = subprocess.Popen(
        [*command, "--nproc", "2", "--events", "-"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert launcher.stdout is not None
        for line in launcher.stdout:  # training has started in both processes once an epoch is done
            if '"event": "epoch"' in line:
                break
        rank_1 = next(pid for pid in _children(launcher.pid) if _rank_of(pid) == 1)
        os.kill(rank_1, signal.SIGKILL)
        rest, errors = launcher.communicate(timeout=TIMEOUT)
    finally:
        if launcher.poll() is None:
            launcher.kill()
    last = events_in(rest)[-1]
    assert launcher.returncode == 1
    assert last["event"] == "error" and last["kind"] == "distributed" and last["rank"] == 1
    assert "process 1 of 2" in last["message"] and "SIGKILL" in last["message"]
    assert "process 1 of 2" in errors and "Traceback" not in errors.split("process 1 of 2")[-1]
    recorded = events_in((tmp_path / "run" / "events.jsonl").read_text())[-1]
    assert recorded["rank"] == 1 and (tmp_path / "run" / "last.pt").exists()


def test_a_port_in_use_is_reported_before_anything_starts(tmp_path):
    project = save_digits_project(tmp_path)
    with socket.socket() as taken:
        taken.bind(("", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        done = designer("train", str(project), "--nproc", "2", "--master-port", str(port))
    assert done.returncode == 2
    assert f"port {port}" in done.stderr and "already in use" in done.stderr and "--master-port" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "runs").exists()
    assert time.monotonic() - started < TIMEOUT


def test_alone_on_one_machine_the_launcher_picks_a_free_port():
    assert "--standalone" in Processes(per_machine=2).launcher_args()
    endpoint = Processes(2, machines=2, machine_rank=1, rendezvous="head:29400").launcher_args()
    assert "--rdzv-endpoint=head:29400" in endpoint and "--nnodes=2" in endpoint and "--standalone" not in endpoint


def _failure(exitcode: int, timestamp: int) -> SimpleNamespace:
    return SimpleNamespace(exitcode=exitcode, timestamp=timestamp)


def test_the_culprit_is_the_killed_process_not_those_that_lost_it_or_were_ended_after():
    lost_peer, killed, ended = _failure(1, 100), _failure(-signal.SIGKILL, 100), _failure(-signal.SIGTERM, 99)
    assert culprit({0: lost_peer, 1: killed, 2: ended})[0] == 1
    assert culprit({0: lost_peer, 1: _failure(1, 100), 2: ended})[0] == 1  # another rank before rank 0
    assert culprit({0: _failure(1, 98), 1: _failure(1, 100)})[0] == 0  # the earliest


def test_a_machine_rank_out_of_range_is_refused(tmp_path):
    done = designer("train", str(save_digits_project(tmp_path)), "--nproc", "2", "--nnodes", "2", "--node-rank", "2")
    assert done.returncode == 2 and "--node-rank must be from 0 to 1" in done.stderr


def test_a_loss_that_explodes_is_diverged_at_the_step_one_process_names(tmp_path, monkeypatch):
    """Each process traces the loss to its own share's batches; together they name the step at which one process,
    reading its loss at every step, stops."""
    monkeypatch.setattr(loop, "STEP_EVENT_INTERVAL", 0.0)
    path = save_digits_project(tmp_path, optimizer="sgd", learning_rate=1e10)
    alone = run(load_project(path), tmp_path / "one")[-1]
    assert alone["kind"] == "diverged"
    step = re.search(r"at epoch \d+, step \d+", alone["message"])
    assert step
    two = designer("train", str(path), "--out", str(tmp_path / "two"), "--quiet", "--nproc", "2")
    assert two.returncode == 1
    reported = re.findall(r"the loss became \S+ (at epoch \d+, step \d+)", two.stderr)
    assert reported and set(reported) == {step.group()}, two.stderr
