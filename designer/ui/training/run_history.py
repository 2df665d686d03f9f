"""Past runs of a project, read back from their folders (``runs/<project>-<date>-<time>/`` beside the project).

A folder's ``events.jsonl`` holds every event the run sent and gives the whole record; a run folder without
it (an older engine, or a run killed before it wrote one) falls back to ``config.json`` and ``metrics.jsonl``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from designer.core.runs import runs_folder
from designer.ui.training.run_record import RunRecord

EVENTS, CONFIG, METRICS, SUMMARY = "events.jsonl", "config.json", "metrics.jsonl", "summary.json"
MAX_RUNS = 50
"""Only the newest runs are read: enough to compare, few enough to open a project quickly."""


def find_runs(project_path: Path) -> list[Path]:
    """The run folders of the project at ``project_path``, oldest first (their names carry the date)."""
    folder = runs_folder(project_path)
    if not folder.is_dir():
        return []
    prefix = f"{project_path.stem}-"
    try:
        found = [p for p in folder.iterdir() if p.is_dir() and p.name.startswith(prefix) and _is_run(p)]
    except OSError:
        return []
    return sorted(found, key=lambda p: p.name)[-MAX_RUNS:]


def read_run_summary(folder: Path) -> RunRecord:
    """What listing the run in ``folder`` needs (its settings and how it ended), without its curves.

    Reading every event of every past run would hold up opening a project; :func:`load_run` reads one
    run whole when it is shown.
    """
    record = RunRecord(name=folder.name, folder=folder, state="stopped", complete=False)
    config = _json_file(folder / CONFIG, record)
    record.config = dict(config.get("settings") or {}) if isinstance(config, dict) else {}
    summary = _json_file(folder / SUMMARY, record) if (folder / SUMMARY).is_file() else None
    if isinstance(summary, dict):
        record.apply(summary)
    return _ended(record)


def load_run(folder: Path) -> RunRecord:
    """The record of the run in ``folder``; unreadable lines are skipped and noted as warnings."""
    record = RunRecord(name=folder.name, folder=folder, state="stopped")
    if (folder / EVENTS).is_file():
        for event in _json_lines(folder / EVENTS, record):
            record.apply(event)
    else:
        config = _json_file(folder / CONFIG, record)
        config = config if isinstance(config, dict) else {}
        record.apply({"event": "start", "config": config.get("settings"), "device": config.get("device", "")})
        for row in _json_lines(folder / METRICS, record):
            record.apply({**row, "event": "epoch"})
    record.folder = folder
    return _ended(record)


def _ended(record: RunRecord) -> RunRecord:
    """A past run is over, even when its folder does not say how it ended."""
    if not record.ended:
        record.state = "stopped"
        record.message = "the run ended without saying how (its engine was stopped or killed)"
    return record


def _is_run(folder: Path) -> bool:
    return any((folder / name).is_file() for name in (EVENTS, CONFIG, METRICS))


def _json_lines(path: Path, record: RunRecord) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        record.warnings.append(f"{path}: {exc.strerror or exc}")
        return []
    rows = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError:
            record.warnings.append(f"{path}:{number}: not a JSON object; skipped")
            continue
        if isinstance(row, dict) and ("event" in row or "epoch" in row):
            rows.append(row)
    return rows


def _json_file(path: Path, record: RunRecord) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        record.warnings.append(f"{path}: {exc}")
        return None
