"""Typed block parameters: defaults, bounds, choices and the checks that go with them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

AUTO = "auto"
"""How an inferred parameter that the user has not pinned is written in a project file."""


class ParamError(ValueError):
    """A parameter value that the declaration refuses; the message says why and what is allowed."""


@dataclass(frozen=True)
class Param:
    """One parameter of a block kind, as the inspector, the checks and the file format see it."""

    name: str
    default: Any
    help: str = ""
    inferred: bool = False
    """Follows from the upstream shape unless the user pins it (``None`` means automatic)."""

    def check(self, value: Any) -> Any:
        """Return ``value`` normalised, or raise :class:`ParamError` saying what is wrong."""
        if self.inferred and value in (None, AUTO):
            return None
        return self._check(value)

    def _check(self, value: Any) -> Any:
        return value

    def to_json(self, value: Any) -> Any:
        return AUTO if value is None and self.inferred else value

    def describe(self) -> str:
        """A short statement of what values are allowed, for messages and tooltips."""
        return ""


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class IntParam(Param):
    minimum: int | None = None
    maximum: int | None = None
    optional: bool = False
    """``None`` is allowed and means what ``none_means`` says."""
    none_means: str = ""

    def _check(self, value: Any) -> Any:
        if value is None and self.optional:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not _is_int(value):
            raise ParamError(f"{self.name} must be a whole number{self._range_text()}, not {value!r}")
        if (self.minimum is not None and value < self.minimum) or (self.maximum is not None and value > self.maximum):
            raise ParamError(f"{self.name} must be{self._range_text(lead=' ')}, not {value}")
        return value

    def _range_text(self, lead: str = " of ") -> str:
        """The allowed range, led by ``lead`` after a noun ("a whole number of at least 1"), by " " alone."""
        if self.minimum is not None and self.maximum is not None:
            return f" from {self.minimum} to {self.maximum}"
        if self.minimum is not None:
            return f"{lead}at least {self.minimum}"
        if self.maximum is not None:
            return f"{lead}at most {self.maximum}"
        return ""

    def describe(self) -> str:
        text = "whole number" + self._range_text()
        return text + (f"; empty means {self.none_means}" if self.optional else "")


@dataclass(frozen=True)
class FloatParam(Param):
    minimum: float | None = None
    maximum: float | None = None
    exclusive_maximum: bool = False

    def _check(self, value: Any) -> Any:
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            raise ParamError(f"{self.name} must be a number{self._range_text()}, not {value!r}")
        value = float(value)
        too_big = self.maximum is not None and (
            value >= self.maximum if self.exclusive_maximum else value > self.maximum
        )
        if (self.minimum is not None and value < self.minimum) or too_big:
            raise ParamError(f"{self.name} must be{self._range_text(lead=' ')}, not {value:g}")
        return value

    def _range_text(self, lead: str = " of ") -> str:
        """The allowed range, led by ``lead`` after a noun ("a number of at least 0"), by " " alone."""
        upper = "below" if self.exclusive_maximum else "at most"
        if self.minimum is not None and self.maximum is not None:
            return f" from {self.minimum:g} to {upper} {self.maximum:g}".replace("to at most", "to")
        if self.minimum is not None:
            return f"{lead}at least {self.minimum:g}"
        if self.maximum is not None:
            return f"{' ' if self.exclusive_maximum else lead}{upper} {self.maximum:g}"
        return ""

    def describe(self) -> str:
        return "number" + self._range_text()


@dataclass(frozen=True)
class BoolParam(Param):
    def _check(self, value: Any) -> Any:
        if not isinstance(value, bool):
            raise ParamError(f"{self.name} must be true or false, not {value!r}")
        return value

    def describe(self) -> str:
        return "true or false"


@dataclass(frozen=True)
class ChoiceParam(Param):
    choices: tuple[str, ...] = ()

    def _check(self, value: Any) -> Any:
        if value not in self.choices:
            raise ParamError(f"{self.name} must be one of {', '.join(self.choices)}; not {value!r}")
        return value

    def describe(self) -> str:
        return "one of " + ", ".join(self.choices)


@dataclass(frozen=True)
class TextParam(Param):
    """A line of text, such as a file path or a column name; empty means what ``empty_means`` says."""

    empty_means: str = ""

    def _check(self, value: Any) -> Any:
        if not isinstance(value, str):
            raise ParamError(f"{self.name} must be text, not {value!r}")
        return value.strip()

    def describe(self) -> str:
        return f"text; empty means {self.empty_means}" if self.empty_means else "text"


@dataclass(frozen=True)
class PaddingParam(Param):
    """Convolution padding: a whole number of elements, or ``"same"`` / ``"valid"``."""

    def _check(self, value: Any) -> Any:
        if value in ("same", "valid"):
            return value
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if not _is_int(value) or value < 0 or value > 1024:
            raise ParamError(f"{self.name} must be same, valid or a whole number from 0 to 1024, not {value!r}")
        return value

    def describe(self) -> str:
        return "same, valid, or a whole number"


@dataclass(frozen=True)
class IntListParam(Param):
    """A list of whole numbers such as a shape (``[1, 28, 28]``) or a dimension order."""

    min_length: int = 1
    max_length: int = 8
    minimum: int | None = None
    maximum: int | None = None

    def _check(self, value: Any) -> Any:
        if isinstance(value, str):
            value = _parse_int_list(value, self.name)
        if not isinstance(value, (list, tuple)) or not all(_is_int(v) for v in value):
            raise ParamError(f"{self.name} must be a list of whole numbers such as 1, 28, 28; not {value!r}")
        if not self.min_length <= len(value) <= self.max_length:
            raise ParamError(f"{self.name} must have {self.min_length} to {self.max_length} numbers, not {len(value)}")
        for v in value:
            if (self.minimum is not None and v < self.minimum) or (self.maximum is not None and v > self.maximum):
                low = "" if self.minimum is None else f" at least {self.minimum}"
                high = "" if self.maximum is None else f" at most {self.maximum}"
                raise ParamError(f"each number in {self.name} must be{low}{' and' if low and high else ''}{high}")
        return list(value)

    def describe(self) -> str:
        return "whole numbers separated by commas"


def _parse_int_list(text: str, name: str) -> list[int]:
    parts = [p.strip() for p in text.replace("×", ",").replace("x", ",").split(",") if p.strip()]
    try:
        return [int(p) for p in parts]
    except ValueError:
        raise ParamError(f"{name} must be whole numbers separated by commas, such as 1, 28, 28; not {text!r}") from None


def check_section(section: str, settings: Any, declared: dict[str, Param]) -> list[str]:
    """The problems of a project's settings section (``"dataset"``, ``"training"``) against its declarations,
    each starting with its place: unknown keys and values each declaration refuses."""
    if not isinstance(settings, dict):
        return [f"{section}: must be an object, not {type(settings).__name__}"]
    problems = [f"{section}.{key}: unknown setting" for key in settings if key not in declared]
    for key, value in settings.items():
        if key in declared:
            try:
                declared[key].check(value)
            except ParamError as exc:
                problems.append(f"{section}.{key}: {exc}")
    return problems
