"""A small digits project without dropout (whose masks differ between processes), and a way to train it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from designer.core.project import Project
from designer.core.project_file import save_project
from tests.helpers import chain, image_input

TIMEOUT = 300


def save_digits_project(folder: Path, validation_fraction: float = 0.2, **training: Any) -> Path:
    """Flatten → Linear 32 → ReLU → Linear 10 on the 8×8 digits, batches of 50 (the last one of 38), saved."""
    project = Project(
        name="digits",
        dataset={"source": "digits", "validation_fraction": validation_fraction},
        training={"epochs": 3, "batch_size": 50, "seed": 3, **training},
    )
    chain(
        project.design,
        image_input([1, 8, 8]),
        ("Flatten", {}),
        ("Linear", {"out_features": 32}),
        ("ReLU", {}),
        ("Linear", {"out_features": 10}),
        ("Output", {"task": "classification"}),
    )
    path = folder / "digits.json"
    save_project(project, path)
    return path


def designer(*args: str) -> subprocess.CompletedProcess:
    """``designer ARGS`` in a process of its own, as a user runs it."""
    command = [sys.executable, "-m", "designer", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)


def events_in(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def metrics_of(run: Path) -> list[dict[str, Any]]:
    return events_in((run / "metrics.jsonl").read_text())
