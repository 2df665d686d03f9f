"""The training engine: a project in, a run folder and a stream of events out, every failure a clear ``error`` event.

:func:`train` is what ``designer train`` and the GUI's child process run. It never raises for a problem a user
can meet; it ends with a ``done`` or an ``error`` event, which it also returns.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from designer.core.project import Project
from designer.core.training_settings import TrainingSettingsError
from designer.training.dataset import DataError
from designer.training.distributed import Shard
from designer.training.event_log import EventLog, Listener, json_lines
from designer.training.loop import Diverged
from designer.training.run_folder import CHECKPOINT, EVENTS, LOG, SUMMARY, RunFolder, default_run_dir
from designer.training.session import DesignProblems, OutOfMemory, ResumeError, Session
from designer.training.stopping import StopRequest


@dataclass
class RunRequest:
    """What to train and where: a project (or a run to resume), with settings given on the command line."""

    project: Project | None = None
    project_path: Path | None = None
    """The project file, whose folder holds relative data paths and, by default, the ``runs`` folder."""
    out: Path | None = None
    resume: Path | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    """Training settings that replace the project's (``epochs``, ``device``)."""
    shard: Shard | None = None
    """This process's share of a data-parallel run under torch's launcher; ``None`` for a run of one process."""


def train(
    request: RunRequest, listeners: list[Listener] | None = None, stop: StopRequest | None = None
) -> dict[str, Any]:
    """Run the training ``request`` describes; returns the last event (``done`` or ``error``).

    ``request.out`` should be a new or empty folder: the run's files replace any of the same name.
    """
    events = EventLog(listeners)
    stop = stop or StopRequest()
    path = _run_path(request)
    run = RunFolder(path) if request.shard is None else request.shard.run_folder(path)
    try:
        event_file = run.create().file(EVENTS).open("a", encoding="utf-8")
    except OSError as exc:
        message = f"cannot write the run folder {run.path}: {exc.strerror or exc}; choose another folder"
        return events.emit("error", kind="settings", message=message, run=str(run.path))
    with event_file:
        events.listeners.insert(0, json_lines(event_file))
        try:
            last = Session(request, run, events, stop).execute()
        except Exception as exc:  # every failure becomes an error event, never a traceback
            last = _error_event(events, run, exc)
        finally:
            if request.shard is not None:
                request.shard.leave()
        _write_summary(run, last)
    return last


def _run_path(request: RunRequest) -> Path:
    if request.resume is not None:
        return request.resume
    if request.out is not None:
        return request.out
    name = request.project.name if request.project else "run"
    return default_run_dir(request.project_path, name)


def _error_event(events: EventLog, run: RunFolder, exc: Exception) -> dict[str, Any]:
    kind, message, epoch = _describe_failure(exc)
    if kind == "internal":
        run.log("".join(traceback.format_exception(exc)))
        message += f" (details in {run.file(LOG)})"
    fields = {"kind": kind, "message": message, "run": str(run.path)}
    if epoch is not None:
        fields["epoch"] = epoch
    return events.emit("error", **fields)


def _describe_failure(exc: Exception) -> tuple[str, str, int | None]:
    """The error kind, a message that says what to do, and the epoch when it is known."""
    epoch = getattr(exc, "epoch", None)
    if isinstance(exc, Diverged):
        return "diverged", f"{exc}; {_kept(exc.epoch)} — lower learning_rate or turn on gradient_clipping", epoch
    if isinstance(exc, OutOfMemory):
        return "out of memory", str(exc), epoch
    if isinstance(exc, DataError):
        return "data", str(exc), epoch
    if isinstance(exc, DesignProblems):
        return "design", str(exc), epoch
    if isinstance(exc, (TrainingSettingsError, ResumeError)):
        return "settings", str(exc), epoch
    first_line = (str(exc).strip().splitlines() or [""])[0]
    return "internal", f"{type(exc).__name__}: {first_line}" if first_line else type(exc).__name__, epoch


def _kept(epoch: int) -> str:
    if epoch > 1:
        return f"last.pt keeps the weights of epoch {epoch - 1}"
    return "last.pt keeps the weights the run started with"


def _write_summary(run: RunFolder, last: dict[str, Any]) -> None:
    try:
        checkpoint = run.file(CHECKPOINT).exists()
        run.write_json(SUMMARY, {**last, "run": str(run.path), "resumable": checkpoint})
    except OSError as exc:
        run.log(f"could not write {SUMMARY}: {exc}")
