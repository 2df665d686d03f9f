"""Split a source's samples into training and validation with the seed, then normalise with training statistics."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from designer.training.data.raw import RawData
from designer.training.dataset import DataError, Dataset

_STATISTICS_AXES = {"features": (0,), "image": (0, 2, 3), "sequence": (0, 1)}
"""The axes averaged over for each input kind: one mean and deviation per feature, channel or sequence feature."""


def prepare(raw: RawData, settings: dict[str, Any]) -> Dataset:
    """The :class:`Dataset` of ``raw`` split and normalised as ``settings`` ask."""
    if len(raw.x) != len(raw.y):
        raise DataError(f"{len(raw.x)} samples but {len(raw.y)} targets; they must be as many", raw.name)
    if len(raw.x) < 2:
        raise DataError(f"{len(raw.x)} sample(s): at least 2 are needed to split training from validation", raw.name)
    train, val = split_indices(raw, settings["validation_fraction"], settings["seed"])
    x_train, x_val = raw.x[train], raw.x[val]
    notes = list(raw.notes)
    notes.append(_split_note(raw, len(train), len(val), settings))
    if settings["normalize"] and raw.input_kind in _STATISTICS_AXES:
        x_train, x_val, note = _normalise(x_train, x_val, raw.input_kind)
        notes.append(note)
    return Dataset(
        name=raw.name,
        task=raw.task,
        input_kind=raw.input_kind,
        x_train=np.ascontiguousarray(x_train),
        y_train=np.ascontiguousarray(raw.y[train]),
        x_val=np.ascontiguousarray(x_val),
        y_val=np.ascontiguousarray(raw.y[val]),
        class_names=raw.class_names,
        vocab_size=raw.vocab_size,
        description=raw.description,
        notes=tuple(notes),
    )


def split_indices(raw: RawData, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Training and validation indices; per class for classification, so both splits keep the class balance."""
    rng = np.random.default_rng(seed)
    if raw.task != "classification":
        order = rng.permutation(len(raw.x))
        n_val = min(max(1, round(len(order) * fraction)), len(order) - 1)
        return np.sort(order[n_val:]), np.sort(order[:n_val])
    train: list[np.ndarray] = []
    val: list[np.ndarray] = []
    for label in np.unique(raw.y):
        members = rng.permutation(np.flatnonzero(raw.y == label))
        n_val = round(len(members) * fraction) if len(members) > 1 else 0
        val.append(members[:n_val])
        train.append(members[n_val:])
    train_idx, val_idx = np.sort(np.concatenate(train)), np.sort(np.concatenate(val))
    if len(val_idx) == 0:  # every class has one sample: fall back to a plain random hold-out
        return split_indices(replace(raw, task="regression"), fraction, seed)
    return train_idx, val_idx


def _split_note(raw: RawData, n_train: int, n_val: int, settings: dict[str, Any]) -> str:
    how = "stratified by class" if raw.task == "classification" else "at random"
    return f"split {n_train} training / {n_val} validation samples {how} with seed {settings['seed']}"


def _normalise(x_train: np.ndarray, x_val: np.ndarray, kind: str) -> tuple[np.ndarray, np.ndarray, str]:
    axes = _STATISTICS_AXES[kind]
    mean = x_train.mean(axis=axes, keepdims=True, dtype=np.float64).astype(np.float32)
    # Deviations in float32, sums in float64: half the memory of a float64 copy, and as exact for data in [0, 1].
    std = np.sqrt(np.square(x_train - mean).mean(axis=axes, keepdims=True, dtype=np.float64)).astype(np.float32)
    constant = std < 1e-8
    std[constant] = 1.0
    what = {"features": "feature", "image": "channel", "sequence": "sequence feature"}[kind]
    note = f"normalised each {what} to mean 0, standard deviation 1 using training-split statistics"
    if constant.any():
        note += f" ({int(constant.sum())} constant in training left unscaled)"
    return _scaled(x_train, mean, std), _scaled(x_val, mean, std), note


def _scaled(x: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    out = np.subtract(x, mean, dtype=np.float32)
    out /= std
    return out
