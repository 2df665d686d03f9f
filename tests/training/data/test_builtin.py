"""The scikit-learn sources: shapes, scaling, a seeded stratified split, training-split normalisation."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import datasets

from designer.training.data import load_dataset


def test_digits_are_8x8_images_scaled_split_and_normalised_with_training_statistics() -> None:
    data = load_dataset({"source": "digits", "normalize": False})
    assert (data.task, data.input_kind, data.sample_shape) == ("classification", "image", (1, 8, 8))
    assert data.class_names == tuple(str(d) for d in range(10))
    assert len(data.x_train) + len(data.x_val) == 1797
    assert data.x_train.min() >= 0.0 and data.x_train.max() == 1.0
    assert len(data.x_val) == pytest.approx(0.2 * 1797, abs=10)

    normalised = load_dataset({"source": "digits"})
    mean, std = data.x_train.mean(), data.x_train.std()
    np.testing.assert_allclose(normalised.x_train, (data.x_train - mean) / std, atol=1e-5)
    np.testing.assert_allclose(normalised.x_val, (data.x_val - mean) / std, atol=1e-5)
    assert any("training-split statistics" in note for note in normalised.notes)


def test_split_is_stratified_and_follows_the_seed() -> None:
    first = load_dataset({"source": "digits", "seed": 3, "validation_fraction": 0.25})
    again = load_dataset({"source": "digits", "seed": 3, "validation_fraction": 0.25})
    other = load_dataset({"source": "digits", "seed": 4, "validation_fraction": 0.25})
    np.testing.assert_array_equal(first.x_val, again.x_val)
    assert not np.array_equal(first.y_val, other.y_val)
    counts_train = np.bincount(first.y_train, minlength=10)
    counts_val = np.bincount(first.y_val, minlength=10)
    np.testing.assert_allclose(counts_val / (counts_train + counts_val), 0.25, atol=0.01)


def test_every_sample_lands_in_exactly_one_split() -> None:
    data = load_dataset({"source": "iris", "normalize": False})
    both = np.concatenate([data.x_train, data.x_val])
    iris = datasets.load_iris().data.astype(np.float32)
    assert sorted(map(tuple, both)) == sorted(map(tuple, iris))


@pytest.mark.parametrize(("source", "features", "classes"), [("iris", 4, 3), ("wine", 13, 3), ("breast-cancer", 30, 2)])
def test_tabular_sources(source: str, features: int, classes: int) -> None:
    data = load_dataset({"source": source})
    assert (data.input_kind, data.sample_shape, data.num_outputs) == ("features", (features,), classes)
    np.testing.assert_allclose(data.x_train.mean(axis=0), 0, atol=1e-4)
    np.testing.assert_allclose(data.x_train.std(axis=0), 1, atol=1e-3)
    assert data.x_train.dtype == np.float32 and data.y_train.dtype == np.int64
