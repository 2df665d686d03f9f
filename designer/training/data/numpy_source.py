"""NumPy arrays: a ``.npz`` file with inputs and targets, or a folder with ``x.npy`` and ``y.npy``.

Accepted names in a ``.npz``: inputs ``x``, ``X``, ``inputs`` or ``data``; targets ``y``, ``Y``, ``targets`` or
``labels``. Inputs of shape N×F are features, N×T×F sequences and N×C×H×W images. Nothing is unpickled.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from designer.training.data.raw import RawData
from designer.training.data.targets import MAX_AUTO_CLASSES, classes_of
from designer.training.dataset import DataError

INPUT_KEYS = ("x", "X", "inputs", "data")
TARGET_KEYS = ("y", "Y", "targets", "labels")
_KIND_BY_RANK = {2: "features", 3: "sequence", 4: "image"}


def load_numpy(settings: dict[str, Any]) -> RawData:
    path: Path = settings["path"]
    if path.is_dir():
        x_path, y_path = path / "x.npy", path / "y.npy"
        x, y = _load_array(x_path), _load_array(y_path)
    else:
        x_path = y_path = path
        x, y = _load_npz(path)
    for name, array, file in (("x", x, x_path), ("y", y, y_path)):
        if array.ndim == 0:
            raise DataError(f"{name} is a single value; it needs one entry per sample", file)
    if len(x) != len(y):
        raise DataError(f"x has {len(x)} samples but y has {len(y)}; they must be as many", path)
    if x.ndim not in _KIND_BY_RANK:
        raise DataError(
            f"x has shape {'×'.join(map(str, x.shape))}; expected N×F (features), N×T×F (sequences) or "
            "N×C×H×W (images)",
            x_path,
        )
    _check_numbers(x, x_path, "x")
    _check_numbers(y, y_path, "y")
    y_encoded, task, class_names, note = _targets(path, y, settings["target_kind"])
    return RawData(
        name=path.name,
        task=task,
        input_kind=_KIND_BY_RANK[x.ndim],
        x=x.astype(np.float32),
        y=y_encoded,
        class_names=class_names,
        description=f"{path.name}: {len(x)} samples of {'×'.join(map(str, x.shape[1:]))}.",
        notes=(note,),
    )


def _load_array(path: Path) -> np.ndarray:
    if not path.is_file():
        raise DataError("no such file (a NumPy folder needs x.npy and y.npy)", path)
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError) as exc:
        raise DataError(f"not a readable .npy file: {exc}", path) from None


def _load_npz(path: Path) -> tuple[np.ndarray, np.ndarray]:
    if not path.is_file():
        raise DataError("no such file", path)
    try:
        loaded = np.load(path, allow_pickle=False)
        if not isinstance(loaded, np.lib.npyio.NpzFile):
            raise DataError("this is a single array; give a .npz with x and y, or a folder with x.npy and y.npy", path)
        with loaded as archive:
            x_key = next((k for k in INPUT_KEYS if k in archive.files), None)
            y_key = next((k for k in TARGET_KEYS if k in archive.files), None)
            if x_key is None or y_key is None:
                raise DataError(
                    f"found arrays {', '.join(archive.files) or 'none'}; inputs must be named one of "
                    f"{', '.join(INPUT_KEYS)} and targets one of {', '.join(TARGET_KEYS)}",
                    path,
                )
            return archive[x_key], archive[y_key]
    except DataError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise DataError(f"not a readable .npz file: {exc}", path) from None


def _check_numbers(array: np.ndarray, path: Path, name: str) -> None:
    if not any(np.issubdtype(array.dtype, kind) for kind in (np.integer, np.floating, np.bool_)):
        raise DataError(
            f"{name} holds {array.dtype} values; it must hold real numbers (integers, floats or booleans)", path
        )
    if np.issubdtype(array.dtype, np.floating):
        bad = np.flatnonzero(~np.isfinite(array.reshape(len(array), -1)).all(axis=1))
        if len(bad):
            raise DataError(f"{name} has NaN or infinite values ({len(bad)} samples)", path, f"sample {bad[0]}")


def _targets(path: Path, y: np.ndarray, kind: str) -> tuple[np.ndarray, str, tuple[str, ...], str]:
    whole = np.issubdtype(y.dtype, np.integer) or y.dtype == np.bool_
    is_classes = y.ndim == 1 and (
        kind == "classes" or (kind == "auto" and whole and len(np.unique(y)) <= MAX_AUTO_CLASSES)
    )
    if is_classes:
        labels, names = classes_of(path, y)
        return labels, "classification", names, f"y: {len(names)} classes ({', '.join(names[:10])})"
    if kind == "classes":
        raise DataError(f"y has shape {'×'.join(map(str, y.shape))}; class labels need one value per sample", path)
    values = y.astype(np.float32).reshape(len(y), -1)
    return values, "regression", (), f"y: regression on {values.shape[1]} value(s) per sample"
