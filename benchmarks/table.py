"""What every benchmark reports: rows of one figure each, with the target it is held to, and one way to print them."""

from __future__ import annotations

import operator
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any

_COMPARISONS: dict[str, Callable[[float, float], bool]] = {"≤": operator.le, "<": operator.lt, "≥": operator.ge}
_UNITS = {"×": "{:.3f}×", "ms": "{:.1f} ms", "s": "{:.2f} s"}
_SUFFIXES = {"×": "×", "ms": " ms", "s": " s"}


@dataclass(frozen=True)
class Target:
    """A bound the figure must keep: ``Target("≤", 1.02)`` passes 1.01 and fails 1.05."""

    relation: str
    bound: float

    def __post_init__(self) -> None:
        if self.relation not in _COMPARISONS:
            raise ValueError(f"a target's relation is one of {', '.join(_COMPARISONS)}, not {self.relation!r}")

    def met_by(self, figure: float) -> bool:
        return _COMPARISONS[self.relation](figure, self.bound)

    def __str__(self) -> str:
        return f"{self.relation} {self.bound:g}"


@dataclass(frozen=True)
class Row:
    """One measured figure: what it measures, what it is compared against, and the numbers behind it."""

    what: str
    against: str
    """What the figure is relative to ("the same network by hand"); empty for an absolute figure."""
    figure: float
    unit: str
    """``"×"`` for a ratio, ``"ms"`` or ``"s"`` for a time."""
    target: Target | None = None
    """``None``: reported, not held to a bound."""
    raw: dict[str, Any] = field(default_factory=dict)
    """The medians, percentiles and counts the figure comes from."""

    def __post_init__(self) -> None:
        if self.unit not in _UNITS:
            raise ValueError(f"a row's unit is one of {', '.join(_UNITS)}, not {self.unit!r}")

    @property
    def verdict(self) -> str:
        """``"pass"``, ``"fail"``, or ``"report"`` when there is no target."""
        if self.target is None:
            return "report"
        return "pass" if self.target.met_by(self.figure) else "fail"

    def shown(self) -> str:
        """The figure with its unit, as the table prints it."""
        return _UNITS[self.unit].format(self.figure)

    def target_shown(self) -> str:
        """The target with the figure's unit ("≤ 1.1×", "< 50 ms"), or a dash."""
        return "—" if self.target is None else f"{self.target}{_SUFFIXES[self.unit]}"

    def to_json(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "against": self.against,
            "figure": self.figure,
            "unit": self.unit,
            "target": None if self.target is None else {"relation": self.target.relation, "bound": self.target.bound},
            "verdict": self.verdict,
            "raw": self.raw,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Row:
        target = data["target"]
        return cls(
            data["what"],
            data["against"],
            float(data["figure"]),
            data["unit"],
            None if target is None else Target(target["relation"], float(target["bound"])),
            dict(data.get("raw", {})),
        )


HEADINGS = ("what", "compared against", "figure", "target", "verdict")


def cells(row: Row) -> tuple[str, str, str, str, str]:
    """The row as the table's five columns."""
    return row.what, row.against or "—", row.shown(), row.target_shown(), row.verdict


def print_table(rows: Iterable[Row], file: IO[str] | None = None) -> None:
    """Print ``rows`` as one aligned text table."""
    lines = [HEADINGS, *(cells(row) for row in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADINGS))]
    out = file or sys.stdout
    for line in lines:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip(), file=out)
