"""The training engine as a child process: start it on a project file, read its events, stop it.

The engine is ``python -m designer train FILE --events - --out RUN``; tests hand in another command (a fake engine).
Events are parsed as they arrive and buffered; the panel takes them on its own timer, so a fast engine
cannot flood the event loop with repaints.
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QProcess, QTimer, Signal

from designer.ui.training.event_lines import EventLineReader

ENGINE_COMMAND = (
    (sys.executable, "train") if getattr(sys, "frozen", False) else (sys.executable, "-m", "designer", "train")
)
"""In the packaged app (PyInstaller sets ``sys.frozen``) the app's own binary is the ``designer`` command."""
STOP_GRACE_MS = 2000
"""How long the engine has to honour ``stop`` before it is terminated (and as long again before it is killed)."""
READ_CHUNK = 64 * 1024
"""About 400 step events: parsed in a few milliseconds, so a flood of output cannot stall the editor."""
_STDERR_LINES = 40


class EngineProcess(QObject):
    """One run of the engine. ``ended(message)`` comes once, after the last event: empty when the run
    said how it ended (``done`` or ``error``), otherwise why it stopped unexpectedly."""

    ended = Signal(str)

    def __init__(self, command: Sequence[str] = ENGINE_COMMAND, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.command = list(command)
        self._process = QProcess(self)
        self._process.readyReadStandardOutput.connect(self._read_stdout)
        self._process.readyReadStandardError.connect(self._read_stderr)
        self._process.finished.connect(self._on_finished)
        self._process.errorOccurred.connect(self._on_error)
        self._reader = EventLineReader()
        self._events: list[dict[str, Any]] = []
        self._stderr: deque[str] = deque(maxlen=_STDERR_LINES)
        self._stderr_partial = b""
        self._said_how_it_ended = False
        self._stop_requested = False
        self._more_queued = False
        self._terminated = False
        self._has_ended = False
        self._escalation = QTimer(self)
        self._escalation.setSingleShot(True)
        self._escalation.timeout.connect(self._escalate)

    @property
    def running(self) -> bool:
        return self._process.state() != QProcess.ProcessState.NotRunning

    @property
    def process_id(self) -> int:
        """The engine's process id (0 when it is not running)."""
        return int(self._process.processId())

    @property
    def stop_requested(self) -> bool:
        return self._stop_requested

    def start(self, project_file: Path, run_folder: Path, processes: int = 1) -> None:
        """Start training ``project_file``, the run writing its files to ``run_folder``; more than one process
        trains data-parallel, started through torch's launcher (``--nproc``)."""
        arguments = [*self.command[1:], str(project_file), "--events", "-", "--out", str(run_folder)]
        arguments += ["--nproc", str(processes)] if processes > 1 else []
        self._process.start(self.command[0], arguments)

    def stop(self) -> None:
        """Ask the engine to stop; it is terminated if it has not ended within :data:`STOP_GRACE_MS`."""
        if not self.running or self._stop_requested:
            return
        self._stop_requested = True
        self._process.write(b"stop\n")
        self._escalation.start(STOP_GRACE_MS)

    def kill(self) -> None:
        """End the engine at once (the window is closing)."""
        if self.running:
            self._stop_requested = True
            self._process.kill()
            self._process.waitForFinished(STOP_GRACE_MS)

    def take_events(self) -> list[dict[str, Any]]:
        """The events that arrived since the last call, oldest first."""
        events, self._events = self._events, []
        return events

    def stderr_tail(self) -> list[str]:
        """The last lines the engine wrote on stderr."""
        return list(self._stderr)

    # ---- the process ----------------------------------------------------------------------
    def _read_stdout(self) -> None:
        """Parse at most :data:`READ_CHUNK` bytes, then let the event loop run before the rest."""
        self._process.setReadChannel(QProcess.ProcessChannel.StandardOutput)
        self._take(self._reader.feed(bytes(self._process.read(READ_CHUNK).data())))
        if self._process.bytesAvailable() > 0 and not self._more_queued:
            self._more_queued = True
            QTimer.singleShot(0, self._read_more)

    def _read_more(self) -> None:
        self._more_queued = False
        self._read_stdout()

    def _read_all_stdout(self) -> None:
        self._process.setReadChannel(QProcess.ProcessChannel.StandardOutput)
        self._take(self._reader.feed(bytes(self._process.readAll().data())))

    def _read_stderr(self) -> None:
        data = self._stderr_partial + bytes(self._process.readAllStandardError().data())
        *lines, self._stderr_partial = data.split(b"\n")
        self._stderr.extend(text for line in lines if (text := line.decode("utf-8", errors="replace").rstrip()))

    def _take(self, events: list[dict[str, Any]]) -> None:
        self._said_how_it_ended |= any(e["event"] in ("done", "error") for e in events)
        self._events.extend(events)

    def _escalate(self) -> None:
        if self._process.state() == QProcess.ProcessState.NotRunning:
            return
        if self._terminated:
            self._process.kill()
            return
        self._terminated = True
        self._process.terminate()
        self._escalation.start(STOP_GRACE_MS)

    def _on_finished(self, exit_code: int, status: QProcess.ExitStatus) -> None:
        self._escalation.stop()
        self._read_all_stdout()
        self._read_stderr()
        if self._stderr_partial.strip():
            self._stderr.append(self._stderr_partial.decode("utf-8", errors="replace").rstrip())
            self._stderr_partial = b""
        self._take(self._reader.flush())
        if self._said_how_it_ended or self._stop_requested:
            self._end("")
        else:
            crashed = status == QProcess.ExitStatus.CrashExit
            code = "killed" if crashed else f"exit code {exit_code}"
            last = self._stderr[-1] if self._stderr else "no message"
            self._end(f"the training engine stopped unexpectedly ({code}): {last}")

    def _on_error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self._end(f"the training engine could not start ({self.command[0]}): {self._process.errorString()}")

    def _end(self, message: str) -> None:
        if not self._has_ended:
            self._has_ended = True
            self.ended.emit(message)
