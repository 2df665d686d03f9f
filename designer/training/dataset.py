"""The one shape every data source is loaded into: a whole dataset in memory, already split."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

TASKS = ("classification", "regression", "multi-label")
INPUT_KINDS = ("features", "image", "sequence", "tokens")
"""The same words as the Input block's ``data`` parameter and the Output block's ``task``."""


class DataError(Exception):
    """A data source that cannot be loaded; ``str()`` names the file, the line or item, and the problem."""

    def __init__(self, message: str, path: Path | str | None = None, where: str | None = None) -> None:
        self.message, self.path, self.where = message, path, where
        place = ":".join(str(p) for p in (path, where) if p is not None)
        super().__init__(f"{place}: {message}" if place else message)


@dataclass(frozen=True)
class Dataset:
    """Samples and targets, split into training and validation, normalised as the settings ask.

    ``x_*`` is float32 (or int64 token ids for ``input_kind == "tokens"``) with the samples along the first axis;
    ``y_*`` is int64 class indices for classification, float32 for regression and multi-label.
    """

    name: str
    task: str
    input_kind: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    class_names: tuple[str, ...] = ()
    vocab_size: int | None = None
    description: str = ""
    notes: tuple[str, ...] = field(default=())
    """What loading did that a user should know (columns encoded, rows dropped, statistics used)."""

    @property
    def sample_shape(self) -> tuple[int, ...]:
        return tuple(self.x_train.shape[1:])

    @property
    def num_outputs(self) -> int:
        """Classes for classification, target values per sample otherwise."""
        if self.task == "classification":
            return len(self.class_names)
        return int(np.prod(self.y_train.shape[1:], dtype=np.int64)) if self.y_train.ndim > 1 else 1
