"""One run in progress: its frozen project, its folder, the engine process and the record its events fill."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from designer.core.project import Project
from designer.core.project_file import save_project
from designer.core.runs import new_run_dir, run_stem, runs_folder
from designer.ui.training.canvas_tint import block_ids_by_name
from designer.ui.training.engine_process import ENGINE_COMMAND, EngineProcess
from designer.ui.training.run_record import RunRecord
from designer.ui.training.snapshot import frozen_project


def unsaved_runs_folder() -> Path:
    """Where runs of a project that has no file yet go."""
    return Path(tempfile.gettempdir()) / "designer-runs"


def new_run_folder(project: Project, project_path: Path | None) -> Path:
    """``runs/<project>-<date>-<time>`` beside the project file (the engine's own naming), not yet taken."""
    folder = runs_folder(project_path) if project_path else unsaved_runs_folder()
    return new_run_dir(folder, run_stem(project_path, project.name))


class LiveRun(QObject):
    """Trains a frozen copy of a project; ``ended`` comes once, when the engine has gone and the record is final."""

    ended = Signal()

    def __init__(
        self,
        project: Project,
        project_path: Path | None,
        command: Sequence[str] = ENGINE_COMMAND,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.snapshot = frozen_project(project, project_path)
        self.folder = new_run_folder(project, project_path)
        self.record = RunRecord(name=self.folder.name, folder=self.folder)
        self.block_ids = block_ids_by_name(self.snapshot.design)
        """The blocks as they were named when the run started, for the canvas tint."""
        self.snapshot_path = self.folder.with_name(f".{self.folder.name}.project.json")
        """Where the engine reads the frozen project; it keeps its own copy in the run folder."""
        self.engine = EngineProcess(command, self)
        self.engine.ended.connect(self._on_engine_ended)

    def write_snapshot(self) -> None:
        """Write the frozen project beside the run folder-to-be; raises OSError when that cannot be done."""
        self.folder.parent.mkdir(parents=True, exist_ok=True)
        save_project(self.snapshot, self.snapshot_path)

    def launch(self, processes: int = 1) -> None:
        """Start the engine on the snapshot in ``processes`` processes; an engine that cannot start ends the run."""
        self.engine.start(self.snapshot_path, self.folder, processes)

    def stop(self) -> None:
        self.engine.stop()

    def pump(self) -> set[str]:
        """Apply the events that arrived since the last call; returns their kinds."""
        events = self.engine.take_events()
        for event in events:
            self.record.apply(event)
        return {event["event"] for event in events}

    def _on_engine_ended(self, message: str) -> None:
        self.snapshot_path.unlink(missing_ok=True)
        self.pump()
        if message:
            self.record.fail(message)
        elif not self.record.ended:
            if self.engine.stop_requested:
                self.record.state = "stopped"
            else:
                self.record.fail("the training engine ended without saying how the run went")
        self.ended.emit()
