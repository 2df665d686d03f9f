"""A minimal observer signal, so the editor can follow the model without the model importing Qt."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Signal:
    """Calls every connected function, in connection order, each time it is emitted."""

    def __init__(self) -> None:
        self._slots: list[Callable[..., Any]] = []

    def connect(self, slot: Callable[..., Any]) -> None:
        self._slots.append(slot)

    def disconnect(self, slot: Callable[..., Any]) -> None:
        self._slots.remove(slot)

    def emit(self, *args: Any) -> None:
        for slot in list(self._slots):
            slot(*args)
