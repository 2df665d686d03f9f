"""The folder a run writes: snapshot, config, metrics, events, weights and summary, each file whole or absent."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

from designer.core.project import Project
from designer.core.project_file import dumps, load_project
from designer.core.runs import new_run_dir, run_stem, runs_folder

PROJECT, CONFIG, METRICS_JSONL, METRICS_CSV = "project.json", "config.json", "metrics.jsonl", "metrics.csv"
EVENTS, LOG, SUMMARY = "events.jsonl", "run.log", "summary.json"
LAST, BEST, CHECKPOINT = "last.pt", "best.pt", "checkpoint.pt"


def default_run_dir(project_path: Path | None, name: str) -> Path:
    """``<project folder>/runs/<project stem>-<YYYYmmdd-HHMMSS>``; a project with no file yet runs in ``./runs``."""
    folder = runs_folder(project_path) if project_path else Path.cwd() / "runs"
    return new_run_dir(folder, run_stem(project_path, name))


class RunFolder:
    """One run's folder. Files a crash could leave half-written are written to a temporary name and renamed.

    The rename keeps every file whole if the engine dies; there is no fsync, which would cost more than a tiny
    model's epoch (a power cut may lose the last epoch's files, never leave half of one). The metrics files grow by
    appending instead: a crash in an append can leave only a last line without its end, which :meth:`read_metrics`
    leaves out.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._metrics_rows = 0
        """How many rows :meth:`write_metrics` has written to the metrics files."""
        self._csv_columns: list[str] = []
        """The columns of the CSV's header, as last written."""

    def create(self) -> RunFolder:
        self.path.mkdir(parents=True, exist_ok=True)
        return self

    def file(self, name: str) -> Path:
        return self.path / name

    def write_text(self, name: str, text: str) -> None:
        self._atomic(name, lambda f: f.write(text.encode("utf-8")))

    def write_json(self, name: str, data: Any) -> None:
        self.write_text(name, json.dumps(data, indent=2, allow_nan=False) + "\n")

    def read_json(self, name: str) -> Any:
        return json.loads(self.file(name).read_text(encoding="utf-8"))

    def save_project(self, project: Project) -> None:
        self.write_text(PROJECT, dumps(project))

    def load_project(self) -> Project:
        return load_project(self.file(PROJECT))

    def save_tensors(self, name: str, state: dict[str, Any]) -> None:
        """``torch.save`` of tensors and plain containers only, so ``torch.load(weights_only=True)`` reads it."""
        self.write_bytes(name, serialized(state))

    def write_bytes(self, name: str, data: bytes) -> None:
        """A file of ``data``: the bytes of :func:`serialized` for weights that two files share, serialised once."""
        self._atomic(name, lambda f: f.write(data))

    def load_tensors(self, name: str) -> dict[str, Any]:
        return torch.load(self.file(name), map_location="cpu", weights_only=True)

    def log(self, text: str) -> None:
        with self.file(LOG).open("a", encoding="utf-8") as f:
            f.write(text.rstrip("\n") + "\n")

    def write_metrics(self, rows: list[dict[str, Any]]) -> None:
        """Every finished epoch so far, as JSON lines (nested) and CSV (one flat column per number).

        ``rows`` is one list that grows by an epoch's row between calls. The first call writes both files whole
        (a resumed run's rows, its later lines left out); later calls append the new rows, each file opened only
        for that (a reader, or Windows, never finds it held). A row with a column the CSV's header lacks has the
        CSV written whole again.
        """
        if self._metrics_rows == 0:
            self.write_text(METRICS_JSONL, _json_lines(rows))
            self._write_csv(rows)
        else:
            new = rows[self._metrics_rows :]
            self._append(METRICS_JSONL, _json_lines(new))
            flat = [_flatten(row) for row in new]
            if all(key in self._csv_columns for row in flat for key in row):
                self._append(METRICS_CSV, _csv_rows(flat, self._csv_columns))
            else:
                self._write_csv(rows)
        self._metrics_rows = len(rows)

    def read_metrics(self) -> list[dict[str, Any]]:
        """The rows of the JSON-lines metrics file; a last line without its end (an append cut short) is left out.

        Raises ``ValueError`` naming the line when one is not a JSON object with an integer ``epoch``.
        """
        path = self.file(METRICS_JSONL)
        if not path.exists():
            return []
        lines = path.read_text(encoding="utf-8").split("\n")[:-1]  # the piece after the last line end is cut short
        rows = []
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError:
                row = None
            if not isinstance(row, dict) or not isinstance(row.get("epoch"), int):
                raise ValueError(f"line {number} of {path} is not an epoch's metrics (a JSON object with its epoch)")
            rows.append(row)
        return rows

    def _write_csv(self, rows: list[dict[str, Any]]) -> None:
        flat = [_flatten(row) for row in rows]
        self._csv_columns = list(dict.fromkeys(key for row in flat for key in row))
        self.write_text(METRICS_CSV, _csv_rows(flat, self._csv_columns, header=True))

    def _append(self, name: str, text: str) -> None:
        with self.file(name).open("ab") as f:
            f.write(text.encode("utf-8"))

    def _atomic(self, name: str, write: Callable[[Any], Any]) -> None:
        target = self.file(name)
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=self.path)
        try:
            if hasattr(os, "fchmod"):  # not on Windows before Python 3.13, where files carry no such mode
                os.fchmod(fd, 0o644)  # mkstemp makes files only their owner can read; run files are for sharing
            with os.fdopen(fd, "wb") as f:
                write(f)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def serialized(state: dict[str, Any]) -> bytes:
    """What ``torch.save`` writes for ``state``. Saved to memory and written in one go, which took about half the
    time of saving into the file itself for the small models measured (many small writes through Python)."""
    buffer = io.BytesIO()
    torch.save(state, buffer)
    return buffer.getvalue()


def _json_lines(rows: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(row, allow_nan=False) + "\n" for row in rows)


def _csv_rows(flat: list[dict[str, Any]], columns: list[str], header: bool = False) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    if header:
        writer.writeheader()
    writer.writerows(flat)
    return out.getvalue()


def _flatten(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"train": {"loss": 1}}`` → ``{"train_loss": 1}``; lists (confusion, per-class numbers) are left out."""
    flat: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}_"))
        elif not isinstance(value, list):
            flat[prefix + key] = value
    return flat
