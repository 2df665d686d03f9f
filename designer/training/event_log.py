"""Sending events: each one stamped with the run's clock and handed to every listener (files, stdout, a GUI)."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from typing import IO, Any

from designer.training.events import EVENT_KINDS

Listener = Callable[[dict[str, Any]], None]


class EventLog:
    """Builds events of the protocol in :mod:`designer.training.events` and passes them on."""

    def __init__(self, listeners: list[Listener] | None = None) -> None:
        self.started = time.monotonic()
        self.listeners: list[Listener] = list(listeners or [])

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def emit(self, kind: str, /, **fields: Any) -> dict[str, Any]:
        assert kind in EVENT_KINDS, kind
        event = {"event": kind, "time": round(self.elapsed(), 3), **_finite(fields)}
        for listener in self.listeners:
            listener(event)
        return event


def json_lines(stream: IO[str], on_closed: Callable[[], None] | None = None) -> Listener:
    """A listener writing one JSON object per line to ``stream``, flushed at once so a reader sees it.

    When the reader has gone (a closed pipe), writing stops and ``on_closed`` is called once.
    """
    closed = False

    def write(event: dict[str, Any]) -> None:
        nonlocal closed
        if closed:
            return
        try:
            stream.write(json.dumps(event, allow_nan=False) + "\n")
            stream.flush()
        except (OSError, ValueError):
            closed = True
            if on_closed is not None:
                on_closed()

    return write


def _finite(value: Any) -> Any:
    """JSON has no NaN or infinity: such numbers become ``null``."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value
