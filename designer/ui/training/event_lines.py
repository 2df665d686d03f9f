"""Turning the engine's stdout, which arrives in arbitrary pieces, into events (one JSON object a line)."""

from __future__ import annotations

import json
from typing import Any

from designer.training.events import EVENT_KINDS

MAX_LINE_BYTES = 4 * 2**20
"""A line longer than this is not an event; it is dropped (with a warning) instead of filling the memory."""

_QUOTE_CHARS = 160


class EventLineReader:
    """Collects bytes, hands back the events of every complete line, and keeps the partial last line."""

    def __init__(self) -> None:
        self._pending = bytearray()
        self._skipping = False

    def feed(self, data: bytes) -> list[dict[str, Any]]:
        """The events of the lines completed by ``data``; anything that is not an event becomes a warning."""
        self._pending += data
        *lines, rest = bytes(self._pending).split(b"\n")
        self._pending = bytearray(rest)
        if self._skipping and lines:
            lines, self._skipping = lines[1:], False  # the end of an over-long line
        events = [event for line in lines if (event := self._parse(line)) is not None]
        if len(self._pending) > MAX_LINE_BYTES:
            if not self._skipping:
                events.append(_warning(f"the training engine wrote a line of over {MAX_LINE_BYTES:,} bytes"))
            self._pending.clear()
            self._skipping = True
        return events

    def flush(self) -> list[dict[str, Any]]:
        """The event of a last line that ended without a newline (the process has ended)."""
        line, self._pending, skipped = bytes(self._pending), bytearray(), self._skipping
        self._skipping = False
        event = None if skipped else self._parse(line)
        return [] if event is None else [event]

    def _parse(self, line: bytes) -> dict[str, Any] | None:
        text = line.decode("utf-8", errors="replace").strip()
        if not text:
            return None
        try:
            event = json.loads(text)
        except ValueError:
            return _warning(f"the training engine printed something that is not an event: {_quote(text)}")
        if not isinstance(event, dict) or event.get("event") not in EVENT_KINDS:
            return _warning(f"the training engine sent an event of no known kind: {_quote(text)}")
        return event


def _warning(message: str) -> dict[str, Any]:
    return {"event": "warning", "message": message}


def _quote(text: str) -> str:
    return repr(text if len(text) <= _QUOTE_CHARS else text[:_QUOTE_CHARS] + "…")
