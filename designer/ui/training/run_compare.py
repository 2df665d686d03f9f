"""Naming a run by what differed in its settings from the run before it, e.g. ``learning rate 0.01 → 0.003``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

MAX_CHANGES = 3


def flatten(config: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested settings as dotted keys: ``{"optimizer": {"lr": 0.1}}`` gives ``{"optimizer.lr": 0.1}``."""
    flat: dict[str, Any] = {}
    for key, value in config.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def difference(previous: dict[str, Any] | None, current: dict[str, Any]) -> str:
    """What changed from ``previous`` to ``current``; "first run" without a previous one, "same settings"."""
    if previous is None:
        return "first run"
    before, after = flatten(previous), flatten(current)
    changes = [
        f"{key.replace('_', ' ')} {_show(key, before.get(key))} → {_show(key, after.get(key))}"
        for key in dict.fromkeys([*after, *before])  # in the order the settings declare them
        if before.get(key) != after.get(key)
    ]
    if not changes:
        return "same settings"
    more = len(changes) - MAX_CHANGES
    return ", ".join(changes[:MAX_CHANGES]) + (f" (+{more} more)" if more > 0 else "")


def _show(key: str, value: Any) -> str:
    if key == "init_weights":  # a run records the whole path; its file's name tells the runs apart
        return Path(value).name if value else "fresh"
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
