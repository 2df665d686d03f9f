"""One open project: its design, file path, undo stack, and the latest inference report."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack

from designer.core.design import DesignGraph
from designer.core.incremental import IncrementalInference
from designer.core.inference import DesignReport
from designer.core.project import Project
from designer.core.project_file import save_project
from designer.core.summary import Summary, summarize

_EVENT_NAMES = (
    "block_added",
    "block_removed",
    "block_renamed",
    "param_changed",
    "connected",
    "disconnected",
    "batch_ended",
)
"""The changes that can alter shapes and problems (a move cannot)."""
SUMMARY_DELAY_MS = 50
"""How long the summary waits after an edit: the canvas is painted first, and a burst of edits counts once."""


class Document(QObject):
    """Holds a project while it is edited and keeps its inference report and summary up to date.

    The report follows every change to the design at once (only what the change reaches is inferred
    again), then ``report_changed`` is emitted so that the canvas, inspector and problem list can follow.
    The summary (parameters, FLOPs, memory) costs more: it is worked out once the edits pause, then
    ``summary_changed`` is emitted; until then :attr:`summary` is the one before the edits.
    """

    report_changed = Signal()
    summary_changed = Signal()

    def __init__(
        self, project: Project, path: str | Path | None = None, parent: QObject | None = None, unsaved: bool = False
    ) -> None:
        """``unsaved`` marks a project that differs from its file from the start (restored after a crash)."""
        super().__init__(parent)
        self.project = project
        self.path: Path | None = None if path is None else Path(path)
        self.undo_stack = QUndoStack(self)
        if unsaved:
            self.undo_stack.resetClean()
        self._inference = IncrementalInference(project.design)
        self.report: DesignReport = self._inference.report
        self.summary: Summary = summarize(project.design, self.report)
        self._summary_timer = QTimer(self)
        self._summary_timer.setSingleShot(True)
        self._summary_timer.setInterval(SUMMARY_DELAY_MS)
        self._summary_timer.timeout.connect(self._update_summary)
        for name in _EVENT_NAMES:
            getattr(project.design.events, name).connect(self._on_design_changed)

    @property
    def design(self) -> DesignGraph:
        return self.project.design

    @property
    def display_name(self) -> str:
        """The file name, or ``Untitled`` for a project never saved."""
        return self.path.name if self.path else "Untitled"

    def is_modified(self) -> bool:
        return not self.undo_stack.isClean()

    def save(self, path: str | Path | None = None) -> None:
        """Write the project (to ``path`` if given, which becomes its path); raises OSError on failure."""
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("the project has no file yet; give a path")
        save_project(self.project, target)
        self.path = target
        self.undo_stack.setClean()

    def detach(self) -> None:
        """Stop following the design, before this document is dropped."""
        for name in _EVENT_NAMES:
            getattr(self.design.events, name).disconnect(self._on_design_changed)
        self._inference.detach()
        self._summary_timer.stop()

    def _on_design_changed(self, *_: object) -> None:
        if self.design.in_batch:
            return  # once, at the batch's end
        report = self._inference.update()
        if report is self.report:
            return
        self.report = report
        self.report_changed.emit()
        self._summary_timer.start()  # (again): one summary after a burst of edits

    def _update_summary(self) -> None:
        self.summary = summarize(self.design, self.report)
        self.summary_changed.emit()
