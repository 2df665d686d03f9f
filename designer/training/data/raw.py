"""What a source hands over before splitting: every sample with its target, and what they mean."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class RawData:
    """All samples of one source, not yet split or normalised."""

    name: str
    task: str
    input_kind: str
    x: np.ndarray
    y: np.ndarray
    class_names: tuple[str, ...] = ()
    vocab_size: int | None = None
    description: str = ""
    notes: tuple[str, ...] = field(default=())
