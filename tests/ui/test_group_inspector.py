"""Groups in the inspector: selecting a box or a frame's name tag shows the group; rename it there, with F2 or by
double-clicking the name tag (one undo step, refused names explained); totals follow the summary; Expand and
Ungroup; a renamed group is saved and found by its new name."""

import time

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtWidgets import QApplication, QGraphicsSceneMouseEvent

from designer.core.project_file import load_project
from designer.ui.document import Document
from designer.ui.group_inspector import GroupPage
from tests.ui.helpers import assert_scene_matches_model, view_point

CONV_STAGE = ["conv1", "relu1", "pool1"]


def ids(window, names):
    return [window.document.design.find(n) for n in names]


def collapsed_stage(window) -> str:
    """Group conv1, relu1 and pool1 (as group_1), collapse it, and leave nothing selected."""
    window.scene.select_blocks(ids(window, CONV_STAGE))
    window.group_actions.group_selection()
    window.editor.set_collapsed(["group_1"], True)
    window.scene.clearSelection()
    return "group_1"


def click(qtbot, window, scene_pos: QPointF, double: bool = False) -> None:
    at = view_point(window, scene_pos)
    if double:
        qtbot.mouseDClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=at)
    else:
        qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=at)
    QApplication.processEvents()


def page(window) -> GroupPage:
    assert window.inspector.group_page is not None, "the inspector shows no group"
    return window.inspector.group_page


def type_name(qtbot, window, name: str) -> None:
    field = page(window).name_edit
    field.selectAll()
    qtbot.keyClicks(field, name)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def summary_counts(window, names):
    rows = [r for r in window.document.summary.blocks if r.block_id in set(ids(window, names))]
    return sum(r.params for r in rows), sum(r.flops for r in rows)


def test_clicking_a_collapsed_box_shows_the_group_with_its_totals_and_boundary_shapes(window, qtbot):
    name = collapsed_stage(window)
    box = window.scene.groups.boxes[name]
    click(qtbot, window, box.pos() + QPointF(-20, 14))
    assert window.scene.selected_group() == name
    shown = page(window)
    assert shown.title.text() == name and shown.name_edit.text() == name
    assert shown.where.text() == "group · collapsed into one box"
    params, flops = summary_counts(window, CONV_STAGE)
    assert params == 160 and flops > 0  # conv1: 16 filters of 3×3 on one channel, and biases
    totals = shown.totals.text()
    assert "<b>3</b> blocks" in totals and f"{params:,} parameters" in totals
    assert "≥" not in totals and "per sample" in totals
    assert shown.inputs.text() == "<b>N×1×8×8</b>&nbsp; image → conv1"
    assert shown.outputs.text() == "<b>N×16×4×4</b>&nbsp; pool1 → conv2"
    assert shown.toggle_button.text() == "Expand" and shown.ungroup_button.isVisible()
    # Blocks chosen otherwise still get the block forms.
    window.scene.select_blocks(ids(window, ["fc1"]))
    assert window.inspector.group_page is None and window.inspector.block_id == ids(window, ["fc1"])[0]


def test_renaming_is_one_undo_step_and_undo_redo_give_back_the_same_design_and_scene(window, qtbot):
    design, stack = window.document.design, window.document.undo_stack
    name = collapsed_stage(window)
    before_design, before_groups = design.snapshot(), design.groups.copy(design.__contains__)
    window.scene.select_group(name)
    type_name(qtbot, window, "conv_stage")
    assert stack.undoText() == "Rename group 'group_1' to 'conv_stage'"
    assert name not in design.groups and design.groups.members("conv_stage") == set(ids(window, CONV_STAGE))
    box = window.scene.groups.boxes["conv_stage"]
    assert box.name == "conv_stage" and box.isSelected() and name not in window.scene.groups.boxes
    assert page(window).title.text() == "conv_stage"
    assert_scene_matches_model(window)
    after_groups = design.groups.copy(design.__contains__)

    window.menu_actions.undo.trigger()
    assert design == before_design and design.groups == before_groups
    assert window.scene.groups.boxes[name].isSelected() and page(window).name_edit.text() == name
    assert_scene_matches_model(window)
    window.menu_actions.redo.trigger()
    assert design.groups == after_groups and page(window).title.text() == "conv_stage"
    assert_scene_matches_model(window)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("group_2", "another group is already called 'group_2'"),
        ("   ", "not a usable group name"),
        ("x" * 101, "group names can be at most 100 characters long"),
    ],
)
def test_refused_names_are_explained_and_change_nothing(window, qtbot, typed, message):
    design, stack = window.document.design, window.document.undo_stack
    name = collapsed_stage(window)
    window.scene.select_blocks(ids(window, ["fc1", "relu3"]))
    window.group_actions.group_selection()  # group_2
    window.scene.select_group(name)
    count, before = stack.count(), design.groups.copy(design.__contains__)
    type_name(qtbot, window, typed)
    shown = page(window)
    assert message in shown.refusal.text() and shown.refusal.isVisible()
    assert window.statusBar().currentMessage().startswith("Not renamed:")
    assert message in window.statusBar().currentMessage()
    assert stack.count() == count and design.groups == before and shown.name_edit.text() == name


def test_f2_on_a_selected_box_starts_renaming_it(window, qtbot):
    name = collapsed_stage(window)
    window.scene.select_group(name)
    window.view.setFocus()
    qtbot.waitUntil(window.view.hasFocus)
    qtbot.keyClick(window.view, Qt.Key.Key_F2)
    field = page(window).name_edit
    assert field.hasFocus() and field.selectedText() == name
    qtbot.keyClicks(field, "stem")  # replaces the selected name
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert "stem" in window.document.design.groups and list(window.scene.groups.boxes) == ["stem"]


def test_f2_with_nothing_to_rename_says_so(window):
    window.scene.clearSelection()
    window.menu_actions.rename.trigger()
    assert window.statusBar().currentMessage() == "Select one block or one group to rename it"
    window.scene.select_blocks(ids(window, ["fc1"]))
    window.menu_actions.rename.trigger()
    assert window.inspector.name_edit.hasFocus() and window.inspector.name_edit.selectedText() == "fc1"


def test_an_expanded_groups_name_tag_selects_it_and_a_double_click_renames_it(window, qtbot):
    design = window.document.design
    name = collapsed_stage(window)
    window.editor.set_collapsed([name], False)
    frame = window.scene.groups.frames[name]
    tag = frame.title_rect()
    click(qtbot, window, QPointF(tag.right() - 8, tag.center().y()))
    assert window.scene.selected_group() == name and frame.isSelected()
    assert page(window).toggle_button.text() == "Collapse"
    assert page(window).where.text() == "group · expanded"
    window.scene.clearSelection()
    click(qtbot, window, QPointF(tag.right() - 8, tag.center().y()), double=True)
    field = page(window).name_edit
    assert field.hasFocus() and field.selectedText() == name
    assert not design.groups.get(name).collapsed  # a double-click on the name renames, it does not collapse
    type_name(qtbot, window, "features")
    assert window.scene.groups.frames["features"] is frame and frame.name == "features" and frame.isSelected()


def test_the_totals_follow_an_edit_inside_the_group_once_the_summary_arrives(window, qtbot):
    name = collapsed_stage(window)
    window.scene.select_group(name)
    conv1 = ids(window, ["conv1"])[0]
    with qtbot.waitSignal(window.document.summary_changed, timeout=2000):
        assert window.editor.set_param(conv1, "out_channels", 32) is None
    params, _ = summary_counts(window, CONV_STAGE)
    assert params == 320
    assert f"{params:,} parameters" in page(window).totals.text()
    assert page(window).outputs.text() == "<b>N×32×4×4</b>&nbsp; pool1 → conv2"


def test_expand_and_ungroup_buttons(window, qtbot):
    design, stack = window.document.design, window.document.undo_stack
    name = collapsed_stage(window)
    window.scene.select_group(name)
    qtbot.mouseClick(page(window).toggle_button, Qt.MouseButton.LeftButton)
    assert not design.groups.get(name).collapsed and stack.undoText() == f"Expand {name}"
    assert window.scene.selected_group() == name  # still selected, now as its frame
    assert page(window).toggle_button.text() == "Collapse"
    qtbot.mouseClick(page(window).ungroup_button, Qt.MouseButton.LeftButton)
    assert name not in design.groups and stack.undoText() == f"Ungroup {name}"
    assert window.inspector.group_page is None and window.inspector.name_field() is None
    assert_scene_matches_model(window)


def test_a_renamed_group_is_saved_reopened_and_found_by_its_new_name(window, qtbot, tmp_path):
    name = collapsed_stage(window)
    window.scene.select_group(name)
    type_name(qtbot, window, "conv stage")  # group names may hold spaces
    window.document.save(tmp_path / "renamed.json")
    reopened = load_project(tmp_path / "renamed.json")
    assert list(reopened.design.groups) == list(window.document.design.groups)
    window.set_document(Document(reopened, tmp_path / "renamed.json"))
    assert list(window.scene.groups.boxes) == ["conv stage"]
    window.find_block()
    qtbot.keyClicks(window.find_popup.search, "conv stage")
    assert window.find_popup.visible_names() == CONV_STAGE
    qtbot.keyClick(window.find_popup.search, Qt.Key.Key_Escape)


def double_click_event(item) -> QGraphicsSceneMouseEvent:
    """What the scene gives the item under the pointer for the second press of a double-click."""
    event = QGraphicsSceneMouseEvent(QEvent.Type.GraphicsSceneMouseDoubleClick)
    event.setButton(Qt.MouseButton.LeftButton)
    event.setScenePos(item.scenePos())
    event.setPos(QPointF(0, 0))
    return event


def test_a_double_click_on_a_frames_button_collapses_the_group_once(window, qtbot):
    window.scene.select_blocks(ids(window, CONV_STAGE))
    window.group_actions.group_selection()
    groups, steps = window.document.design.groups, window.document.undo_stack.count()
    frame = window.scene.groups.frames["group_1"]
    interval = QApplication.doubleClickInterval()
    try:
        QApplication.setDoubleClickInterval(5000)  # however slow the machine, the second press makes a double-click
        click(qtbot, window, frame.mapToScene(frame.button_rect().center()))
        box = window.scene.groups.boxes["group_1"]
        window.scene.sendEvent(box, double_click_event(box))  # the second press lands on the box that appeared
        assert groups.get("group_1").collapsed
        assert window.document.undo_stack.count() == steps + 1
        QApplication.setDoubleClickInterval(1)
        time.sleep(0.01)
        window.scene.sendEvent(box, double_click_event(box))  # a double-click of its own expands the box again
        assert not groups.get("group_1").collapsed
    finally:
        QApplication.setDoubleClickInterval(interval)
