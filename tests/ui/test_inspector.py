"""The inspector: a form generated from the block's declaration, with refusals shown where the edit was made."""

from PySide6.QtCore import Qt

from designer.core.design import Connection
from designer.ui.param_editors import BoolEditor, ChoiceEditor, FloatEditor, IntEditor, TextEditor
from tests.ui.helpers import assert_scene_matches_model


def _select(window, name: str) -> str:
    block_id = window.document.design.find(name)
    window.scene.select_block(block_id)
    return block_id


def test_selecting_a_block_builds_its_form(window):
    _select(window, "conv1")
    inspector = window.inspector
    assert inspector.title.text() == "conv1"
    assert isinstance(inspector.editors["out_channels"], IntEditor)
    assert isinstance(inspector.editors["padding"], TextEditor)
    assert isinstance(inspector.editors["bias"], BoolEditor)
    spin = inspector.editors["kernel_size"].spin
    assert (spin.minimum(), spin.value()) == (1, 3)
    assert "N×16×8×8" in inspector.info.text() and "160 parameters" in inspector.info.text()
    _select(window, "dropout")
    assert isinstance(window.inspector.editors["p"], FloatEditor)
    window.scene.clearSelection()
    assert window.inspector.block_id is None and window.inspector.editors == {}


def test_editing_a_spin_box_sets_the_param_and_updates_the_canvas(window, qtbot):
    conv1 = _select(window, "conv1")
    design = window.document.design
    spin = window.inspector.editors["out_channels"].spin
    spin.setValue(24)
    assert design.block(conv1).params["out_channels"] == 24
    edge = window.scene.edges[Connection(conv1, "out", design.find("relu1"), "in")]
    assert edge.label.text() == "N×24×8×8"
    assert window.menu_actions.undo.text() == "&Undo Set conv1.out_channels"
    assert_scene_matches_model(window)


def test_consecutive_edits_of_one_param_are_one_undo_step(window):
    conv1 = _select(window, "conv1")
    design, stack = window.document.design, window.document.undo_stack
    spin = window.inspector.editors["out_channels"].spin
    for value in (17, 18, 19):
        spin.setValue(value)
    assert stack.count() == 1
    stack.undo()
    assert design.block(conv1).params["out_channels"] == 16
    assert spin.value() == 16
    stack.redo()
    assert spin.value() == 19


def test_inferred_params_show_auto_and_can_be_pinned_and_unpinned(window, qtbot):
    fc1 = _select(window, "fc1")
    design = window.document.design
    editor = window.inspector.editors["in_features"]
    assert editor.spin.text() == "auto (128)"
    qtbot.mouseClick(editor.pin, Qt.MouseButton.LeftButton)
    assert design.block(fc1).params["in_features"] == 128
    assert editor.spin.value() == 128 and editor.pin.text() == "Unpin"
    qtbot.mouseClick(editor.pin, Qt.MouseButton.LeftButton)
    assert design.block(fc1).params["in_features"] is None
    assert editor.spin.text() == "auto (128)"


def test_choices_checkboxes_and_lists(window, qtbot):
    image = _select(window, "image")
    design = window.document.design
    shape = window.inspector.editors["shape"].line
    shape.clear()
    qtbot.keyClicks(shape, "1, 16, 16")
    qtbot.keyClick(shape, Qt.Key.Key_Return)
    assert design.block(image).params["shape"] == [1, 16, 16]
    window.inspector.editors["variable_length"].check.setChecked(True)
    assert design.block(image).params["variable_length"] is True
    combo = window.inspector.editors["data"].combo
    assert isinstance(window.inspector.editors["data"], ChoiceEditor)
    combo.textActivated.emit("features")
    assert design.block(image).params["data"] == "features"
    assert window.document.undo_stack.count() == 3


def test_invalid_values_are_refused_with_a_message(window, qtbot):
    _select(window, "image")
    design = window.document.design
    before = design.snapshot()
    shape = window.inspector.editors["shape"].line
    shape.clear()
    qtbot.keyClicks(shape, "1, lots, 8")
    qtbot.keyClick(shape, Qt.Key.Key_Return)
    assert design == before
    assert "shape must be whole numbers" in window.inspector.refusal.text()
    assert window.inspector.refusal.isVisibleTo(window.inspector)
    assert "shape must be whole numbers" in window.statusBar().currentMessage()
    assert shape.text() == "1, 8, 8"  # the field shows the design's value again
    _select(window, "dropout")
    window.inspector.editors["p"].spin.setValue(1.0)
    assert design == before
    assert "p must be" in window.inspector.refusal.text()
    assert window.document.undo_stack.count() == 0


def test_renaming_and_refused_names(window, qtbot):
    conv1 = _select(window, "conv1")
    design = window.document.design
    name = window.inspector.name_edit
    name.selectAll()
    qtbot.keyClicks(name, "stem")
    qtbot.keyClick(name, Qt.Key.Key_Return)
    assert design.block(conv1).name == "stem"
    assert window.scene.blocks[conv1].block.name == "stem"
    assert window.menu_actions.undo.text() == "&Undo Rename conv1 to stem"
    name.selectAll()
    qtbot.keyClicks(name, "conv2")
    qtbot.keyClick(name, Qt.Key.Key_Return)
    assert design.block(conv1).name == "stem"
    assert "already called 'conv2'" in window.inspector.refusal.text()
    assert name.text() == "stem"
    window.menu_actions.undo.trigger()
    assert design.block(conv1).name == "conv1" and window.inspector.title.text() == "conv1"
    assert_scene_matches_model(window)


def test_the_form_follows_undo_and_a_removed_block_clears_it(window):
    conv1 = _select(window, "conv1")
    window.editor.set_param(conv1, "kernel_size", 5)
    assert window.inspector.editors["kernel_size"].spin.value() == 5
    window.menu_actions.undo.trigger()
    assert window.inspector.editors["kernel_size"].spin.value() == 3
    window.menu_actions.delete.trigger()
    assert window.inspector.block_id is None


def test_stepping_up_from_auto_starts_at_the_inferred_value(window):
    fc1 = _select(window, "fc1")
    window.inspector.editors["in_features"].spin.stepBy(1)
    assert window.document.design.block(fc1).params["in_features"] == 128


def test_optional_params_show_what_empty_means(window):
    pool1 = _select(window, "pool1")
    spin = window.inspector.editors["stride"].spin
    assert spin.text() == "the kernel size"
    spin.setValue(1)
    assert window.document.design.block(pool1).params["stride"] == 1
    spin.setValue(spin.minimum())
    assert window.document.design.block(pool1).params["stride"] is None
