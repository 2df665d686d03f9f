"""Groups on the canvas: group, collapse, expand, ungroup and delete, each undone back to the same design and scene;
saved and reopened; Find Block reveals a block inside a collapsed group."""

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMenu

from designer.core.design import Connection
from designer.core.project_file import load_project
from designer.ui.canvas.group_item import GroupBoxItem, GroupFrameItem
from designer.ui.document import Document
from tests.ui.helpers import assert_scene_matches_model, drag

CONV_STAGE = ["conv1", "relu1", "pool1"]


def ids(window, names):
    return [window.document.design.find(n) for n in names]


def scene_state(window):
    """What the canvas shows of the groups: boxes, frames, hidden blocks and hidden edges, and where edges end."""
    scene = window.scene
    return (
        sorted(n for n, item in scene.groups.boxes.items() if item.scene() is scene),
        sorted(n for n, item in scene.groups.frames.items() if item.scene() is scene),
        sorted(b for b, item in scene.blocks.items() if not item.isVisible()),
        sorted(str(c) for c, edge in scene.edges.items() if not edge.isVisible()),
        sorted((str(c), edge.path().pointAtPercent(1.0).toTuple()) for c, edge in scene.edges.items()),
    )


def group_conv_stage(window):
    window.scene.select_blocks(ids(window, CONV_STAGE))
    window.group_actions.group_selection()
    return window.document.design.groups.group_of(ids(window, CONV_STAGE)[0])


def test_group_collapse_expand_ungroup_each_one_step_and_undone_to_the_same_design_and_scene(window):
    design, stack = window.document.design, window.document.undo_stack
    before_design, before_groups, before_scene = design.snapshot(), design.groups.copy(design.__contains__), None
    before_scene = scene_state(window)
    name = group_conv_stage(window)
    assert name == "group_1" and stack.undoText() == "Group 3 blocks as group_1"
    assert design.groups.members(name) == set(ids(window, CONV_STAGE))
    assert list(window.scene.groups.frames) == [name]

    window.scene.group_toggle_requested.emit(name)  # what the frame's − and a double-click ask
    assert stack.undoText() == f"Collapse {name}"
    box = window.scene.groups.boxes[name]
    conv1, relu1, pool1 = ids(window, CONV_STAGE)
    assert not any(window.scene.blocks[b].isVisible() for b in (conv1, relu1, pool1))
    inside = Connection(conv1, "out", relu1, "in")
    assert not window.scene.edges[inside].isVisible()
    into = next(c for c in design.connections() if c.target == conv1)
    out_of = next(c for c in design.connections() if c.source == pool1)
    assert window.scene.edges[into].path().pointAtPercent(1.0) == box.input_point()
    assert window.scene.edges[out_of].path().pointAtPercent(0.0) == box.output_point()
    assert window.scene.edges[into].isVisible() and window.scene.edges[out_of].isVisible()
    assert box.block_count == 3 and box.params == sum(
        b.params or 0 for b in window.document.summary.blocks if b.block_id in (conv1, relu1, pool1)
    )

    window.scene.group_toggle_requested.emit(name)
    assert stack.undoText() == f"Expand {name}" and name in window.scene.groups.frames
    window.group_actions.collapse_all()
    assert stack.undoText() == "Collapse all groups"
    window.scene.select_blocks([conv1])  # a hidden block is selected through its box
    window.group_actions.ungroup_selection()
    assert stack.undoText() == f"Ungroup {name}" and len(design.groups) == 0
    assert scene_state(window) == before_scene

    while stack.canUndo() and stack.index() > 0:
        stack.undo()
    assert design == before_design and design.groups == before_groups
    assert scene_state(window) == before_scene
    while stack.canRedo():
        stack.redo()
    assert len(design.groups) == 0 and scene_state(window) == before_scene


def test_dragging_a_collapsed_box_moves_its_blocks_in_one_step(window, qtbot):
    design, stack = window.document.design, window.document.undo_stack
    name = group_conv_stage(window)
    window.editor.set_collapsed([name], True)
    box = window.scene.groups.boxes[name]
    before = {b: design.block(b).position for b in ids(window, CONV_STAGE)}
    drag(qtbot, window, box.pos() + QPointF(0, 12), box.pos() + QPointF(60, 92))
    moved = {b: design.block(b).position for b in before}
    shifts = {(round(m[0] - before[b][0], -1), round(m[1] - before[b][1], -1)) for b, m in moved.items()}
    assert len(shifts) == 1 and shifts != {(0.0, 0.0)}
    assert stack.undoText() == "Move blocks"
    stack.undo()
    assert {b: design.block(b).position for b in before} == before


def test_deleting_a_groups_blocks_takes_the_group_and_undo_brings_both_back(window):
    design, stack = window.document.design, window.document.undo_stack
    name = group_conv_stage(window)
    window.editor.set_collapsed([name], True)
    window.scene.select_blocks(ids(window, CONV_STAGE))
    window.delete_selection()
    assert name not in design.groups and not window.scene.groups.boxes
    stack.undo()
    assert design.groups.members(name) == set(ids(window, CONV_STAGE)) and design.groups.get(name).collapsed
    assert list(window.scene.groups.boxes) == [name]


def test_part_of_a_group_with_blocks_outside_it_is_refused_with_a_message(window):
    group_conv_stage(window)
    window.scene.select_blocks(ids(window, ["conv1", "conv2"]))
    window.group_actions.group_selection()
    assert "select all of group group_1 or none of it" in window.statusBar().currentMessage()


def test_nested_groups_collapse_inside_out_and_save_and_reopen(window, tmp_path):
    design = window.document.design
    outer_names = [*CONV_STAGE, "conv2", "relu2", "pool2"]
    window.scene.select_blocks(ids(window, CONV_STAGE))
    window.group_actions.group_selection()
    window.scene.select_blocks(ids(window, outer_names))
    window.group_actions.group_selection()
    assert design.groups.get("group_1").parent == "group_2"
    window.editor.set_collapsed(["group_1"], True)
    assert set(window.scene.groups.boxes) == {"group_1"} and set(window.scene.groups.frames) == {"group_2"}
    frame = window.scene.groups.frames["group_2"]
    assert frame.rect().contains(window.scene.groups.boxes["group_1"].sceneBoundingRect())
    window.document.save(tmp_path / "grouped.json")
    reopened = load_project(tmp_path / "grouped.json")
    assert reopened.design.groups == design.groups
    window.set_document(Document(reopened, tmp_path / "grouped.json"))
    assert set(window.scene.groups.boxes) == {"group_1"} and set(window.scene.groups.frames) == {"group_2"}
    assert_scene_matches_model(window)  # a new scene puts edges on boxes from the start
    items = window.scene.items()
    assert sum(isinstance(i, GroupBoxItem) for i in items) == 1
    assert sum(isinstance(i, GroupFrameItem) for i in items) == 1


def test_find_block_selects_and_reveals_a_block_inside_a_collapsed_group(window, qtbot):
    design, stack = window.document.design, window.document.undo_stack
    name = group_conv_stage(window)
    window.editor.set_collapsed([name], True)
    relu1 = design.find("relu1")
    window.view.centerOn(QPointF(-3000, -3000))
    window.menu_actions.find_block.trigger()
    popup = window.find_popup
    assert popup.isVisible() and popup.search.hasFocus()
    qtbot.keyClicks(popup.search, name)  # a group's name lists its blocks
    assert popup.visible_names() == CONV_STAGE
    popup.search.clear()
    qtbot.keyClicks(popup.search, "relu")
    assert popup.visible_names() == ["relu1", "relu2", "relu3"]
    qtbot.keyClicks(popup.search, " 1")
    assert popup.visible_names() == ["relu1"]
    qtbot.keyClick(popup.search, Qt.Key.Key_Return)
    assert not popup.isVisible()
    assert not design.groups.get(name).collapsed and stack.undoText() == f"Expand {name}"
    assert window.scene.selected_block_ids() == [relu1] and window.scene.blocks[relu1].isVisible()
    centre = window.view.visible_centre()
    assert (centre - window.scene.blocks[relu1].pos()).manhattanLength() < 2


def test_find_block_lists_kinds_too_and_escape_changes_nothing(window, qtbot):
    window.find_block()
    popup = window.find_popup
    qtbot.keyClicks(popup.search, "conv2d")
    assert popup.visible_names() == ["conv1", "conv2"]
    qtbot.keyClick(popup.search, Qt.Key.Key_Escape)
    assert not popup.isVisible() and window.document.undo_stack.count() == 0


def test_copying_a_collapsed_group_pastes_a_collapsed_copy_and_undo_takes_it_away(window):
    design, stack = window.document.design, window.document.undo_stack
    name = group_conv_stage(window)
    window.editor.set_collapsed([name], True)
    window.scene.clearSelection()
    window.scene.groups.boxes[name].setSelected(True)
    window.clipboard_actions.copy()
    new_ids = window.clipboard_actions.paste(at=QPointF(400, 1200))
    assert len(new_ids) == 3 and stack.undoText() == "Paste 3 blocks"
    copy = design.groups.group_of(new_ids[0])
    assert copy == f"{name}_1" and design.groups.members(copy) == set(new_ids) and design.groups.get(copy).collapsed
    assert set(window.scene.groups.boxes) == {name, copy}
    assert window.scene.selected_block_ids() == new_ids  # selected through its box
    stack.undo()
    assert copy not in design.groups and set(window.scene.groups.boxes) == {name}
    QGuiApplication.clipboard().clear()


def test_a_collapsed_box_counts_parameters_again_after_an_edit_inside_it(window, qtbot):
    name = group_conv_stage(window)
    window.editor.set_collapsed([name], True)
    box, conv1 = window.scene.groups.boxes[name], window.document.design.find("conv1")
    before = box.params
    with qtbot.waitSignal(window.document.summary_changed, timeout=2000):
        assert (
            window.editor.set_param(
                conv1, "out_channels", 2 * window.document.design.block(conv1).params["out_channels"]
            )
            is None
        )
    assert box.params > before
    assert box.params == sum(
        b.params or 0
        for b in window.document.summary.blocks
        if b.block_id in window.document.design.groups.members(name)
    )


def test_the_menus_offer_grouping_and_find_with_their_shortcuts(window):
    acts = window.menu_actions
    shortcuts = {a.text(): a.shortcut().toString() for a in (acts.group, acts.ungroup, acts.find_block)}
    assert shortcuts == {"&Group Selection": "Ctrl+G", "U&ngroup": "Ctrl+Shift+G", "&Find Block…": "Ctrl+F"}
    menus = {m.title(): m.actions() for m in window.menuBar().findChildren(QMenu)}
    assert {acts.group, acts.ungroup, acts.find_block} <= set(menus["&Edit"])
    assert {acts.collapse_all, acts.expand_all} <= set(menus["&View"])
    acts.collapse_all.trigger()
    assert "no groups" in window.statusBar().currentMessage()


def test_the_minimap_shows_a_collapsed_group_as_its_box(window):
    name = group_conv_stage(window)
    window.editor.set_collapsed([name], True)
    shown = window.scene.overview_items()
    assert window.scene.groups.boxes[name] in shown
    assert not {window.scene.blocks[b] for b in ids(window, CONV_STAGE)} & set(shown)
    assert len(shown) == len(window.document.design) - 3 + 1
