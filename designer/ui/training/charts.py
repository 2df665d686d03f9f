"""Live charts of one or more runs: loss, accuracy (or MAE) and learning rate against epochs.

Curves take whole numpy arrays from the runs' :class:`~designer.ui.training.series.Series`; pyqtgraph
downsamples them (peak mode) and clips them to the view, so tens of thousands of steps stay cheap.
Only curves whose data grew since the last refresh are handed new data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QWidget

from designer.ui.training.run_record import Curves, RunRecord
from designer.ui.training.series import Series

RUN_COLOURS = ("#2563eb", "#ea580c", "#16a34a", "#9333ea", "#db2777", "#0891b2", "#ca8a04", "#475569")
_STEP_ALPHA = 90
_METRIC_TITLES = {"accuracy": "Accuracy", "mae": "Mean absolute error"}


@dataclass(frozen=True)
class _CurveStyle:
    plot: str
    series: Callable[[Curves], Series]
    label: str
    faint: bool = False
    dashed: bool = False
    dots: bool = False


_STYLES = (
    _CurveStyle("loss", lambda c: c.step_loss, "", faint=True),
    _CurveStyle("loss", lambda c: c.train_loss, "train", dots=True),
    _CurveStyle("loss", lambda c: c.val_loss, "validation", dashed=True, dots=True),
    _CurveStyle("metric", lambda c: c.train_metric, "train", dots=True),
    _CurveStyle("metric", lambda c: c.val_metric, "validation", dashed=True, dots=True),
    _CurveStyle("lr", lambda c: c.step_lr, ""),
)


class TrainingCharts(QWidget):
    """Three plots side by side; :meth:`show_runs` picks the runs, :meth:`refresh` follows their data."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.plots: dict[str, pg.PlotItem] = {}
        for key, title in (("loss", "Loss"), ("metric", "Accuracy"), ("lr", "Learning rate")):
            widget = pg.PlotWidget(background="w")
            widget.setMinimumWidth(160)
            plot = widget.getPlotItem()
            plot.setTitle(title, color="#374151", size="9pt")
            plot.showGrid(x=True, y=True, alpha=0.15)
            plot.setLabel("bottom", "epoch", color="#6b7280")
            plot.setDownsampling(auto=True, mode="peak")
            plot.setClipToView(True)
            self.plots[key] = plot
            layout.addWidget(widget)
        self.legend = self.plots["loss"].addLegend(offset=(-4, 4), labelTextSize="8pt")
        self._curves: dict[tuple[int, int], tuple[pg.PlotDataItem, Series, int]] = {}
        self._runs: list[RunRecord] = []

    def show_runs(self, runs: list[RunRecord]) -> None:
        """Draw ``runs`` (the first in bold: the one being looked at), each in its own colour."""
        for (_run, style_index), (item, _series, _size) in self._curves.items():
            self.plots[_STYLES[style_index].plot].removeItem(item)
        self.legend.clear()
        self._curves.clear()
        self._runs = list(runs)
        for index, run in enumerate(self._runs):
            colour = QColor(RUN_COLOURS[index % len(RUN_COLOURS)])
            for style_index, style in enumerate(_STYLES):
                item = self._curve(style, colour, bold=index == 0, run_label=run.name if len(runs) > 1 else "")
                self.plots[style.plot].addItem(item)
                self._curves[(index, style_index)] = (item, style.series(run.curves), -1)
        metric = self._runs[0].metric_name if self._runs else "accuracy"
        self.plots["metric"].setTitle(_METRIC_TITLES[metric], color="#374151", size="9pt")
        self.refresh()

    def refresh(self) -> None:
        """Hand every curve whose series grew its new data."""
        for key, (item, series, size) in self._curves.items():
            if len(series) != size:
                item.setData(series.x, series.y)
                self._curves[key] = (item, series, len(series))

    def curve_data(self, run_index: int, plot: str, label: str) -> tuple[list[float], list[float]]:
        """The points a curve shows (``label`` "" is the per-step one), for tests and inspection."""
        for (index, style_index), (item, _series, _size) in self._curves.items():
            style = _STYLES[style_index]
            if index == run_index and style.plot == plot and style.label == label:
                x, y = item.getOriginalDataset()
                return ([] if x is None else list(x)), ([] if y is None else list(y))
        raise KeyError(f"no {plot} curve {label!r} for run {run_index}")

    def _curve(self, style: _CurveStyle, colour: QColor, bold: bool, run_label: str) -> pg.PlotDataItem:
        line = QColor(colour)
        if style.faint:
            line.setAlpha(_STEP_ALPHA)
        pen = pg.mkPen(line, width=(2.2 if bold and not style.faint else 1.2))
        if style.dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        name = None
        if style.label and style.plot == "loss":
            name = f"{run_label} · {style.label}" if run_label else style.label
        item = pg.PlotDataItem(
            pen=pen,
            name=name,
            symbol="o" if style.dots else None,
            symbolSize=5,
            symbolBrush=colour,
            symbolPen=None,
        )
        item.setDownsampling(auto=True, method="peak")
        item.setClipToView(True)
        return item
