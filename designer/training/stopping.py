"""Asking a run to stop: SIGINT, SIGTERM, or a line ``stop`` on stdin, all setting one flag the loop checks."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import IO


class StopRequest:
    """A flag set from a signal handler or a reader thread, read by the training loop after every step."""

    def __init__(self) -> None:
        self._flag = threading.Event()

    def set(self) -> None:
        self._flag.set()

    def is_set(self) -> bool:
        return self._flag.is_set()

    def on_signals(self) -> Callable[[], None]:
        """Set the flag on SIGINT and SIGTERM (main thread only); returns a function that restores the old handlers."""

        def handler(signum: int, frame: FrameType | None) -> None:
            self.set()

        previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}

        def restore() -> None:
            for sig, old in previous.items():
                signal.signal(sig, old)

        return restore

    def on_stop_line(self, stream: IO[str]) -> threading.Thread:
        """Read ``stream`` on a daemon thread and set the flag when a line ``stop`` arrives; end of input is ignored."""

        def read() -> None:
            try:
                for line in stream:
                    if line.strip().lower() == "stop":
                        self.set()
                        return
            except (OSError, ValueError):  # stdin closed or not readable: only signals can stop the run
                return

        thread = threading.Thread(target=read, name="designer-stop-reader", daemon=True)
        thread.start()
        return thread
