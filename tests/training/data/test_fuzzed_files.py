"""Random broken files for every user source: each load either works or raises DataError, never anything else."""

from __future__ import annotations

import random
import struct
from pathlib import Path

import numpy as np
import pytest

from designer.training.data import DataError, load_dataset

ROUNDS = 40
CSV_VALUES = ["1", "2.5", "x", "", "nan", "inf", '"q,"', "1e400", "-0", "é", "\x00", '"', "y"]


def _csv(rng: random.Random, folder: Path) -> dict:
    lines = [",".join(rng.choice(CSV_VALUES) for _ in range(rng.randint(1, 5))) for _ in range(rng.randint(1, 7))]
    path = folder / "data.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    kind = rng.choice(["auto", "classes", "regression"])
    return {"source": "csv", "path": str(path), "target_column": rng.choice(["", "x", "1"]), "target_kind": kind}


def _npz(rng: random.Random, folder: Path) -> dict:
    arrays = {}
    for key in rng.sample(["x", "y", "X", "labels", "z"], rng.randint(0, 3)):
        shape = tuple(rng.randint(0, 3) for _ in range(rng.randint(0, 5)))
        arrays[key] = np.zeros(shape, dtype=rng.choice([np.float32, np.int64, np.bool_, np.complex64, "U3"]))
    np.savez(folder / "data.npz", **arrays)
    return {"source": "numpy", "path": str(folder / "data.npz"), "target_kind": rng.choice(["auto", "classes"])}


def _idx(rng: random.Random, folder: Path) -> dict:
    rank = rng.choice([0, 1, 3, 255])
    noise = bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 40)))
    (folder / "train-images-idx3-ubyte").write_bytes(bytes([0, 0, 8, rank]) + noise)
    count = rng.randint(0, 3)
    labels = bytes([0, 0, 8, 1]) + struct.pack(">I", count) + bytes(rng.randint(0, 3))
    (folder / "train-labels-idx1-ubyte").write_bytes(labels)
    return {"source": "idx", "path": str(folder)}


def _images(rng: random.Random, folder: Path) -> dict:
    for c in range(rng.randint(0, 3)):
        (folder / f"class{c}").mkdir()
        for k in range(rng.randint(0, 2)):
            noise = bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 30)))
            (folder / f"class{c}" / f"{k}.png").write_bytes(noise)
    return {"source": "image-folder", "path": str(folder)}


@pytest.mark.parametrize("make", [_csv, _npz, _idx, _images], ids=["csv", "numpy", "idx", "image-folder"])
def test_broken_files_give_data_errors_only(tmp_path: Path, make) -> None:
    rng = random.Random(make.__name__)
    for round_ in range(ROUNDS):
        folder = tmp_path / str(round_)
        folder.mkdir()
        settings = make(rng, folder)
        try:
            load_dataset(settings)
        except DataError as exc:
            assert str(exc)  # a message, naming the place where there is one
