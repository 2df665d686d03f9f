"""One tiny run of the real engine (``python -m designer train``) from the panel: 1 epoch of digits."""

from __future__ import annotations

import json

from designer.ui.training.run_history import find_runs, load_run
from tests.ui.training.helpers import wait_for_end


def test_the_panel_trains_with_the_real_engine_and_lists_the_run_afterwards(saved_window, qtbot):
    saved_window.training.settings.set_value("epochs", 1)
    saved_window.training.settings.set_value("batch_size", 256)
    panel = saved_window.training
    panel.train()
    assert panel.running, panel.error.text()
    wait_for_end(qtbot, panel, timeout=120_000)
    record = panel.current
    assert record.state == "finished", record.message
    assert record.steps_per_epoch == 6 and record.class_names == [str(i) for i in range(10)]
    steps_x, losses = panel.charts.curve_data(0, "loss", "")
    assert steps_x and steps_x[-1] == 1.0 and all(0 < loss < 5 for loss in losses)
    assert len(panel.charts.curve_data(0, "metric", "validation")[1]) == 1
    matrix = record.last_epoch["confusion"]
    assert sum(map(sum, matrix)) == record.last_epoch["val"].get("samples", sum(map(sum, matrix)))
    assert panel.confusion.rowCount() == 11 and panel.confusion.item(0, 0).text() == str(matrix[0][0])
    assert set(record.gradients) == {"conv1", "conv2", "fc1", "fc2"}
    assert all(item.overlay is None for item in saved_window.scene.blocks.values())  # cleared at the end
    folder = record.folder
    assert (folder / "last.pt").is_file() and json.loads((folder / "summary.json").read_text())["event"] == "done"

    assert find_runs(saved_window.document.path) == [folder]
    again = load_run(folder)
    assert again.state == "finished" and again.config["epochs"] == 1
    assert list(again.curves.step_loss.y) == losses
