"""The settings form edits the project through the undo stack; gradients tint the canvas while a run trains."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from designer.ui.training.gradient_scale import STOPS, GradientScale
from tests.ui.training.helpers import wait_for_end


def test_a_setting_edited_in_the_form_is_saved_in_the_project_and_undone(saved_window):
    form = saved_window.training.settings
    document = saved_window.document
    document.project.training.pop("learning_rate", None)  # the default, as a new project has it
    form.refresh()
    form.editors["learning_rate"].spin.setValue(0.003)
    form.editors["learning_rate"].spin.setValue(0.004)
    assert document.project.training["learning_rate"] == 0.004
    assert document.is_modified()
    assert document.undo_stack.count() == 1  # one step for changes in a row of one setting
    document.undo_stack.undo()
    assert "learning_rate" not in document.project.training
    assert form.editors["learning_rate"].spin.value() == 0.001


def test_settings_that_do_not_apply_are_hidden(saved_window):
    form = saved_window.training.settings
    assert not form.form.isRowVisible(form.editors["momentum"])
    form.editors["optimizer"].combo.textActivated.emit("sgd")
    assert form.form.isRowVisible(form.editors["momentum"])


def test_a_refused_value_gives_a_message(saved_window, qtbot):
    form = saved_window.training.settings
    before = dict(saved_window.document.project.training)
    with qtbot.waitSignal(form.message) as blocker:
        form.set_value("epochs", 0)
    assert blocker.args == ["Training settings: epochs must be from 1 to 100000, not 0"]
    assert saved_window.document.project.training == before


def test_blocks_are_tinted_by_gradient_norm_unless_the_tint_is_turned_off(start_run, saved_window, qtbot):
    panel = start_run("endless")
    blocks, design = saved_window.scene.blocks, saved_window.document.design
    conv1, fc1, fc2 = (blocks[design.find(name)] for name in ("conv1", "fc1", "fc2"))
    qtbot.waitUntil(lambda: fc2.overlay is not None, timeout=5000)
    # The fake engine reports 1e-4, 2e-2 and 3: the ends of the scale are the coldest and hottest colours.
    assert panel.colour_bar.scale == GradientScale(-4, 1)
    assert conv1.overlay.rgb() == QColor(STOPS[0][1]).rgb()
    assert fc1.caption.text() == "∇ 2.0e-02" and fc2.caption.text() == "∇ 3.0e+00"
    assert blocks[design.find("relu1")].overlay is None
    table = panel.gradients
    assert [table.item(r, 0).text() for r in range(table.rowCount())] == ["conv1", "fc1", "fc2"]
    assert table.item(2, 3).text() == "2.0e+00"
    qtbot.mouseClick(panel.tint_button, Qt.MouseButton.LeftButton)
    assert all(item.overlay is None for item in blocks.values())
    seen = panel.current.step
    qtbot.waitUntil(lambda: panel.current.step > seen + 10, timeout=5000)  # more gradient reports came
    assert all(item.overlay is None for item in blocks.values())
    qtbot.mouseClick(panel.tint_button, Qt.MouseButton.LeftButton)
    assert fc2.overlay is not None


def test_the_tint_goes_when_the_run_ends(start_run, saved_window, qtbot):
    panel = start_run("endless")
    fc2 = saved_window.scene.blocks[saved_window.document.design.find("fc2")]
    qtbot.waitUntil(lambda: fc2.overlay is not None, timeout=5000)
    panel.stop()
    wait_for_end(qtbot, panel)
    assert fc2.overlay is None and fc2.caption.text() == ""


def test_a_renamed_block_keeps_its_tint_by_the_name_it_had_when_the_run_started(start_run, saved_window, qtbot):
    design = saved_window.document.design
    fc2_id = design.find("fc2")
    panel = start_run("endless")
    saved_window.editor.rename(fc2_id, "classifier")
    item = saved_window.scene.blocks[fc2_id]
    qtbot.waitUntil(lambda: item.overlay is not None, timeout=5000)
    panel.stop()
    wait_for_end(qtbot, panel)
