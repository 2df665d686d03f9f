"""A small digits project and a way to run it in-process, collecting its events."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from designer.core.project import Project
from designer.training.engine import RunRequest, train
from designer.training.stopping import StopRequest
from tests.helpers import chain, image_input


def digits_project(**training: Any) -> Project:
    """Flatten → Linear 32 → ReLU → Linear 10 on the 8×8 digits: a few milliseconds per epoch."""
    project = Project(name="small digits", dataset={"source": "digits"}, training={"epochs": 2, **training})
    chain(
        project.design,
        image_input([1, 8, 8]),
        ("Flatten", {}),
        ("Linear", {"out_features": 32}),
        ("ReLU", {}),
        ("Dropout", {"p": 0.1}),
        ("Linear", {"out_features": 10}),
        ("Output", {"task": "classification"}),
    )
    return project


def run(
    project: Project | None,
    out: Path,
    stop: StopRequest | None = None,
    resume: Path | None = None,
    **overrides: Any,
) -> list[dict[str, Any]]:
    """Train ``project`` into ``out`` (or resume run ``resume``); every event it sent, in order."""
    events: list[dict[str, Any]] = []
    train(RunRequest(project, None, out, resume, overrides), [events.append], stop)
    return events


def of_kind(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [e for e in events if e["event"] == kind]
