"""The metrics files grow by appending, survive an append cut short, and give a resumed run its rows back."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from designer.training.distributed import ReadOnlyRunFolder
from designer.training.run_folder import METRICS_CSV, METRICS_JSONL, RunFolder
from tests.training.engine.helpers import digits_project, of_kind, run


def _row(epoch: int, **extra: float) -> dict:
    return {"epoch": epoch, "train": {"loss": 1.0 / epoch}, "val": {"loss": 2.0 / epoch}, **extra}


def _csv(folder: Path) -> list[dict[str, str]]:
    return list(csv.DictReader((folder / METRICS_CSV).open(newline="")))


def test_later_epochs_are_appended_after_the_lines_already_written(tmp_path):
    folder = RunFolder(tmp_path).create()
    rows = [_row(1)]
    folder.write_metrics(rows)
    first_line = (tmp_path / METRICS_JSONL).read_text()
    marked = first_line.replace('"loss": 1.0', '"loss": 1.5')  # stands in for the line an earlier call wrote
    (tmp_path / METRICS_JSONL).write_text(marked)
    rows += [_row(2), _row(3)]
    folder.write_metrics(rows)
    folder.write_metrics(rows)  # no new row: nothing added

    assert (tmp_path / METRICS_JSONL).read_text() == marked + "".join(json.dumps(r) + "\n" for r in rows[1:])
    assert folder.read_metrics()[1:] == rows[1:]
    assert [r["epoch"] for r in _csv(tmp_path)] == ["1", "2", "3"]
    assert _csv(tmp_path)[2] == {"epoch": "3", "train_loss": str(1 / 3), "val_loss": str(2 / 3)}


def test_a_row_with_a_new_column_writes_the_csv_whole_with_it(tmp_path):
    folder = RunFolder(tmp_path).create()
    rows = [_row(1), _row(2)]
    folder.write_metrics(rows[:1])
    folder.write_metrics(rows)
    rows.append(_row(3, lr=0.5))
    folder.write_metrics(rows)
    table = _csv(tmp_path)
    assert list(table[0]) == ["epoch", "train_loss", "val_loss", "lr"]
    assert [r["lr"] for r in table] == ["", "", "0.5"]
    assert [r["epoch"] for r in folder.read_metrics()] == [1, 2, 3]


def test_a_last_line_cut_short_is_left_out_and_a_broken_one_is_named(tmp_path):
    folder = RunFolder(tmp_path).create()
    whole = json.dumps(_row(1)) + "\n"
    (tmp_path / METRICS_JSONL).write_text(whole + '{"epoch": 2, "tra')
    assert folder.read_metrics() == [_row(1)]
    (tmp_path / METRICS_JSONL).write_text(whole + "not json\n" + whole)
    with pytest.raises(ValueError, match=re.escape(f"line 2 of {tmp_path / METRICS_JSONL} is not an epoch's metrics")):
        folder.read_metrics()


def test_a_process_other_than_rank_0_writes_no_metrics(tmp_path):
    folder = ReadOnlyRunFolder(tmp_path)
    rows = [_row(1)]
    folder.write_metrics(rows)
    rows.append(_row(2))
    folder.write_metrics(rows)
    assert list(tmp_path.iterdir()) == []


def test_a_resume_drops_rows_past_its_checkpoint_and_an_append_cut_short(tmp_path):
    whole = run(digits_project(epochs=3), tmp_path / "whole")
    run(digits_project(epochs=1), tmp_path / "part")
    metrics = tmp_path / "part" / METRICS_JSONL
    # A crash after epoch 2's row was written but before its checkpoint, then in the middle of appending epoch 3's.
    metrics.write_text(metrics.read_text() + json.dumps(_row(2)) + "\n" + '{"epoch": 3, "train": {"lo')

    resumed = run(None, tmp_path / "unused", resume=tmp_path / "part", epochs=3)
    assert [e["val"] for e in of_kind(resumed, "epoch")] == [e["val"] for e in of_kind(whole, "epoch")[1:]]
    rows = RunFolder(tmp_path / "part").read_metrics()
    assert [r["epoch"] for r in rows] == [1, 2, 3] and metrics.read_text().endswith("\n")
    assert [r["val"] for r in rows] == [e["val"] for e in of_kind(whole, "epoch")]
    assert [r["epoch"] for r in _csv(tmp_path / "part")] == ["1", "2", "3"]


def test_a_resume_from_broken_metrics_is_a_settings_error_naming_the_line(tmp_path):
    run(digits_project(epochs=1), tmp_path / "run")
    metrics = tmp_path / "run" / METRICS_JSONL
    metrics.write_text("[1, 2]\n" + metrics.read_text())
    error = run(None, tmp_path / "unused", resume=tmp_path / "run", epochs=2)[-1]
    assert error["event"] == "error" and error["kind"] == "settings"
    assert "cannot be resumed" in error["message"] and f"line 1 of {metrics}" in error["message"]
