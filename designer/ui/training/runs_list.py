"""The runs of the project: one row each, ticked ones overlaid on the charts, the current one highlighted."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPaintEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from designer.ui import theme
from designer.ui.empty_hint import paint_empty_hint
from designer.ui.training.charts import RUN_COLOURS
from designer.ui.training.run_record import RunRecord
from designer.ui.training.status_text import run_time

_COLUMNS = ("Run", "What changed", "State", "Best")
_STATE_COLOURS = {"failed": "error_text", "running": "selection", "starting": "selection", "stopped": "warning_text"}
"""The theme colour (a field of ``theme.Scheme``) of each state; any other state is ``ok``."""


EMPTY_HINT = "No runs yet: Run ▸ Train (F5) starts one; its charts and results stay listed here."


class RunList(QTreeWidget):
    """Emits ``ticked_changed`` when runs are ticked or unticked, ``chosen(index)`` when one is clicked."""

    ticked_changed = Signal()
    chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setColumnCount(len(_COLUMNS))
        self.setHeaderLabels(list(_COLUMNS))
        self.setRootIsDecorated(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.header().setStretchLastSection(True)
        self.itemChanged.connect(lambda *_: self.ticked_changed.emit())
        self.itemClicked.connect(lambda item, _column: self.chosen.emit(self.indexOfTopLevelItem(item)))

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        paint_empty_hint(self, EMPTY_HINT)

    def show_runs(self, runs: list[RunRecord], labels: list[str], ticked: set[int]) -> None:
        """One row per run, newest last; ``labels`` say what changed from the run before."""
        self.blockSignals(True)
        while self.topLevelItemCount() > len(runs):
            self.takeTopLevelItem(self.topLevelItemCount() - 1)
        for index, (run, label) in enumerate(zip(runs, labels, strict=True)):
            item = self.topLevelItem(index) or QTreeWidgetItem(self)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setText(0, run_time(run.name))
            item.setToolTip(0, str(run.folder or run.name))
            item.setText(1, label)
            _show_state(item, run)
            item.setCheckState(0, Qt.CheckState.Checked if index in ticked else Qt.CheckState.Unchecked)
        self.blockSignals(False)

    def update_rows(self, runs: list[RunRecord], labels: list[str]) -> None:
        """Refresh the texts of the rows as runs progress (a live run's settings come with its first event)."""
        self.blockSignals(True)
        for index, (run, label) in enumerate(zip(runs[: self.topLevelItemCount()], labels, strict=False)):
            item = self.topLevelItem(index)
            item.setText(1, label)
            _show_state(item, run)
        self.blockSignals(False)

    def ticked(self) -> list[int]:
        """Indices of the ticked runs."""
        return [
            i for i in range(self.topLevelItemCount()) if self.topLevelItem(i).checkState(0) == Qt.CheckState.Checked
        ]

    def set_colours(self, shown: list[int]) -> None:
        """Mark each shown run with its chart colour."""
        self.blockSignals(True)
        for i in range(self.topLevelItemCount()):
            item = self.topLevelItem(i)
            colour = QBrush(QColor(RUN_COLOURS[shown.index(i) % len(RUN_COLOURS)])) if i in shown else None
            item.setData(0, Qt.ItemDataRole.ForegroundRole, colour)  # None: the theme's text colour
        self.blockSignals(False)


def _show_state(item: QTreeWidgetItem, run: RunRecord) -> None:
    item.setText(2, run.state)
    item.setText(3, _best(run))
    item.setToolTip(2, run.message or run.state)
    item.setForeground(2, QBrush(QColor(getattr(theme.scheme(), _STATE_COLOURS.get(run.state, "ok")))))


def _best(run: RunRecord) -> str:
    """The best validation value so far: from ``done``, else the best epoch seen."""
    if run.best.get("value") is not None:
        return f"{run.best.get('metric', '')} {run.best['value']:.4g} (epoch {run.best.get('epoch', '?')})"
    series = run.curves.val_metric
    if len(series):
        values = series.y
        best = values.max() if run.metric_name == "accuracy" else values.min()
        return f"{run.metric_name} {best:.4g}"
    return ""
