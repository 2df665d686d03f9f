"""The inspector with several blocks selected: shared parameters, mixed values, one undo step for an edit."""

from PySide6.QtCore import Qt

from designer.ui.param_editors import MIXED
from tests.ui.helpers import assert_scene_matches_model


def _select(window, *names):
    ids = [window.document.design.find(n) for n in names]
    window.scene.select_blocks(ids)
    return ids


def test_blocks_of_one_kind_show_their_parameters_with_mixed_values(window):
    design = window.document.design
    conv1, conv2 = _select(window, "conv1", "conv2")
    inspector = window.inspector
    assert inspector.block_id is None and inspector.block_ids == [conv1, conv2]
    assert inspector.title.text() == "2 blocks selected"
    assert list(inspector.editors) == [p.name for p in design.block(conv1).spec.params]
    kernel = inspector.editors["kernel_size"].spin
    assert kernel.text() == "3"  # the same in both
    out = inspector.editors["out_channels"].spin
    assert design.block(conv1).params["out_channels"] != design.block(conv2).params["out_channels"]
    assert out.text() == MIXED
    # Both are automatic, and work out to different numbers: "auto" without one.
    assert inspector.editors["in_channels"].spin.text() == "auto"
    window.editor.set_param(conv1, "in_channels", 1)
    assert inspector.editors["in_channels"].spin.text() == MIXED
    assert inspector.editors["in_channels"].pin.isHidden()


def test_an_edit_sets_the_value_on_all_in_one_undo_step(window):
    design, stack = window.document.design, window.document.undo_stack
    ids = _select(window, "conv1", "conv2")
    before = design.snapshot()
    spin = window.inspector.editors["out_channels"].spin
    spin.setValue(20)
    spin.setValue(24)  # typing on merges into the same step
    assert [design.block(b).params["out_channels"] for b in ids] == [24, 24]
    assert spin.text() == "24"
    assert stack.count() == 1 and stack.undoText() == "Set out_channels of 2 blocks"
    assert_scene_matches_model(window)
    stack.undo()
    assert design == before
    assert window.inspector.editors["out_channels"].spin.text() == MIXED


def test_a_refused_value_changes_none_of_them(window):
    design = window.document.design
    _select(window, "conv1", "conv2")
    before = design.snapshot()
    window.inspector.editors["padding"].line.setText("-3")
    window.inspector.editors["padding"].line.editingFinished.emit()
    assert design == before
    assert window.inspector.refusal.isVisibleTo(window.inspector) and "padding" in window.inspector.refusal.text()
    assert window.document.undo_stack.count() == 0


def test_mixed_choices_and_checkboxes(window):
    design = window.document.design
    conv1, conv2 = _select(window, "conv1", "conv2")
    window.editor.set_param(conv1, "bias", False)
    check = window.inspector.editors["bias"].check
    assert check.checkState() == Qt.CheckState.PartiallyChecked
    check.click()
    assert design.block(conv1).params["bias"] is True and design.block(conv2).params["bias"] is True
    pools = _select(window, "pool1", "pool2")
    window.inspector.editors["kernel_size"].spin.setValue(3)
    assert {design.block(b).params["kernel_size"] for b in pools} == {3}


def test_different_kinds_share_parameters_by_name_or_say_they_share_none(window):
    design = window.document.design
    drop = window.editor.add_block("Dropout2d", (0, 900))
    ids = _select(window, "dropout", design.block(drop).name)
    assert list(window.inspector.editors) == ["p"]
    window.inspector.editors["p"].spin.setValue(0.25)
    assert [design.block(b).params["p"] for b in ids] == [0.25, 0.25]
    _select(window, "relu1", "flatten")
    assert window.inspector.editors == {}
    assert window.inspector.title.text() == "2 blocks selected"
    assert "no parameter in common" in window.inspector.info.text()


def test_select_all_and_back_to_one(window):
    window.menu_actions.select_all.trigger()
    assert window.inspector.title.text() == f"{len(window.document.design)} blocks selected"
    conv1 = _select(window, "conv1")[0]
    assert window.inspector.block_id == conv1 and window.inspector.title.text() == "conv1"
