"""The preview: a few samples spread over the classes, labelled as a person reads them."""

from __future__ import annotations

from designer.training.data import load_dataset
from designer.training.data.preview import preview


def test_digits_preview_shows_one_of_each_class_first() -> None:
    data = load_dataset({"source": "digits"})
    samples = preview(data, n=12)
    assert [s.label for s in samples[:10]] == [str(d) for d in range(10)]
    assert len(samples) == 12 and samples[0].x.shape == (1, 8, 8)


def test_regression_preview_labels_are_the_values() -> None:
    data = load_dataset({"source": "sine-forecast", "samples": 40, "horizon": 2})
    samples = preview(data, n=3)
    assert len(samples) == 3
    first = data.y_train[0]
    assert samples[0].label == f"{first[0]:.3g}, {first[1]:.3g}"
