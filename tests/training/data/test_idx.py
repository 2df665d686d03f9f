"""MNIST-format IDX files: read plain or gzipped, and truncated or hostile files refused before allocating."""

from __future__ import annotations

import gzip
import struct
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

import designer
from designer.training.data import DataError, load_dataset
from designer.training.data.configure import changes_to_fit
from tests.training.data.helpers import write_idx


def _mnist_like(
    folder: Path, n: int = 30, compress: bool = False, prefix: str = "train"
) -> tuple[np.ndarray, np.ndarray]:
    folder.mkdir(exist_ok=True)
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    labels = (np.arange(n) % 10).astype(np.uint8)
    gz = ".gz" if compress else ""
    write_idx(folder / f"{prefix}-images-idx3-ubyte{gz}", images, compress)
    write_idx(folder / f"{prefix}-labels-idx1-ubyte{gz}", labels, compress)
    return images, labels


def _load(folder: Path) -> object:
    return load_dataset({"source": "idx", "path": str(folder), "normalize": False})


@pytest.mark.parametrize("compress", [False, True])
def test_reads_images_and_labels_that_fit_the_seed_cnn_template(tmp_path: Path, compress: bool) -> None:
    images, labels = _mnist_like(tmp_path / "mnist", compress=compress)
    data = _load(tmp_path / "mnist")
    assert data.sample_shape == (1, 28, 28) and data.class_names == tuple(str(d) for d in range(10))
    x, y = np.concatenate([data.x_train, data.x_val]), np.concatenate([data.y_train, data.y_val])
    first = np.flatnonzero(np.isclose(x[:, 0], images[0] / 255.0, atol=1e-6).all(axis=(1, 2)))
    assert len(first) == 1 and y[first[0]] == labels[0]
    assert changes_to_fit(designer.new_project("seed-cnn").design, data) == []


def test_train_and_test_pairs_are_pooled(tmp_path: Path) -> None:
    _mnist_like(tmp_path / "m", n=20)
    _mnist_like(tmp_path / "m", n=10, prefix="t10k")
    assert len(_load(tmp_path / "m").y_train) + len(_load(tmp_path / "m").y_val) == 30


def test_truncated_file_says_how_much_is_missing(tmp_path: Path) -> None:
    _mnist_like(tmp_path / "m", n=30)
    path = tmp_path / "m" / "train-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:5000])
    with pytest.raises(DataError, match=r"train-images-idx3-ubyte: truncated: the header declares 30×28×28 = 23,520"):
        _load(tmp_path / "m")


def test_hostile_header_is_refused_without_a_huge_allocation(tmp_path: Path) -> None:
    _mnist_like(tmp_path / "m", n=10)
    huge = bytes([0, 0, 8, 3]) + struct.pack(">3I", 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF) + b"\0" * 100
    (tmp_path / "m" / "train-images-idx3-ubyte").write_bytes(huge)
    tracemalloc.start()
    with pytest.raises(DataError, match=r"declares 4294967295×4294967295×4294967295 bytes; at most 4 GiB"):
        _load(tmp_path / "m")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 50 * 2**20
    # Within the limit but far longer than the file: read only what is there, then refused.
    big = bytes([0, 0, 8, 3]) + struct.pack(">3I", 1_000_000, 28, 28) + b"\0" * 100
    (tmp_path / "m" / "train-images-idx3-ubyte").write_bytes(gzip.compress(big))
    (tmp_path / "m" / "train-images-idx3-ubyte").rename(tmp_path / "m" / "train-images-idx3-ubyte.gz")
    with pytest.raises(
        DataError,
        match=r"truncated: the header declares 1000000×28×28 = 784,000,000 bytes of data but the file holds 100",
    ):
        _load(tmp_path / "m")


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (b"\1\2\3", r"not an IDX file"),
        (bytes([0, 0, 0x0D, 3]), r"data type 0x0d; only unsigned bytes"),
        (bytes([0, 0, 8, 2]) + struct.pack(">2I", 2, 2) + b"\0" * 4, r"has 2 dimensions; images need 3"),
        (bytes([0, 0, 8, 3]) + b"\0\0", r"truncated inside the header"),
        (bytes([0, 0, 8, 3]) + struct.pack(">3I", 0, 28, 28), r"declares an empty array"),
    ],
)
def test_bad_headers(tmp_path: Path, header: bytes, message: str) -> None:
    _mnist_like(tmp_path / "m", n=10)
    (tmp_path / "m" / "train-images-idx3-ubyte").write_bytes(header)
    with pytest.raises(DataError, match=message):
        _load(tmp_path / "m")


def test_extra_bytes_after_the_declared_data_are_refused(tmp_path: Path) -> None:
    _mnist_like(tmp_path / "m", n=10)
    labels = tmp_path / "m" / "train-labels-idx1-ubyte"
    labels.write_bytes(labels.read_bytes() + b"\0")
    with pytest.raises(DataError, match=r"train-labels-idx1-ubyte: more data than the header's 10 declares"):
        _load(tmp_path / "m")


def test_count_mismatch_missing_labels_and_empty_folder(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    _mnist_like(folder, n=10)
    write_idx(folder / "train-labels-idx1-ubyte", np.zeros(9, dtype=np.uint8))
    with pytest.raises(DataError, match=r"10 images but 9 labels in train-labels-idx1-ubyte"):
        _load(folder)
    (folder / "train-labels-idx1-ubyte").unlink()
    with pytest.raises(DataError, match=r"no labels file beside it"):
        _load(folder)
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match=r"empty: no IDX image files here"):
        _load(tmp_path / "empty")
