"""The charts: one plot redrawn a tick, held-back redraws made later, axes that move in steps."""

from __future__ import annotations

import pytest

from designer.ui.training import charts as charts_module
from designer.ui.training.charts import TrainingCharts
from designer.ui.training.run_record import RunRecord


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(charts_module.time, "monotonic", clock)
    return clock


def run_with_steps(steps: int, epochs: int = 10) -> RunRecord:
    record = RunRecord("r")
    record.apply({"event": "start", "epochs": epochs, "steps_per_epoch": 10, "task": "classification"})
    for step in range(1, steps + 1):
        record.apply({"event": "step", "epoch": 1, "step": step, "loss": 1.0 / step, "lr": 0.02})
    return record


def shown(charts: TrainingCharts, plot: str) -> int:
    return len(charts.curve_data(0, plot, "")[0])


def test_one_plot_is_redrawn_a_tick_and_none_more_often_than_its_interval(qtbot, clock):
    charts = TrainingCharts()
    qtbot.addWidget(charts)
    record = RunRecord("r")
    charts.show_runs([record])
    for step in range(1, 6):
        record.apply({"event": "step", "epoch": 1, "step": step, "loss": 1.0, "lr": 0.02})
    clock.now += 1.0
    charts.refresh()
    assert sorted([shown(charts, "loss"), shown(charts, "lr")]) == [0, 5]
    charts.refresh()
    assert (shown(charts, "loss"), shown(charts, "lr")) == (5, 5)
    record.apply({"event": "step", "epoch": 1, "step": 6, "loss": 1.0, "lr": 0.02})
    clock.now += 0.2
    charts.refresh()
    charts.refresh()
    assert (shown(charts, "loss"), shown(charts, "lr")) == (6, 5)  # the rate waits for its half second
    clock.now += 0.4
    charts.refresh()
    assert shown(charts, "lr") == 6


def test_the_epoch_axis_grows_in_steps_and_the_rate_starts_at_zero(qtbot, clock):
    charts = TrainingCharts()
    qtbot.addWidget(charts)
    charts.show_runs([run_with_steps(15, epochs=100)])
    (_, x_high), (y_low, y_high) = charts.plots["lr"].viewRange()
    assert x_high == pytest.approx(2.0, abs=0.1)  # 1.5 epochs so far: room up to 2, not to the planned 100
    assert (y_low, y_high) == pytest.approx((0.0, 0.02 * 1.08))  # the rate (0.02) from 0, with a margin


def test_the_loss_range_moves_only_when_the_values_leave_it_or_shrink_well_inside(qtbot, clock):
    charts = TrainingCharts()
    qtbot.addWidget(charts)
    record = run_with_steps(1)  # loss 1.0
    charts.show_runs([record])
    record.apply({"event": "step", "epoch": 1, "step": 2, "loss": 0.5})
    charts.refresh(every_plot=True)
    first = charts.plots["loss"].viewRange()[1]
    assert first == pytest.approx([0.5 - 0.04, 1.0 + 0.04])
    record.apply({"event": "step", "epoch": 1, "step": 3, "loss": 0.6})
    charts.refresh(every_plot=True)
    assert charts.plots["loss"].viewRange()[1] == first  # still inside: the axis stays as it is
    record.apply({"event": "step", "epoch": 1, "step": 4, "loss": 2.0})
    charts.refresh(every_plot=True)
    assert charts.plots["loss"].viewRange()[1] == pytest.approx([0.5 - 0.12, 2.0 + 0.12])
    charts.show_runs([run_with_steps(40, epochs=10)])
    assert charts.plots["metric"].viewRange()[0][1] == pytest.approx(10.0, abs=0.3)  # 4 of 10 epochs: all 10


def test_nice_ceilings():
    assert [charts_module._nice_ceiling(x) for x in (0.3, 1.0, 1.2, 3.0, 7.0, 11.0)] == [0.5, 1, 2, 5, 10, 20]
