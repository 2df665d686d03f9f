"""Points of a chart curve that grow one at a time, kept in numpy arrays so a chart takes them whole."""

from __future__ import annotations

import numpy as np

_FIRST_CAPACITY = 256


class Series:
    """x and y values appended in order; :attr:`x` and :attr:`y` are views of the filled part."""

    def __init__(self) -> None:
        self._data = np.empty((2, _FIRST_CAPACITY), dtype=np.float64)
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def append(self, x: float, y: float) -> None:
        if self._size == self._data.shape[1]:
            grown = np.empty((2, 2 * self._size), dtype=np.float64)
            grown[:, : self._size] = self._data
            self._data = grown
        self._data[0, self._size] = x
        self._data[1, self._size] = y
        self._size += 1

    @property
    def x(self) -> np.ndarray:
        return self._data[0, : self._size]

    @property
    def y(self) -> np.ndarray:
        return self._data[1, : self._size]
