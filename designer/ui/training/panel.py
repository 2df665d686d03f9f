"""The training dock: Train/Stop, the settings form, progress, live charts, the confusion matrix, gradients, runs.

Events are applied to the run's record as they arrive; the widgets follow the records on a timer (every
:data:`REFRESH_MS`), never once per event, so a fast engine cannot swamp the editor.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from designer.core.inference import Problem
from designer.core.training_settings import validate_training_settings
from designer.ui.canvas.scene import DesignScene
from designer.ui.document import Document
from designer.ui.training.canvas_tint import clear_tints, tint_blocks
from designer.ui.training.charts import TrainingCharts
from designer.ui.training.confusion import ConfusionTable
from designer.ui.training.engine_process import ENGINE_COMMAND
from designer.ui.training.failure import failure_problems
from designer.ui.training.gradient_scale import GradientScale
from designer.ui.training.gradients import ColourBar, GradientTable
from designer.ui.training.live_run import LiveRun
from designer.ui.training.run_compare import difference
from designer.ui.training.run_history import find_runs, load_run, read_run_summary
from designer.ui.training.run_record import RunRecord
from designer.ui.training.runs_list import RunList
from designer.ui.training.settings_form import SettingsForm
from designer.ui.training.snapshot import same_training
from designer.ui.training.status_text import progress_text, speed_text, starting_text

REFRESH_MS = 30
MAX_PROCESSES = 64
PROGRESS_INTERVAL_S = 0.2
"""The progress bar and speed need not change more often than a person can read them."""


class TrainingPanel(QWidget):
    """Trains the open document's project in a child process and shows the run as it goes."""

    message = Signal(str)
    problems_changed = Signal()
    running_changed = Signal(bool)

    def __init__(self, engine_command: Sequence[str] = ENGINE_COMMAND, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine_command = list(engine_command)
        self.document: Document | None = None
        self.scene: DesignScene | None = None
        self.runs: list[RunRecord] = []
        self.current: RunRecord | None = None
        """The run the progress, confusion matrix and gradients show."""
        self.live: LiveRun | None = None
        self.run_problems: list[Problem] = []
        self._tinted_scene: DesignScene | None = None
        self._progress_shown_at = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._refresh)
        self._build()

    # ---- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.train_button = QPushButton("Train")
        self.train_button.setToolTip("Train the design in a separate process (F5)")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("Stop the run; the weights of the last finished epoch are kept (Shift+F5)")
        self.stop_button.setEnabled(False)
        self.tint_button = QPushButton("Tint canvas")
        self.tint_button.setCheckable(True)
        self.tint_button.setChecked(True)
        self.tint_button.setToolTip("Colour the canvas blocks by the norm of their gradient while a run trains")
        self.processes = QSpinBox()
        self.processes.setRange(1, MAX_PROCESSES)
        self.processes.setPrefix("processes per machine: ")
        self.processes.setToolTip(
            "Train data-parallel in this many processes (one per GPU; on the CPU they share its cores). "
            "batch_size is the global batch, shared out between them; the learning rate is unchanged."
        )
        self.train_button.clicked.connect(self.train)
        self.stop_button.clicked.connect(self.stop)
        self.tint_button.toggled.connect(self._on_tint_toggled)
        self.colour_bar = ColourBar()
        self.status = QLabel("Ready")
        self.status.setObjectName("trainingStatus")
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.setFormat("not started")
        self.progress.setValue(0)
        self.speed = QLabel("")
        # A fixed width keeps the row's layout (and the charts below) still while the numbers change.
        self.speed.setFixedWidth(self.speed.fontMetrics().horizontalAdvance("000,000 samples/s · lr 0.000e-00"))
        self.note = QLabel("The design changed since this run started; the run trains the design as it was.")
        self.note.setObjectName("warningNote")  # coloured by the theme's style sheet
        self.note.hide()
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.setObjectName("errorNote")
        self.error.hide()

        top = QHBoxLayout()
        for widget in (self.train_button, self.stop_button, self.processes):
            top.addWidget(widget)
        top.addWidget(self.progress, 1)
        top.addWidget(self.speed)
        top.addWidget(self.tint_button)
        top.addWidget(self.colour_bar)

        self.settings = SettingsForm()
        self.settings.message.connect(self.message)
        settings_scroll = QScrollArea()
        settings_scroll.setWidgetResizable(True)
        settings_scroll.setWidget(self.settings)
        self.run_list = RunList()
        self.run_list.ticked_changed.connect(self._show_ticked_runs)
        self.run_list.chosen.connect(self._choose_run)
        self.left_tabs = QTabWidget()
        self.left_tabs.addTab(settings_scroll, "Settings")
        self.left_tabs.addTab(self.run_list, "Runs")
        self.charts = TrainingCharts()
        self.confusion = ConfusionTable()
        self.gradients = GradientTable()
        self.right_tabs = QTabWidget()
        self.right_tabs.addTab(self.confusion, "Confusion matrix")
        self.right_tabs.addTab(self.gradients, "Gradients")
        splitter = QSplitter(Qt.Orientation.Horizontal)
        for widget in (self.left_tabs, self.charts, self.right_tabs):
            splitter.addWidget(widget)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([360, 600, 380])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(4)
        layout.addLayout(top)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.note)
        layout.addLayout(status_row)
        layout.addWidget(self.error)
        layout.addWidget(splitter, 1)

    # ---- the open document ----------------------------------------------------------------
    def set_document(self, document: Document, scene: DesignScene) -> None:
        """Follow ``document`` shown in ``scene``; its past runs are listed. A run in progress goes on."""
        if self.document is not None:
            self.document.report_changed.disconnect(self._on_design_changed)
        if self._tinted_scene is not None and self._tinted_scene is not scene:
            clear_tints(self._tinted_scene)
            self._tinted_scene = None
        self.document, self.scene = document, scene
        self.run_problems = []
        document.report_changed.connect(self._on_design_changed)
        self.settings.set_document(document)
        self.runs = [self.live.record] if self.live is not None else []
        self.runs[:0] = [read_run_summary(folder) for folder in find_runs(document.path)] if document.path else []
        self.current = self.runs[-1] if self.runs else None
        self._list_runs(ticked={len(self.runs) - 1} if self.runs else set())
        self._show_current()

    @property
    def running(self) -> bool:
        return self.live is not None

    # ---- train and stop -------------------------------------------------------------------
    def train(self) -> None:
        """Start a run of the current project, unless one is going or the project cannot be trained."""
        if self.document is None or self.live is not None:
            return
        refusal = self._refusal()
        if refusal:
            self._show_error(refusal)
            self.message.emit(f"Not training: {refusal}")
            return
        live = LiveRun(self.document.project, self.document.path, self.engine_command, self)
        try:
            live.write_snapshot()
        except OSError as exc:
            self._show_error(f"cannot write the run folder {live.folder}: {exc.strerror or exc}")
            live.deleteLater()
            return
        self.live = live
        live.ended.connect(self._on_run_ended)
        self.run_problems = []
        self.problems_changed.emit()
        self.runs.append(live.record)
        self.current = live.record
        ticked = set(self.run_list.ticked()) | {len(self.runs) - 1}
        self._list_runs(ticked)
        self._show_current()
        self._tinted_scene = self.scene
        self.note.hide()
        self._set_running(True)
        self._timer.start()
        live.launch(self.processes.value())

    def stop(self) -> None:
        """Ask the engine to stop (it ends within a second or is terminated)."""
        if self.live is not None:
            self.live.stop()
            self.status.setText("Stopping…")

    def clear_tint(self) -> None:
        """Take the gradient colours off the canvas."""
        if self._tinted_scene is not None:
            clear_tints(self._tinted_scene)

    def _on_tint_toggled(self, on: bool) -> None:
        if not on:
            self.clear_tint()
        elif self.live is not None and self.current is self.live.record:
            self._show_gradients(self.live.record, tint=True)

    def recolour(self) -> None:
        """Draw the charts, the confusion matrix and the run states in the theme's colours again."""
        self.charts.recolour()
        self.confusion.recolour()
        self.run_list.update_rows(self.runs, self._labels())

    def shutdown(self) -> None:
        """End a run at once: the window is closing."""
        if self.live is not None:
            self.live.engine.kill()

    def _refusal(self) -> str:
        assert self.document is not None
        errors = self.document.report.errors
        if errors:
            first = errors[0]
            more = f" (and {len(errors) - 1} more, see Problems)" if len(errors) > 1 else ""
            return f"the design has errors — {first}{more}"
        problems = validate_training_settings(self.document.project.training)
        return "; ".join(problems)

    def _on_run_ended(self) -> None:
        live, self.live = self.live, None
        assert live is not None
        self._timer.stop()
        record = live.record
        if record.state == "failed":
            self.run_problems = failure_problems(record.message, live.snapshot.design)
            self.problems_changed.emit()
        self.clear_tint()
        self._tinted_scene = None
        self.note.hide()
        self.charts.refresh(every_plot=True)
        self.run_list.update_rows(self.runs, self._labels())
        if record is self.current:
            self._show_current()
        self._set_running(False)
        self.message.emit(f"Run {record.name}: {record.state}")
        live.deleteLater()

    def _set_running(self, running: bool) -> None:
        self.train_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
        self.processes.setEnabled(not running)
        self.running_changed.emit(running)

    # ---- following the runs ---------------------------------------------------------------
    def _refresh(self) -> None:
        """Bring the widgets up to the live run's latest events (called on the timer)."""
        if self.live is None:
            return
        kinds = self.live.pump()
        self.charts.refresh()  # also when nothing arrived: a plot may still owe a redraw it was held back from
        if not kinds:
            return
        record = self.live.record
        if record is self.current:
            now = time.monotonic()
            if now - self._progress_shown_at >= PROGRESS_INTERVAL_S or {"start", "epoch"} & kinds:
                self._progress_shown_at = now
                self._show_progress(record)
            if "epoch" in kinds or "start" in kinds:
                self.confusion.show_epoch(record.last_epoch, record.class_names)
            if "gradients" in kinds:
                self._show_gradients(record, tint=True)
        if {"start", "epoch", "done", "error"} & kinds:
            self.run_list.update_rows(self.runs, self._labels())

    def _show_current(self) -> None:
        record = self.current
        if record is None:
            self.progress.setValue(0)
            self.progress.setFormat("not started")
            self.speed.setText("")
            self.status.setText("Ready")
            self.confusion.show_epoch({}, [])
            self.gradients.show_gradients({}, [], GradientScale())
            self.colour_bar.set_scale(GradientScale())
            self.error.hide()
            return
        self._show_progress(record)
        self.confusion.show_epoch(record.last_epoch, record.class_names)
        self._show_gradients(record, tint=False)
        if record.state == "failed":
            self._show_error(record.message)
        else:
            self.error.hide()

    def _show_progress(self, record: RunRecord) -> None:
        total = record.total_steps
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(min(record.step, total) if total else 0)
        self.progress.setFormat(progress_text(record))
        self.speed.setText(speed_text(record))
        state = {"starting": "Starting the training engine…", "running": f"Training on {record.device or '…'}"}
        self.status.setText(f"{record.name}: " + state.get(record.state, record.state) + starting_text(record))
        if record.warnings:
            self.status.setToolTip("\n".join(record.warnings[-10:]))
            self.status.setText(f"{self.status.text()} · ⚠ {record.warnings[-1]}")

    def _show_gradients(self, record: RunRecord, tint: bool) -> None:
        norms = [s.get("grad_norm") for s in record.gradients.values()]
        scale = GradientScale.covering(n for n in norms if isinstance(n, (int, float)))
        self.gradients.show_gradients(record.gradients, record.blocks, scale)
        self.colour_bar.set_scale(scale)
        scene = self._tinted_scene  # the scene the run started on, not one opened since
        if tint and self.tint_button.isChecked() and self.live is not None and scene and scene is self.scene:
            tint_blocks(scene, self.live.block_ids, record.gradients, scale)

    def _show_error(self, text: str) -> None:
        self.error.setText(f"Training failed: {text}")
        self.error.show()

    def _labels(self) -> list[str]:
        """What changed in each run's settings from the run before it."""
        return [difference(self.runs[i - 1].config if i else None, run.config) for i, run in enumerate(self.runs)]

    def _list_runs(self, ticked: set[int]) -> None:
        self.run_list.show_runs(self.runs, self._labels(), ticked)
        self._show_ticked_runs()

    def _show_ticked_runs(self) -> None:
        """Overlay the ticked runs on the charts, the current one first (drawn boldest)."""
        ticked = self.run_list.ticked()
        self._read_whole(ticked)
        if self.current is not None and self.current in self.runs:
            current = self.runs.index(self.current)
            ticked = [current] + [i for i in ticked if i != current] if current in ticked else ticked
        self.charts.show_runs([self.runs[i] for i in ticked])
        self.run_list.set_colours(ticked)

    def _read_whole(self, indices: list[int]) -> None:
        """Read the events of past runs that are about to be shown (only their summaries are read at first)."""
        for i in indices:
            summary = self.runs[i]
            if not summary.complete and summary.folder is not None:
                self.runs[i] = load_run(summary.folder)
                if self.current is summary:
                    self.current = self.runs[i]
                self.run_list.update_rows(self.runs, self._labels())

    def _choose_run(self, index: int) -> None:
        if 0 <= index < len(self.runs):
            self._read_whole([index])
            self.current = self.runs[index]
            self._show_current()
            self._show_ticked_runs()

    def _on_design_changed(self) -> None:
        if self.live is not None and self.document is not None:
            self.note.setVisible(not same_training(self.document.project, self.live.snapshot, self.document.path))
