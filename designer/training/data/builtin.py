"""The datasets that ship inside scikit-learn: digits (images) and iris, wine, breast cancer (tabular)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from designer.training.data.raw import RawData


def import_scikit_learn() -> None:
    """Import scikit-learn's datasets now, in the calling thread (it takes a while, so not at start-up)."""
    import sklearn.datasets  # noqa: F401


def _sklearn_loader(name: str) -> Callable[[], Any]:
    from sklearn import datasets  # imported here: scikit-learn takes a while to import

    return {
        "digits": datasets.load_digits,
        "iris": datasets.load_iris,
        "wine": datasets.load_wine,
        "breast-cancer": datasets.load_breast_cancer,
    }[name]


def load_digits(settings: dict[str, Any]) -> RawData:
    bunch = _sklearn_loader("digits")()
    x = (bunch.images.astype(np.float32) / 16.0)[:, None, :, :]
    return RawData(
        name="digits",
        task="classification",
        input_kind="image",
        x=x,
        y=bunch.target.astype(np.int64),
        class_names=tuple(str(c) for c in bunch.target_names),
        description="Handwritten digits (scikit-learn): 1×8×8 grayscale images, 10 classes.",
        notes=("pixel values 0–16 scaled to 0–1",),
    )


def load_tabular(settings: dict[str, Any]) -> RawData:
    name = settings["source"]
    bunch = _sklearn_loader(name)()
    return RawData(
        name=name,
        task="classification",
        input_kind="features",
        x=bunch.data.astype(np.float32),
        y=bunch.target.astype(np.int64),
        class_names=tuple(str(c) for c in bunch.target_names),
        description=f"{name} (scikit-learn): {bunch.data.shape[1]} features, {len(bunch.target_names)} classes.",
    )
