"""``designer train --nproc``: start the training processes through torch's elastic launcher, and say how they ended.

The launcher (``torch.distributed.run``, the code behind ``torchrun``) runs ``python -m designer train`` once per
process; each one finds its rank in its environment (:class:`designer.training.distributed.Shard`). Rank 0 writes
the run folder and the events; this process adds an ``error`` event naming the rank when a process dies.
"""

from __future__ import annotations

import os
import signal
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from designer.training.event_log import EventLog, json_lines
from designer.training.run_folder import CHECKPOINT, EVENTS, SUMMARY, RunFolder


class LaunchError(Exception):
    """Processes that cannot be started as asked; the message says what to change."""


@dataclass(frozen=True)
class Processes:
    """How many processes to train with, on how many machines, and where they meet (torchrun's options)."""

    per_machine: int = 1
    machines: int = 1
    machine_rank: int = 0
    rendezvous: str | None = None
    """``host:port`` of the c10d rendezvous every machine connects to."""
    master_addr: str | None = None
    master_port: int | None = None

    @property
    def world_size(self) -> int:
        return self.per_machine * self.machines

    @property
    def distributed(self) -> bool:
        return self.world_size > 1

    def launcher_args(self) -> list[str]:
        """The options of ``torch.distributed.run`` for these processes; alone on one machine, a free port."""
        args = [f"--nproc-per-node={self.per_machine}", f"--nnodes={self.machines}", f"--node-rank={self.machine_rank}"]
        if self.rendezvous:
            return [*args, "--rdzv-backend=c10d", f"--rdzv-endpoint={self.rendezvous}"]
        if self.master_addr or self.master_port:
            args += [f"--master-addr={self.master_addr or '127.0.0.1'}"]
            return args + ([f"--master-port={self.master_port}"] if self.master_port else [])
        return [*args, "--standalone"] if self.machines == 1 else args

    def check(self) -> None:
        """Raise :class:`LaunchError` for a machine rank out of range, or when the port this machine must open for
        the others is already in use."""
        if not 0 <= self.machine_rank < self.machines:
            raise LaunchError(f"--node-rank must be from 0 to {self.machines - 1} for {self.machines} machine(s)")
        host, port = self._own_endpoint()
        if port is None:
            return
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((host, port))
            except OSError:
                option = "--rdzv-endpoint" if self.rendezvous else "--master-port"
                raise LaunchError(
                    f"port {port} on {host} is already in use (another run, or another program, holds it); "
                    f"choose a free port with {option}" + ("" if self.machines > 1 else ", or leave it out")
                ) from None

    def _own_endpoint(self) -> tuple[str, int | None]:
        """The address and port this machine serves: only the first machine opens one, and only on itself."""
        if self.rendezvous:
            host, _, port = self.rendezvous.rpartition(":")
            local = host in ("localhost", "127.0.0.1", "0.0.0.0", socket.gethostname(), socket.getfqdn())
            return (host if local else "", int(port)) if local and port.isdigit() else ("", None)
        if self.master_port and self.machine_rank == 0:
            return "", self.master_port
        return "", None


def launch(processes: Processes, worker_args: list[str], run_path: Path, events: EventLog) -> dict[str, Any]:
    """Train with ``python -m designer train WORKER_ARGS`` in every process; the run's last event.

    Raises :class:`LaunchError` when the processes cannot be started (a port in use, a rendezvous that fails).
    """
    from torch.distributed.elastic.multiprocessing.api import SignalException
    from torch.distributed.elastic.multiprocessing.errors import ChildFailedError
    from torch.distributed.run import parse_args, run

    processes.check()
    # One thread per process, as torchrun sets it, without its warning; a cpu_threads setting still overrides it.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    args = parse_args([*processes.launcher_args(), "--module", "designer", "train", *worker_args])
    try:
        run(args)
    except ChildFailedError as exc:
        return _failure(exc, processes, RunFolder(run_path), events)
    except SignalException:  # stopped: the processes were asked to stop and rank 0 recorded how they ended
        pass
    except Exception as exc:  # the rendezvous and the store raise many kinds
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise LaunchError(f"torch's launcher could not start the processes: {first_line}") from None
    last = _last_event(RunFolder(run_path))
    if last is None:
        message = f"the processes ended without recording the run in {run_path}"
        return events.emit("error", kind="distributed", message=message, run=str(run_path))
    return last


def _failure(exc: Any, processes: Processes, run: RunFolder, events: EventLog) -> dict[str, Any]:
    """The error event for processes that failed: rank 0's own when it says why, else one naming the culprit."""
    last = _last_event(run)
    if last is not None and last["event"] == "error" and last["kind"] != "internal":
        return last  # a problem with the data, design, settings or memory, said in rank 0's own words
    rank, failure = culprit(exc.failures)
    if rank == 0 and last is not None and last["event"] == "error":
        return last
    if failure.exitcode < 0:
        how = f"was killed by {failure.signal_name()}"
    else:
        how = f"ended with exit status {failure.exitcode}" + (" (its message is above)" if rank else "")
    message = (
        f"process {rank} of {processes.world_size} (local rank {failure.local_rank}) {how}; "
        "the run stopped — last.pt keeps the last finished epoch"
    )
    fields = {"kind": "distributed", "message": message, "rank": rank, "run": str(run.path)}
    if not run.path.is_dir():
        return events.emit("error", **fields)
    with run.file(EVENTS).open("a", encoding="utf-8") as event_file:
        event = EventLog([json_lines(event_file), *events.listeners]).emit("error", **fields)
    run.write_json(SUMMARY, {**event, "resumable": run.file(CHECKPOINT).exists()})
    return event


def culprit(failures: dict[int, Any]) -> tuple[int, Any]:
    """The rank whose failure ended the run, and its failure.

    A process killed by a signal comes first; then one that failed on its own; last one that the launcher ended
    with SIGTERM after another had failed. A process that lost its peers fails too (an "internal" error of rank 0
    about a connection): among failures alike, the earliest, and another rank before rank 0.
    """

    def order(item: tuple[int, Any]) -> tuple[int, int, bool]:
        rank, failure = item
        kind = 2 if failure.exitcode == -signal.SIGTERM else 0 if failure.exitcode < 0 else 1
        return kind, failure.timestamp, rank == 0

    return min(failures.items(), key=order)


def _last_event(run: RunFolder) -> dict[str, Any] | None:
    """The event rank 0 ended the run with, from its summary; ``None`` when it wrote none."""
    try:
        return run.read_json(SUMMARY)
    except (OSError, ValueError):
        return None
