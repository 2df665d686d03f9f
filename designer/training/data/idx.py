"""MNIST-format IDX files (``*-images-idx3-ubyte`` with ``*-labels-idx1-ubyte``, optionally ``.gz``).

The header is parsed here, and each file's length is checked against the sizes it declares before anything
is allocated, so a truncated or hostile file is a clear :class:`DataError`, never a crash or a huge allocation.
"""

from __future__ import annotations

import gzip
import math
import re
import zlib
from pathlib import Path
from typing import IO, Any

import numpy as np

from designer.training.data.files import existing_folder
from designer.training.data.raw import RawData
from designer.training.dataset import DataError

UNSIGNED_BYTE = 0x08
MAX_BYTES = 4 * 2**30
"""The largest IDX payload accepted (4 GiB): anything bigger is refused before reading."""
_IMAGES = re.compile(r"^(?P<prefix>.*)images[-.]idx3[-.]ubyte(\.gz)?$")


def load_idx(settings: dict[str, Any]) -> RawData:
    folder = existing_folder(settings["path"])
    pairs = _find_pairs(folder)
    images = [read_idx(image_file, 3) for image_file, _ in pairs]
    labels = [read_idx(label_file, 1) for _, label_file in pairs]
    for (image_file, label_file), x, y in zip(pairs, images, labels, strict=True):
        if len(x) != len(y):
            raise DataError(f"{len(x)} images but {len(y)} labels in {label_file.name}", image_file)
    x = np.concatenate(images).astype(np.float32)[:, None]
    x /= 255.0
    y = np.concatenate(labels).astype(np.int64)
    names = ", ".join(image_file.name for image_file, _ in pairs)
    return RawData(
        name=folder.name,
        task="classification",
        input_kind="image",
        x=x,
        y=y,
        class_names=tuple(str(c) for c in range(int(y.max()) + 1)),
        description=f"{folder.name}: {len(y)} IDX images of 1×{x.shape[2]}×{x.shape[3]}, labels 0–{int(y.max())}.",
        notes=(f"read {names} (all pairs pooled, then split); pixel values scaled to 0–1",),
    )


def _find_pairs(folder: Path) -> list[tuple[Path, Path]]:
    pairs = []
    for image_file in sorted(folder.iterdir()):
        match = _IMAGES.match(image_file.name)
        if not match:
            continue
        prefix = match["prefix"]
        candidates = [folder / f"{prefix}labels{sep}idx1{sep}ubyte{gz}" for sep in "-." for gz in ("", ".gz")]
        label_file = next((c for c in candidates if c.is_file()), None)
        if label_file is None:
            raise DataError(f"no labels file beside it (expected {candidates[0].name})", image_file)
        pairs.append((image_file, label_file))
    if not pairs:
        raise DataError("no IDX image files here (names like train-images-idx3-ubyte, optionally .gz)", folder)
    return pairs


def read_idx(path: Path, rank: int) -> np.ndarray:
    """An unsigned-byte IDX array of ``rank`` dimensions, checked against its header before it is allocated."""
    try:
        with _open(path) as stream:
            dims = _read_header(stream, path, rank)
            expected = math.prod(dims)
            if expected > MAX_BYTES:
                raise DataError(f"the header declares {'×'.join(map(str, dims))} bytes; at most 4 GiB is read", path)
            if path.suffix != ".gz":  # a plain file's length is known before reading: check it first
                _check_length(path, dims, path.stat().st_size - stream.tell())
            payload = stream.read(expected + 1)  # a compressed file is read at most one byte past its declared size
    except (OSError, EOFError, zlib.error) as exc:
        raise DataError(f"cannot be read: {exc}", path) from None
    _check_length(path, dims, len(payload))
    return np.frombuffer(payload, dtype=np.uint8).reshape(dims)


def _check_length(path: Path, dims: tuple[int, ...], length: int) -> None:
    expected = math.prod(dims)
    if length < expected:
        raise DataError(
            f"truncated: the header declares {'×'.join(map(str, dims))} = {expected:,} bytes of data "
            f"but the file holds {length:,}",
            path,
        )
    if length > expected:
        raise DataError(f"more data than the header's {'×'.join(map(str, dims))} declares", path)


def _open(path: Path) -> IO[bytes]:
    if not path.is_file():
        raise DataError("no such file", path)
    return gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")


def _read_header(stream: IO[bytes], path: Path, rank: int) -> tuple[int, ...]:
    magic = stream.read(4)
    if len(magic) < 4 or magic[:2] != b"\0\0":
        raise DataError("not an IDX file (it must start with two zero bytes, a type and a rank)", path, "header")
    if magic[2] != UNSIGNED_BYTE:
        raise DataError(f"data type 0x{magic[2]:02x}; only unsigned bytes (0x08) are read", path, "header")
    if magic[3] != rank:
        raise DataError(
            f"has {magic[3]} dimensions; {'images need 3' if rank == 3 else 'labels need 1'}", path, "header"
        )
    raw_dims = stream.read(4 * rank)
    if len(raw_dims) < 4 * rank:
        raise DataError("truncated inside the header", path, "header")
    dims = tuple(int(d) for d in np.frombuffer(raw_dims, dtype=">u4"))
    if any(d == 0 for d in dims):
        raise DataError(f"declares an empty array ({'×'.join(map(str, dims))})", path, "header")
    return dims
