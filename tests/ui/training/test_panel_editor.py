"""The editor alongside runs: editing during a run, refusing a broken design, failures in Problems, the Run menu."""

from __future__ import annotations

import json

from designer.ui.training.failure import failure_problems
from tests.ui.training.helpers import fake_command, wait_for_end


def test_a_design_error_names_its_block_in_the_problems(start_run, saved_window, qtbot):
    panel = start_run("design-error")
    wait_for_end(qtbot, panel)
    assert "fc1: expects 3136 features" in panel.error.text()
    problems = saved_window.problems
    items = [problems.topLevelItem(i) for i in range(problems.topLevelItemCount())]
    rows = [(item.text(0), item.text(1)) for item in items]
    assert rows == [("fc1", "training failed: expects 3136 features but receives 1600 (64×5×5)")]
    assert items[0].text(2) == "set in_features to 1600"
    problems.itemClicked.emit(problems.topLevelItem(0), 0)
    assert saved_window.scene.selected_block_ids() == [saved_window.document.design.find("fc1")]


def test_the_design_may_change_during_a_run_which_keeps_its_snapshot(start_run, saved_window, qtbot):
    panel = start_run("endless")
    snapshot = panel.live.snapshot_path
    before = snapshot.read_text()
    assert panel.note.isHidden()
    conv2 = saved_window.document.design.find("conv2")
    saved_window.editor.rename(conv2, "conv_two")
    assert not panel.note.isHidden()
    saved_window.document.undo_stack.undo()
    assert panel.note.isHidden()
    saved_window.editor.rename(conv2, "conv_two")
    assert snapshot.read_text() == before
    assert json.loads(before)["name"] == saved_window.document.project.name
    panel.stop()
    wait_for_end(qtbot, panel)
    assert panel.note.isHidden()


def test_a_design_with_errors_is_not_trained(saved_window, qtbot):
    panel = saved_window.training
    conv2 = saved_window.document.design.find("conv2")
    saved_window.editor.set_param(conv2, "in_channels", 5)
    panel.train()
    assert not panel.running
    assert "the design has errors — conv2: expects 5 channels" in panel.error.text()


def test_the_run_menu_trains_and_stops_with_its_shortcuts(saved_window, qtbot):
    actions, panel = saved_window.menu_actions, saved_window.training
    assert (actions.train.shortcut().toString(), actions.stop.shortcut().toString()) == ("F5", "Shift+F5")
    assert actions.train.isEnabled() and not actions.stop.isEnabled()
    panel.engine_command = fake_command("endless")
    actions.train.trigger()
    assert panel.running and actions.stop.isEnabled() and not actions.train.isEnabled()
    actions.stop.trigger()
    wait_for_end(qtbot, panel)
    assert panel.current.state == "stopped" and actions.train.isEnabled()


def test_a_failure_is_put_on_the_block_at_fault_not_on_every_block_it_mentions(saved_window):
    message = (
        "the design has errors: conv1: expects N×C×H×W input but receives N×4 — fix: add a Reshape block "
        "(after changed to fit the data: image: shape 1×8×8 → 4; fc2: out_features 10 → 3)"
    )
    problems = failure_problems(message, saved_window.document.design)
    assert [(p.block, p.message) for p in problems] == [
        ("conv1", "training failed: expects N×C×H×W input but receives N×4")
    ]
    assert problems[0].fix.startswith("add a Reshape block")
    mentioned = failure_problems("out of memory in fc1 and fc2", saved_window.document.design)
    assert [p.block for p in mentioned] == ["fc1", "fc2"]
    assert [p.block for p in failure_problems("the data file is broken", saved_window.document.design)] == [None]
