"""Gradient norms to colours: a log scale over the norms a run reports, cold (small) to hot (large)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtGui import QColor

STOPS = ((0.0, "#2563eb"), (0.35, "#06b6d4"), (0.6, "#22c55e"), (0.8, "#facc15"), (1.0, "#dc2626"))
"""Blue for vanishing gradients through green to red for exploding ones."""
MIN_DECADES = 2
_TINY = 1e-12


@dataclass(frozen=True)
class GradientScale:
    """Powers of ten from ``low`` to ``high`` (whole numbers, at least :data:`MIN_DECADES` apart)."""

    low: int = -4
    high: int = 0

    @classmethod
    def covering(cls, norms: Iterable[float]) -> GradientScale:
        """The smallest whole-decade scale that holds every norm."""
        logs = [math.log10(max(n, _TINY)) for n in norms if math.isfinite(n)]
        if not logs:
            return cls()
        low, high = math.floor(min(logs)), math.ceil(max(logs))
        if high - low < MIN_DECADES:
            middle = (low + high) / 2
            low, high = math.floor(middle - MIN_DECADES / 2), math.floor(middle - MIN_DECADES / 2) + MIN_DECADES
        return cls(low, high)

    def position(self, norm: float) -> float:
        """Where ``norm`` sits on the scale, from 0 to 1."""
        if not math.isfinite(norm):
            return 1.0
        log = math.log10(max(norm, _TINY))
        return min(max((log - self.low) / (self.high - self.low), 0.0), 1.0)

    def colour(self, norm: float) -> QColor:
        return colour_at(self.position(norm))


def colour_at(position: float) -> QColor:
    """The colour at ``position`` (0 to 1) along :data:`STOPS`."""
    for (left, left_colour), (right, right_colour) in itertools.pairwise(STOPS):
        if position <= right:
            t = (position - left) / (right - left)
            a, b = QColor(left_colour), QColor(right_colour)
            return QColor.fromRgbF(
                a.redF() + (b.redF() - a.redF()) * t,
                a.greenF() + (b.greenF() - a.greenF()) * t,
                a.blueF() + (b.blueF() - a.blueF()) * t,
            )
    return QColor(STOPS[-1][1])


def format_norm(norm: float) -> str:
    """``3.2e-04`` style, short enough for a block's corner."""
    return f"{norm:.1e}" if math.isfinite(norm) else "inf"
