"""Side-by-side timing: run two contenders alternately so that a noisy, shared machine slows both alike."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType


@dataclass(frozen=True)
class Comparison:
    """Seconds per call of ``ours`` and of the ``reference`` in each round, side by side."""

    ours_rounds: list[float]
    reference_rounds: list[float]

    @property
    def ours_s(self) -> float:
        return statistics.median(self.ours_rounds)

    @property
    def reference_s(self) -> float:
        return statistics.median(self.reference_rounds)

    @property
    def ratio(self) -> float:
        """The median over the rounds of ours / reference within each round.

        A round's two times were taken back to back, so a change in the machine's load between rounds cancels out:
        on a busy 2-core machine this moved about half as much from run to run as the ratio of the medians.
        """
        return statistics.median(o / r for o, r in zip(self.ours_rounds, self.reference_rounds, strict=True))


def compare(
    ours: Callable[[], object],
    reference: Callable[[], object],
    *,
    rounds: int,
    calls: int,
    sync: Callable[[], object] = lambda: None,
    clock: Callable[[], float] = time.perf_counter,
) -> Comparison:
    """Time ``calls`` calls of each, alternating which goes first, ``rounds`` times.

    ``sync`` waits for queued work (``torch.cuda.synchronize`` on a GPU) before each clock reading. ``clock`` may be
    ``time.process_time`` for work on the CPU in one thread: it leaves out the time other processes held the CPU.
    """
    ours(), reference()  # warm up both (allocator, kernels, caches)
    sync()
    ours_times: list[float] = []
    reference_times: list[float] = []
    for i in range(rounds):
        pair = [(ours, ours_times), (reference, reference_times)]
        for fn, times in pair if i % 2 == 0 else reversed(pair):
            start = clock()
            for _ in range(calls):
                fn()
            sync()
            times.append((clock() - start) / calls)
    return Comparison(ours_times, reference_times)


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0–100) of ``values``, by linear interpolation."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values to take a percentile of")
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@contextmanager
def timed(module: ModuleType, name: str) -> Iterator[list[tuple[float, float]]]:
    """Record how long each call of ``module.name`` takes (wall and processor ms) while the block runs."""
    original, spent = getattr(module, name), []

    def wrapper(*args: object, **kwargs: object) -> object:
        start, start_cpu = time.perf_counter(), time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent.append(((time.perf_counter() - start) * 1000, (time.process_time() - start_cpu) * 1000))

    setattr(module, name, wrapper)
    try:
        yield spent
    finally:
        setattr(module, name, original)
