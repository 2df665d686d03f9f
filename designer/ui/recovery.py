"""Autosave to a recovery file while there are unsaved changes, and finding what a crashed session left.

Each session writes ``<id>.json`` (an ordinary project file, written atomically by the project-file
writer) and ``<id>.about`` (the project's own path) in the recovery folder, and holds ``<id>.lock``
while it runs. A recovery file whose lock nobody holds belongs to a session that did not exit cleanly.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QIODevice, QLockFile, QObject, QSaveFile, QTimer, Signal

from designer.core.project import Project
from designer.core.project_file import load_project, save_project
from designer.ui.document import Document

AUTOSAVE_MS = 30_000


@dataclass(frozen=True)
class Leftover:
    """Unsaved work from a session that ended without a clean exit."""

    project_file: Path
    original: Path | None
    """The file the work belongs to; None for a project never saved."""
    saved_at: datetime

    def load(self) -> Project:
        """The saved work; raises ProjectFileError when the recovery file is damaged."""
        return load_project(self.project_file)

    def discard(self) -> None:
        _remove(_session_files(self.project_file))


def leftovers(folder: Path) -> list[Leftover]:
    """Recovery files of sessions that are no longer running, newest first."""
    found = []
    for project_file in folder.glob("*.json") if folder.is_dir() else []:
        lock = _lock(project_file)
        if not lock.tryLock(0):
            continue  # a running session's own file
        lock.unlock()
        try:
            saved_at = datetime.fromtimestamp(project_file.stat().st_mtime)
        except OSError:
            continue  # just taken by another Designer starting at the same time
        found.append(Leftover(project_file, _original(project_file), saved_at))
    return sorted(found, key=lambda leftover: leftover.saved_at, reverse=True)


class Autosave(QObject):
    """Keeps a recovery copy of the open document while it has unsaved changes; emits ``failed(message)``."""

    failed = Signal(str)

    def __init__(self, folder: Path, interval_ms: int = AUTOSAVE_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.folder = folder
        self.project_file = folder / f"{uuid.uuid4().hex}.json"
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.save_now)
        self._lock: QLockFile | None = None
        self._document: Document | None = None
        self._changed = False

    def follow(self, document: Document) -> None:
        """Look after ``document`` instead of the previous one, whose recovery file goes."""
        if self._document is not None:
            self._document.undo_stack.indexChanged.disconnect(self._on_edit)
            self._document.undo_stack.cleanChanged.disconnect(self._on_clean_changed)
        self.discard()
        self._document = document
        document.undo_stack.indexChanged.connect(self._on_edit)
        document.undo_stack.cleanChanged.connect(self._on_clean_changed)
        if document.is_modified():
            self._on_edit()

    def save_now(self) -> None:
        """Write the recovery file if the document changed since the last write and is still unsaved."""
        document = self._document
        if document is None or not document.is_modified():
            self.discard()
            return
        if not self._changed:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._hold_lock()
            _write_about(self.project_file, document.path)
            save_project(document.project, self.project_file)
        except OSError as exc:
            self.failed.emit(f"Autosave failed: {self.project_file}: {exc.strerror or exc}")
            return
        self._changed = False

    def discard(self) -> None:
        """Remove the recovery file (after a save, a clean exit, or when the work is dropped)."""
        self.timer.stop()
        self._changed = False
        _remove([p for p in _session_files(self.project_file) if p.suffix != ".lock"])
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None

    def _hold_lock(self) -> None:
        if self._lock is None:
            lock = _lock(self.project_file)
            if not lock.tryLock(0):
                raise OSError(f"cannot lock {self.project_file.with_suffix('.lock')}")
            self._lock = lock

    def _on_edit(self) -> None:
        self._changed = True
        if not self.timer.isActive():
            self.timer.start()

    def _on_clean_changed(self, clean: bool) -> None:
        if clean:
            self.discard()


def _lock(project_file: Path) -> QLockFile:
    lock = QLockFile(str(project_file.with_suffix(".lock")))
    lock.setStaleLockTime(0)  # stale only when its process is gone, however long a session runs
    return lock


def _session_files(project_file: Path) -> list[Path]:
    return [project_file, project_file.with_suffix(".about"), project_file.with_suffix(".lock")]


def _remove(paths: list[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):  # left behind, it is offered once more at the next start
            path.unlink(missing_ok=True)


def _write_about(project_file: Path, original: Path | None) -> None:
    about = QSaveFile(str(project_file.with_suffix(".about")))
    if not about.open(QIODevice.OpenModeFlag.WriteOnly):
        raise OSError(about.errorString())
    about.write(json.dumps({"path": None if original is None else str(original)}).encode())
    if not about.commit():
        raise OSError(about.errorString())


def _original(project_file: Path) -> Path | None:
    try:
        path = json.loads(project_file.with_suffix(".about").read_text(encoding="utf-8")).get("path")
    except (OSError, ValueError, AttributeError):
        return None  # Without it the work is still restored, as a project never saved.
    return Path(path) if isinstance(path, str) else None
