"""Runs started from the panel with the fake engine: charts fill, Stop stops, failures are explained."""

from __future__ import annotations

import os
import signal

import pytest
from PySide6.QtCore import Qt

from designer.core.project_file import load_project
from tests.ui.training.helpers import wait_for_end


def test_a_run_fills_the_charts_progress_and_confusion_matrix(start_run, qtbot):
    panel = start_run("finish")
    wait_for_end(qtbot, panel)
    record = panel.current
    assert record.state == "finished"
    x, y = panel.charts.curve_data(0, "loss", "")
    assert len(x) == 40
    assert x[:2] == pytest.approx([1 / 20, 2 / 20]) and y[-1] == pytest.approx(2.0 / 40)
    assert panel.charts.curve_data(0, "loss", "train") == ([1.0, 2.0], [1.0, 0.5])
    assert panel.charts.curve_data(0, "metric", "validation")[1] == pytest.approx([0.6, 0.8])
    assert panel.charts.plots["metric"].titleLabel.text == "Accuracy"
    assert panel.charts.curve_data(0, "lr", "")[1] == pytest.approx([0.01] * 40)
    assert panel.progress.text().startswith("epoch 2/2 · step 40/40")
    assert panel.progress.value() == panel.progress.maximum() == 40
    assert "samples/s" in panel.speed.text() and "lr 0.01" in panel.speed.text()
    table = panel.confusion
    assert table.verticalHeaderItem(0).text() == "zero" and table.horizontalHeaderItem(3).text() == "recall %"
    assert [table.item(1, c).text() for c in range(4)] == ["2", "27", "1", "90"]
    assert table.verticalHeaderItem(3).text() == "precision %" and table.item(3, 1).text() == "87"
    assert panel.run_list.topLevelItem(0).text(2) == "finished"
    assert load_project(record.folder / "project.json").design == panel.document.design


def test_stop_ends_the_run_as_stopped(start_run, qtbot):
    panel = start_run("endless")
    qtbot.waitUntil(lambda: panel.current.step >= 5, timeout=5000)
    assert not panel.train_button.isEnabled() and panel.stop_button.isEnabled()
    qtbot.mouseClick(panel.stop_button, Qt.MouseButton.LeftButton)
    wait_for_end(qtbot, panel)
    assert panel.current.state == "stopped"
    assert panel.current.message.startswith("stopped after")  # the engine heard the stop line and said so
    assert panel.train_button.isEnabled() and not panel.stop_button.isEnabled()
    assert len(panel.charts.curve_data(0, "loss", "")[0]) == panel.current.step


def test_an_engine_that_ignores_stop_is_terminated(start_run, qtbot):
    panel = start_run("stubborn")
    qtbot.waitUntil(lambda: panel.current.step >= 2, timeout=5000)
    panel.stop()
    wait_for_end(qtbot, panel)
    assert panel.current.state == "stopped"
    assert panel.current.message == ""  # terminated: it never said how the run ended


def test_a_crashing_engine_gives_its_last_words_and_the_editor_goes_on(start_run, saved_window, qtbot):
    panel = start_run("crash")
    wait_for_end(qtbot, panel)
    expected = "the training engine stopped unexpectedly (exit code 3): RuntimeError: CUDA driver exploded"
    assert panel.current.state == "failed"
    assert expected in panel.error.text() and panel.error.isVisible()
    assert len(panel.charts.curve_data(0, "loss", "")[0]) == 5  # the charts keep what arrived
    block = saved_window.editor.add_block("ReLU", (0, 0))
    assert block in saved_window.document.design


def test_a_killed_engine_is_reported(start_run, qtbot):
    panel = start_run("endless")
    qtbot.waitUntil(lambda: panel.current.step >= 3, timeout=5000)
    os.kill(panel.live.engine.process_id, signal.SIGKILL)
    wait_for_end(qtbot, panel)
    assert panel.current.state == "failed"
    assert "the training engine stopped unexpectedly (killed)" in panel.error.text()


def test_malformed_lines_become_warnings_and_split_lines_still_count(start_run, qtbot):
    panel = start_run("noise")
    wait_for_end(qtbot, panel)
    record = panel.current
    assert record.state == "finished"
    assert [round(v, 3) for v in panel.charts.curve_data(0, "loss", "")[1]] == [2.0, 1.0]
    assert len(record.warnings) == 3
    assert "not an event: 'Loading weights, please wait'" in record.warnings[0]
    assert "no known kind: '[1, 2, 3]'" in record.warnings[1]
    assert "teleport" in record.warnings[2]
