"""Turning a column or array of targets into class indices or regression values."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from designer.training.dataset import DataError

MAX_AUTO_CLASSES = 50
"""Whole-number targets with at most this many distinct values count as classes when the kind is ``auto``."""


def encode_target(
    path: Path, name: str, values: list[str], numeric: bool, kind: str
) -> tuple[np.ndarray, str, tuple[str, ...], str]:
    """Targets from text values: (y, task, class names, a note saying what was done)."""
    if kind == "regression":
        if not numeric:
            raise DataError(f"target column {name!r} holds text, so it cannot be a regression target", path)
        return np.array(values, dtype=np.float32)[:, None], "regression", (), f"target {name!r}: regression"
    if numeric:
        numbers = np.array(values, dtype=np.float64)
        is_classes = kind == "classes" or (
            np.all(numbers == np.round(numbers)) and len(np.unique(numbers)) <= MAX_AUTO_CLASSES
        )
        if not is_classes:
            return numbers.astype(np.float32)[:, None], "regression", (), f"target {name!r}: regression"
        y, classes = classes_of(path, numbers)
        return y, "classification", classes, f"target {name!r}: {len(classes)} classes"
    y, classes = classes_of(path, np.array(values))
    return y, "classification", classes, f"target {name!r}: {len(classes)} classes"


def classes_of(path: Path, values: np.ndarray) -> tuple[np.ndarray, tuple[str, ...]]:
    """Class indices 0…k−1 in sorted order of the distinct values, and the values as class names."""
    distinct, y = np.unique(values, return_inverse=True)
    if len(distinct) < 2:
        raise DataError(f"every target is {_name(distinct[0])!r}: classification needs at least 2 classes", path)
    names = tuple(_name(v) for v in distinct)
    return y.astype(np.int64).reshape(-1), names


def _name(value: object) -> str:
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)
