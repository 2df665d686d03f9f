"""Generated tasks: repeatable from the seed, shaped for the templates, labelled as their descriptions say."""

from __future__ import annotations

import numpy as np
import pytest

import designer
from designer.training.data import load_dataset
from designer.training.data.configure import changes_to_fit


@pytest.mark.parametrize(
    ("template", "source"),
    [
        ("gru-forecaster", "sine-forecast"),
        ("lstm-classifier", "sequence-classification"),
        ("transformer-classifier", "token-classification"),
        ("lenet-digits", "digits"),
        ("mlp-tabular", "iris"),
    ],
)
def test_default_data_fits_its_template_without_changes(template: str, source: str) -> None:
    project = designer.new_project(template)
    assert project.dataset["source"] == source
    assert changes_to_fit(project.design, load_dataset(project.dataset)) == []


@pytest.mark.parametrize("source", ["sine-forecast", "sequence-classification", "token-classification"])
def test_same_seed_same_data(source: str) -> None:
    settings = {"source": source, "samples": 200, "seed": 5}
    a, b = load_dataset(settings), load_dataset(settings)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert not np.array_equal(a.x_train, load_dataset({**settings, "seed": 6}).x_train)


def test_sine_forecast_target_continues_the_window() -> None:
    data = load_dataset(
        {"source": "sine-forecast", "samples": 50, "sequence_length": 30, "horizon": 3, "normalize": False}
    )
    assert data.sample_shape == (30, 1) and data.y_train.shape[1:] == (3,)
    assert data.num_outputs == 3
    # One step of a wave of at most 0.12 cycles per step moves it at most 2π·0.12·1.5 plus noise.
    jump = np.abs(data.y_train[:, 0] - data.x_train[:, -1, 0])
    assert jump.max() < 2 * np.pi * 0.12 * 1.5 + 0.4


def test_token_classification_label_is_whether_the_marker_appears() -> None:
    data = load_dataset({"source": "token-classification", "samples": 300, "vocab_size": 20, "sequence_length": 10})
    assert data.x_train.dtype == np.int64 and data.vocab_size == 20
    assert data.x_train.min() >= 1 and data.x_train.max() < 20
    np.testing.assert_array_equal((data.x_train == 1).any(axis=1), data.y_train == 1)


def test_sequence_classification_frequency_separates_the_classes() -> None:
    data = load_dataset({"source": "sequence-classification", "samples": 400, "normalize": False})
    spectrum = np.abs(np.fft.rfft(data.x_train, axis=1)).max(axis=2)  # strongest channel per frequency
    predicted = spectrum[:, 3:6].max(axis=1) > spectrum[:, 0:2].max(axis=1)
    assert (predicted == (data.y_train == 1)).mean() > 0.9
