"""Where training runs live and how their folders are named, shared by the engine and the editor."""

from __future__ import annotations

import re
import time
from pathlib import Path


def runs_folder(project_path: Path) -> Path:
    """The folder beside a project file that holds its runs."""
    return project_path.parent / "runs"


def run_stem(project_path: Path | None, project_name: str) -> str:
    """A run folder's name before its date: the project file's stem, or the project's name made file-safe."""
    if project_path is not None:
        return project_path.stem
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", project_name).strip("-.") or "untitled"


def new_run_dir(folder: Path, stem: str) -> Path:
    """``folder/<stem>-<YYYYmmdd-HHMMSS>``, with ``-2``, ``-3``… when that is taken; not created."""
    base = folder / f"{stem}-{time.strftime('%Y%m%d-%H%M%S')}"
    path, n = base, 1
    while path.exists():
        n += 1
        path = base.with_name(f"{base.name}-{n}")
    return path
