"""NumPy sources: .npz with accepted key names, a folder of x.npy and y.npy, and clear refusals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from designer.training.data import DataError, load_dataset


def _load(path: Path, **settings: object) -> object:
    return load_dataset({"source": "numpy", "path": str(path), "normalize": False, **settings})


def test_npz_with_images_and_integer_labels(tmp_path: Path) -> None:
    x = np.random.default_rng(0).random((40, 3, 5, 5)).astype(np.float32)
    y = np.arange(40) % 4
    np.savez(tmp_path / "d.npz", X=x, labels=y)
    data = _load(tmp_path / "d.npz")
    assert (data.input_kind, data.sample_shape, data.task, data.num_outputs) == (
        "image",
        (3, 5, 5),
        "classification",
        4,
    )
    assert sorted(map(tuple, np.concatenate([data.x_train, data.x_val]).reshape(40, -1))) == sorted(
        map(tuple, x.reshape(40, -1))
    )


def test_folder_with_x_and_y_npy_float_targets_are_regression(tmp_path: Path) -> None:
    np.save(tmp_path / "x.npy", np.zeros((30, 7, 2)))
    np.save(tmp_path / "y.npy", np.linspace(0, 1, 60).reshape(30, 2))
    data = _load(tmp_path)
    assert (data.input_kind, data.task, data.num_outputs) == ("sequence", "regression", 2)


def test_refusals(tmp_path: Path) -> None:
    np.savez(tmp_path / "keys.npz", a=np.zeros((3, 2)), b=np.zeros(3))
    with pytest.raises(DataError, match=r"found arrays a, b; inputs must be named one of x, X, inputs, data"):
        _load(tmp_path / "keys.npz")
    np.savez(tmp_path / "lengths.npz", x=np.zeros((5, 2)), y=np.zeros(4, dtype=int))
    with pytest.raises(DataError, match=r"lengths\.npz: x has 5 samples but y has 4"):
        _load(tmp_path / "lengths.npz")
    np.savez(tmp_path / "objects.npz", x=np.array([{}, {}], dtype=object), y=np.zeros(2))
    with pytest.raises(DataError, match=r"objects\.npz: not a readable \.npz file"):
        _load(tmp_path / "objects.npz")
    x = np.zeros((4, 2))
    x[2, 1] = np.nan
    np.savez(tmp_path / "nan.npz", x=x, y=np.arange(4) % 2)
    with pytest.raises(DataError, match=r"nan\.npz:sample 2: x has NaN"):
        _load(tmp_path / "nan.npz")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match=r"x\.npy: no such file"):
        _load(tmp_path / "empty")
    np.savez(tmp_path / "scalar.npz", x=np.float32(1), y=np.zeros(1))
    with pytest.raises(DataError, match=r"scalar\.npz: x is a single value; it needs one entry per sample"):
        _load(tmp_path / "scalar.npz")
    np.savez(tmp_path / "complex.npz", x=np.zeros((3, 2), np.complex64), y=np.arange(3))
    with pytest.raises(DataError, match=r"complex\.npz: x holds complex64 values; it must hold real numbers"):
        _load(tmp_path / "complex.npz")
    np.save(tmp_path / "single.npy", np.zeros(3))
    with pytest.raises(DataError, match=r"single\.npy: this is a single array; give a \.npz with x and y"):
        _load(tmp_path / "single.npy")
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    with pytest.raises(DataError, match=r"junk\.npz: not a readable"):
        _load(tmp_path / "junk.npz")
