"""Generated tasks for recurrent and attention models, the same for the same seed.

The default sizes fit the templates: ``gru-forecaster`` (48×1 window, one value ahead), ``lstm-classifier``
(24×4 sequences, 2 classes) and ``transformer-classifier`` (32 tokens of 100 ids, 2 classes).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from designer.training.data.raw import RawData

DEFAULT_LENGTHS = {"sine-forecast": 48, "sequence-classification": 24, "token-classification": 32}
SEQUENCE_CHANNELS = 4
MARKER_TOKEN = 1
"""Token id whose presence is the class in ``token-classification``; id 0 is left free for padding."""


def _length(settings: dict[str, Any]) -> int:
    return settings["sequence_length"] or DEFAULT_LENGTHS[settings["source"]]


def sine_forecast(settings: dict[str, Any]) -> RawData:
    """Noisy sine waves of random frequency, amplitude and phase; the target is the next ``horizon`` values."""
    rng = np.random.default_rng(settings["seed"])
    n, length, horizon = settings["samples"], _length(settings), settings["horizon"]
    steps = np.arange(length + horizon)
    frequency = rng.uniform(0.02, 0.12, (n, 1))
    amplitude = rng.uniform(0.5, 1.5, (n, 1))
    phase = rng.uniform(0, 2 * np.pi, (n, 1))
    wave = amplitude * np.sin(2 * np.pi * frequency * steps + phase)
    noisy = wave + rng.normal(0, 0.05, wave.shape)
    return RawData(
        name="sine-forecast",
        task="regression",
        input_kind="sequence",
        x=noisy[:, :length, None].astype(np.float32),
        y=noisy[:, length:].astype(np.float32),
        description=f"Generated sine waves: from {length} past values, predict the next {horizon}.",
        notes=(f"{n} waves, frequency 0.02–0.12 cycles per step, amplitude 0.5–1.5, noise σ 0.05",),
    )


def sequence_classification(settings: dict[str, Any]) -> RawData:
    """Four noisy channels, one of which carries a sine wave: is that wave slow (class 0) or fast (class 1)?"""
    rng = np.random.default_rng(settings["seed"])
    n, length = settings["samples"], _length(settings)
    labels = rng.integers(0, 2, n)
    cycles = np.where(labels == 1, rng.uniform(3.0, 5.0, n), rng.uniform(0.5, 1.5, n))[:, None]
    phase = rng.uniform(0, 2 * np.pi, (n, 1))
    wave = np.sin(2 * np.pi * cycles * np.arange(length) / length + phase)
    x = rng.normal(0, 0.5, (n, length, SEQUENCE_CHANNELS))
    x[np.arange(n), :, rng.integers(0, SEQUENCE_CHANNELS, n)] += wave
    return RawData(
        name="sequence-classification",
        task="classification",
        input_kind="sequence",
        x=x.astype(np.float32),
        y=labels.astype(np.int64),
        class_names=("slow", "fast"),
        description=f"Generated: {length}×{SEQUENCE_CHANNELS} noisy sequences; one channel holds a sine wave, "
        "slow (0.5–1.5 cycles) or fast (3–5 cycles).",
        notes=(f"{n} sequences, classes balanced at random",),
    )


def token_classification(settings: dict[str, Any]) -> RawData:
    """Random token sequences; class 1 when the marker token appears (one to three times), else class 0."""
    rng = np.random.default_rng(settings["seed"])
    n, length, vocab = settings["samples"], _length(settings), settings["vocab_size"]
    tokens = rng.integers(MARKER_TOKEN + 1, vocab, (n, length))
    labels = rng.integers(0, 2, n)
    for row in np.flatnonzero(labels):
        places = rng.choice(length, size=rng.integers(1, min(3, length) + 1), replace=False)
        tokens[row, places] = MARKER_TOKEN
    return RawData(
        name="token-classification",
        task="classification",
        input_kind="tokens",
        x=tokens.astype(np.int64),
        y=labels.astype(np.int64),
        class_names=("absent", "present"),
        vocab_size=vocab,
        description=f"Generated: {length} token ids from 0–{vocab - 1}; does token {MARKER_TOKEN} appear?",
        notes=(f"{n} sequences; token 0 is never used (free for padding)",),
    )
