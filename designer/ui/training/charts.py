"""Live charts of one or more runs: loss, accuracy (or MAE) and learning rate against epochs.

Curves take whole numpy arrays from the runs' :class:`~designer.ui.training.series.Series`; pyqtgraph
downsamples them (peak mode) and clips them to the view, so tens of thousands of steps stay cheap.
Only curves whose data grew since the last refresh are handed new data.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QWidget

from designer.ui import theme
from designer.ui.training.run_record import Curves, RunRecord
from designer.ui.training.series import Series
from designer.ui.training.status_text import run_time

RUN_COLOURS = ("#2563eb", "#ea580c", "#16a34a", "#9333ea", "#db2777", "#0891b2", "#ca8a04", "#475569")
PLOT_INTERVAL_S = {"loss": 0.1, "metric": 0.1, "lr": 0.5}
"""The shortest time between two redraws of a plot: the learning rate moves slowly and need not follow every step."""
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
        self._widgets: list[pg.PlotWidget] = []
        self._titles = {"loss": "Loss", "metric": "Accuracy", "lr": "Learning rate"}
        for key in self._titles:
            widget = pg.PlotWidget()
            widget.setMinimumWidth(160)
            plot = widget.getPlotItem()
            # No grid: pyqtgraph draws it with the axes, which then repaint with every new point.
            # No axis label either: in a low dock the plot needs the room; the tooltip says what x is.
            widget.setToolTip("Against epochs: a faint line per step, dots per epoch")
            plot.layout.setContentsMargins(2, 2, 6, 2)
            plot.setDownsampling(auto=True, mode="peak")
            plot.setClipToView(True)
            plot.enableAutoRange(x=False, y=False)  # the ranges follow the data in steps: see _widen and _fit_y
            self.plots[key] = plot
            self._widgets.append(widget)
            layout.addWidget(widget)
        self.legend = self.plots["loss"].addLegend(offset=(-4, 4), labelTextSize="8pt")
        self.recolour()
        self._curves: dict[tuple[int, int], tuple[pg.PlotDataItem, Series, int]] = {}
        self._runs: list[RunRecord] = []
        self._last_plot = 0
        self._x_limit = 0.0
        self._y_ranges: dict[str, tuple[float, float]] = {}
        self._metric = "accuracy"
        self._drawn_at: dict[str, float] = {}

    def recolour(self) -> None:
        """Draw backgrounds, titles, axes and the legend in the theme's colours (call it when the theme changes)."""
        colours = theme.scheme()
        text, muted = QColor(colours.text), QColor(colours.text_muted)
        for widget in self._widgets:
            widget.setBackground(QColor(colours.panel))
        for key, plot in self.plots.items():
            plot.setTitle(self._titles[key], color=colours.text, size="9pt")
            for side in ("left", "bottom"):
                plot.getAxis(side).setPen(pg.mkPen(muted))
                plot.getAxis(side).setTextPen(pg.mkPen(muted))
        backdrop = QColor(colours.panel)
        backdrop.setAlpha(200)
        self.legend.setBrush(pg.mkBrush(backdrop))
        self.legend.setLabelTextColor(text)

    def show_runs(self, runs: list[RunRecord]) -> None:
        """Draw ``runs`` (the first in bold: the one being looked at), each in its own colour."""
        for (_run, style_index), (item, _series, _size) in self._curves.items():
            self.plots[_STYLES[style_index].plot].removeItem(item)
        self.legend.clear()
        self._curves.clear()
        self._runs = list(runs)
        self._x_limit = 0.0
        self._y_ranges.clear()
        for index, run in enumerate(self._runs):
            colour = QColor(RUN_COLOURS[index % len(RUN_COLOURS)])
            for style_index, style in enumerate(_STYLES):
                label = run_time(run.name).split(" ")[-1] if len(runs) > 1 else ""  # the time tells runs apart
                item = self._curve(style, colour, bold=index == 0, run_label=label)
                self.plots[style.plot].addItem(item)
                self._curves[(index, style_index)] = (item, style.series(run.curves), -1)
        self.refresh(every_plot=True)

    def refresh(self, every_plot: bool = False) -> None:
        """Hand new data to the curves of the next plot that has some (of every plot when asked).

        One plot a call keeps each repaint short, so the event loop never waits on all three at once, and
        each plot is redrawn at most as often as :data:`PLOT_INTERVAL_S` says: smooth enough, light on the CPU.
        """
        self._title_metric()
        keys, now = list(self.plots), time.monotonic()
        for turn in range(1, len(keys) + 1):
            key = keys[(self._last_plot + turn) % len(keys)]
            if not every_plot and now - self._drawn_at.get(key, 0.0) < PLOT_INTERVAL_S[key]:
                continue
            if self._update(key):
                self._drawn_at[key] = now
                if not every_plot:
                    self._last_plot = keys.index(key)
                    return

    def _title_metric(self) -> None:
        """Title the middle plot after the first run's measure of quality (known once its task is)."""
        metric = self._runs[0].metric_name if self._runs and self._runs[0].task else "accuracy"
        if metric != self._metric:
            self._metric = metric
            self._titles["metric"] = _METRIC_TITLES[metric]
            self.plots["metric"].setTitle(self._titles["metric"], color=theme.scheme().text, size="9pt")

    def _update(self, plot: str) -> bool:
        """Give the curves of ``plot`` whose series grew their data; whether there were any."""
        grown = False
        for key, (item, series, size) in self._curves.items():
            if _STYLES[key[1]].plot == plot and len(series) != size:
                item.setData(series.x, series.y)
                self._curves[key] = (item, series, len(series))
                grown = True
                if len(series):
                    self._widen(float(series.x[-1]))
        if grown:
            self._fit_y(plot)
        return grown

    def _widen(self, x: float) -> None:
        """Make room for ``x`` on the epoch axis in steps (1, 2, 5, 10, ... and the runs' planned epochs).

        An axis that followed every new point would be redrawn, labels and all, on every refresh (so would
        the curves clipped to the view).
        """
        if x <= self._x_limit:
            return
        planned = max((run.epochs for run in self._runs), default=0)
        self._x_limit = float(planned) if x <= planned <= 4 * x else _nice_ceiling(1.25 * x)
        for each in self.plots.values():  # the same epochs on all three (an X link would align them on screen)
            each.setXRange(0, self._x_limit, padding=0.02)

    def _fit_y(self, plot: str) -> None:
        """Keep the values of ``plot`` in view, moving its range only when they leave it or fill too little of it.

        The learning rate is shown from 0: a constant rate would otherwise float in an arbitrary band.
        """
        shown = [s for key, (_item, s, _size) in self._curves.items() if _STYLES[key[1]].plot == plot and len(s)]
        if not shown:
            return
        low = 0.0 if plot == "lr" else min(float(s.y.min()) for s in shown)
        high = max(float(s.y.max()) for s in shown)
        old_low, old_high = self._y_ranges.get(plot, (math.inf, -math.inf))
        span = max(high - low, abs(high) * 1e-3, 1e-12)
        if old_low <= low and high <= old_high and span >= 0.6 * (old_high - old_low):
            return
        margin = 0.08 * span
        self._y_ranges[plot] = (low if plot == "lr" else low - margin, high + margin)
        self.plots[plot].setYRange(*self._y_ranges[plot], padding=0)

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
            name = f"{run_label} {style.label}" if run_label else style.label
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


def _nice_ceiling(x: float) -> float:
    """The smallest of 1, 2, 5, 10, 20, 50, ... (or of 0.1, 0.2, 0.5 below 1) that is at least ``x``."""
    power = 10.0 ** math.floor(math.log10(x)) if x > 0 else 1.0
    return next(step * power for step in (1, 2, 5, 10) if step * power >= x)
