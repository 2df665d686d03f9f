"""Reading the user's files and folders with messages that name them."""

from __future__ import annotations

from pathlib import Path

from designer.training.dataset import DataError


def read_bytes(path: Path) -> bytes:
    """The whole file; a missing or unreadable file is a :class:`DataError` naming it."""
    if not path.exists():
        raise DataError("no such file", path)
    if path.is_dir():
        raise DataError("this is a folder; choose a file", path)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DataError(exc.strerror or str(exc), path) from None


def existing_folder(path: Path) -> Path:
    """``path`` when it is a folder; otherwise a :class:`DataError` saying what it is instead."""
    if not path.exists():
        raise DataError("no such folder", path)
    if not path.is_dir():
        raise DataError("this is a file; choose the folder that holds the data", path)
    return path
