"""CSV files with a header row: numeric columns as numbers, text columns one-hot encoded, a chosen target."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Any

import numpy as np

from designer.training.data.files import read_bytes
from designer.training.data.raw import RawData
from designer.training.data.targets import encode_target
from designer.training.dataset import DataError

MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "?"})
MAX_CATEGORIES = 1000


def load_csv(settings: dict[str, Any]) -> RawData:
    path: Path = settings["path"]
    header, rows, lines = _read_rows(path)
    target = settings["target_column"] or header[-1]
    if target not in header:
        raise DataError(f"there is no column {target!r}; the columns are: {', '.join(header)}", path)
    columns = {name: [row[i] for row in rows] for i, name in enumerate(header)}
    numeric = {name: _is_numeric_column(values) for name, values in columns.items()}
    for i, name in enumerate(header):
        _check_values(path, name, i, columns[name], numeric[name], lines)
    features, notes = _encode_features(path, header, columns, numeric, target)
    y, task, class_names, target_note = encode_target(
        path, target, columns[target], numeric[target], settings["target_kind"]
    )
    return RawData(
        name=path.name,
        task=task,
        input_kind="features",
        x=features,
        y=y,
        class_names=class_names,
        description=f"{path.name}: {len(rows)} rows, {features.shape[1]} input features, target {target!r}.",
        notes=(*notes, target_note),
    )


def _read_rows(path: Path) -> tuple[list[str], list[list[str]], list[int]]:
    data = read_bytes(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DataError(f"not UTF-8 text (byte {exc.start})", path, f"line {line}") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise DataError("the file is empty; it needs a header row and data rows", path) from None
    except csv.Error as exc:
        raise DataError(str(exc), path, "line 1") from None
    _check_header(path, header)
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        for row in reader:
            if not row or all(not value.strip() for value in row):
                continue
            if len(row) != len(header):
                raise DataError(
                    f"has {len(row)} values but the header has {len(header)} columns", path, f"line {reader.line_num}"
                )
            rows.append([value.strip() for value in row])
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise DataError(str(exc), path, f"line {reader.line_num}") from None
    if not rows:
        raise DataError("there are no data rows below the header", path)
    return header, rows, lines


def _check_header(path: Path, header: list[str]) -> None:
    if len(header) < 2:
        raise DataError("the header needs at least two columns: the inputs and the target", path, "line 1")
    for i, name in enumerate(header):
        if not name:
            raise DataError(f"column {i + 1} has no name in the header", path, "line 1")
        if header.index(name) != i:
            raise DataError(f"the column name {name!r} appears twice in the header", path, "line 1")


def _number(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _is_numeric_column(values: list[str]) -> bool:
    """A column is numeric when most of its present values are numbers; the others are then errors."""
    present = [v for v in values if v.lower() not in MISSING]
    return bool(present) and sum(_number(v) is not None for v in present) * 2 > len(present)


def _check_values(path: Path, name: str, index: int, values: list[str], numeric: bool, lines: list[int]) -> None:
    for value, line in zip(values, lines, strict=True):
        where = f"line {line}, column {index + 1} ({name!r})"
        if value.lower() in MISSING:
            raise DataError(f"missing value {value!r}: fill it in or remove the row", path, where)
        if numeric and _number(value) is None:
            raise DataError(f"{value!r} is not a number, but the other values in this column are", path, where)


def _encode_features(
    path: Path, header: list[str], columns: dict[str, list[str]], numeric: dict[str, bool], target: str
) -> tuple[np.ndarray, list[str]]:
    parts: list[np.ndarray] = []
    notes: list[str] = []
    for name in header:
        if name == target:
            continue
        values = columns[name]
        if numeric[name]:
            parts.append(np.array(values, dtype=np.float64)[:, None])
            continue
        categories = sorted(set(values))
        if len(categories) > MAX_CATEGORIES:
            raise DataError(
                f"column {name!r} has {len(categories):,} different text values; one-hot encoding would add that "
                "many inputs: remove the column or make it numeric",
                path,
            )
        index = {c: i for i, c in enumerate(categories)}
        parts.append(np.eye(len(categories))[[index[v] for v in values]])
        shown = ", ".join(categories[:6]) + (", …" if len(categories) > 6 else "")
        notes.append(f"column {name!r} one-hot encoded into {len(categories)} inputs ({shown})")
    return np.concatenate(parts, axis=1).astype(np.float32), notes
