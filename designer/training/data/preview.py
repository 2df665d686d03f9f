"""A few samples with their labels, for the dataset panel to show."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from designer.training.dataset import Dataset


@dataclass(frozen=True)
class Sample:
    x: np.ndarray
    """One sample as the network sees it (normalised when the settings ask)."""
    label: str


def preview(dataset: Dataset, n: int = 8) -> list[Sample]:
    """Up to ``n`` training samples, spread over the classes for classification, with their labels."""
    indices = _spread(dataset, n)
    return [Sample(dataset.x_train[i], label_text(dataset, dataset.y_train[i])) for i in indices]


def label_text(dataset: Dataset, target: np.ndarray) -> str:
    """A target as a person reads it: the class name, or the values rounded."""
    if dataset.task == "classification":
        return dataset.class_names[int(target)]
    values = np.atleast_1d(target).ravel()
    text = ", ".join(f"{v:.3g}" for v in values[:4])
    return text + (", …" if len(values) > 4 else "")


def _spread(dataset: Dataset, n: int) -> list[int]:
    if dataset.task != "classification":
        return list(range(min(n, len(dataset.x_train))))
    by_class = [np.flatnonzero(dataset.y_train == c) for c in range(len(dataset.class_names))]
    picked: list[int] = []
    for round_ in range(n):
        for members in by_class:
            if round_ < len(members) and len(picked) < n:
                picked.append(int(members[round_]))
        if len(picked) >= n or all(round_ >= len(m) for m in by_class):
            break
    return picked
