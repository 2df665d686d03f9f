"""Copy, cut, paste and duplicate through the system clipboard, within a window and between two."""

import json

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QCursor, QGuiApplication

from designer.core.design import Connection
from designer.core.project import Project
from designer.ui.clipboard import MIME_TYPE, REPEAT_OFFSET
from designer.ui.document import Document
from designer.ui.main_window import MainWindow
from tests.ui.helpers import assert_scene_matches_model


@pytest.fixture(autouse=True)
def empty_clipboard():
    QGuiApplication.clipboard().clear()


def _select(window, *names):
    design = window.document.design
    ids = [design.find(n) for n in names]
    window.scene.select_blocks(ids)
    return ids


def _new_blocks(window, before):
    return [b for b in window.document.design.blocks() if b.id not in before]


def test_copy_puts_our_json_and_plain_text_on_the_clipboard(window):
    _select(window, "conv1", "relu1")
    window.menu_actions.copy.trigger()
    data = QGuiApplication.clipboard().mimeData()
    assert data.hasFormat(MIME_TYPE)
    document = json.loads(data.text())
    assert document["format"] == "designer-fragment"
    assert [b["name"] for b in document["blocks"]] == ["conv1", "relu1"]
    assert len(document["connections"]) == 1
    assert "Copied 2 blocks" in window.statusBar().currentMessage()


def test_paste_adds_fresh_blocks_with_the_connection_at_the_point_in_one_step(window):
    design, stack = window.document.design, window.document.undo_stack
    conv1, relu1 = _select(window, "conv1", "relu1")
    window.menu_actions.copy.trigger()
    before = design.snapshot()
    old_ids = {b.id for b in design.blocks()}
    new_ids = window.clipboard_actions.paste(at=QPointF(1000, 1200))
    pasted = _new_blocks(window, old_ids)
    assert [b.id for b in pasted] == new_ids and len(new_ids) == 2
    assert [b.name for b in pasted] == ["conv2d_1", "relu_1"]
    assert pasted[0].params == design.block(conv1).params
    (x0, y0), (x1, y1) = (b.position for b in pasted)
    assert ((x0 + x1) / 2, (y0 + y1) / 2) == (1000, 1200)
    assert x1 - x0 == design.block(relu1).position[0] - design.block(conv1).position[0]
    assert Connection(new_ids[0], "out", new_ids[1], "in") in design.connections()
    assert sorted(window.scene.selected_block_ids()) == sorted(new_ids)
    assert window.menu_actions.undo.text() == "&Undo Paste 2 blocks"
    assert_scene_matches_model(window)
    stack.undo()
    assert design == before
    assert_scene_matches_model(window)
    stack.redo()
    assert [b.id for b in _new_blocks(window, old_ids)] == new_ids


def test_pasting_again_at_the_same_place_moves_each_copy_a_step_further(window):
    _select(window, "fc1")
    window.menu_actions.copy.trigger()
    design = window.document.design
    first = window.clipboard_actions.paste(at=QPointF(500, 900))
    second = window.clipboard_actions.paste(at=QPointF(500, 900))
    third = window.clipboard_actions.paste(at=QPointF(800, 900))
    assert design.block(first[0]).position == (500, 900)
    assert design.block(second[0]).position == (500 + REPEAT_OFFSET, 900 + REPEAT_OFFSET)
    assert design.block(third[0]).position == (800, 900)
    assert len({design.block(b).name for b in first + second + third}) == 3


def test_ctrl_v_pastes_at_the_cursor(window, qtbot):
    _select(window, "relu1")
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    target = QPoint(200, 150)
    QCursor.setPos(window.view.viewport().mapToGlobal(target))
    if window.view.viewport().mapFromGlobal(QCursor.pos()) != target:
        pytest.skip("this platform cannot move the pointer")
    before = {b.id for b in window.document.design.blocks()}
    qtbot.keyClick(window.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    (pasted,) = _new_blocks(window, before)
    under = window.view.mapToScene(target)
    assert abs(pasted.position[0] - under.x()) <= 5 and abs(pasted.position[1] - under.y()) <= 5


def test_paste_into_a_fresh_design_in_a_second_window_keeps_the_names(window, qtbot):
    _select(window, "image", "conv1", "relu1")
    window.menu_actions.copy.trigger()
    other = MainWindow(Document(Project()))
    qtbot.addWidget(other)
    other.show()
    new_ids = other.clipboard_actions.paste(at=QPointF(0, 0))
    design = other.document.design
    assert [design.block(b).name for b in new_ids] == ["image", "conv1", "relu1"]
    assert len(design.connections()) == 2
    assert str(other.document.report.outputs[new_ids[2]][0]) == "N×16×8×8"  # shapes follow at once
    assert_scene_matches_model(other)
    assert window.document.undo_stack.count() == 0


def test_plain_text_json_pastes_too(window):
    _select(window, "conv1", "relu1")
    window.menu_actions.copy.trigger()
    text = QGuiApplication.clipboard().text()
    QGuiApplication.clipboard().setText(text)  # as if it came back from a text editor
    assert not QGuiApplication.clipboard().mimeData().hasFormat(MIME_TYPE)
    assert len(window.clipboard_actions.paste(at=QPointF(0, 900))) == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hello world", "Nothing pasted: the clipboard holds text, not copied Designer blocks"),
        ('{"format": "designer-fragment",', "Nothing pasted: line 1, column 32: not valid JSON"),
        ('{"format": "designer-project", "version": 1}', "Nothing pasted: not copied Designer blocks"),
        (
            '{"format": "designer-fragment", "version": 1, "blocks": [{"id": "b1", "kind": "Nope", "name": "x"}]}',
            "Nothing pasted: blocks[0].kind: unknown block kind 'Nope'",
        ),
        ("", "Nothing pasted: the clipboard is empty"),
    ],
)
def test_pasting_something_else_says_why_and_changes_nothing(window, text, message):
    QGuiApplication.clipboard().setText(text)
    before = window.document.design.snapshot()
    window.menu_actions.paste.trigger()
    assert window.document.design == before
    assert window.document.undo_stack.count() == 0
    assert message in window.statusBar().currentMessage()


def test_cut_removes_the_blocks_in_one_step_and_paste_brings_copies_back(window):
    design, stack = window.document.design, window.document.undo_stack
    _select(window, "fc1", "relu3")
    count = len(design)
    window.menu_actions.cut.trigger()
    assert len(design) == count - 2 and design.find("fc1") is None
    assert stack.count() == 1 and "Cut 2 blocks" in window.statusBar().currentMessage()
    window.clipboard_actions.paste(at=QPointF(0, 900))
    assert len(design) == count and design.find("fc1") is not None  # the old names are free again
    assert_scene_matches_model(window)


def test_duplicate_copies_blocks_and_their_connections_beside_them(window, qtbot):
    design = window.document.design
    conv1, _ = _select(window, "conv1", "relu1")
    before = {b.id for b in design.blocks()}
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    copies = _new_blocks(window, before)
    assert [b.kind for b in copies] == ["Conv2d", "ReLU"]
    x, y = design.block(conv1).position
    assert copies[0].position == (x + REPEAT_OFFSET, y + REPEAT_OFFSET)
    assert Connection(copies[0].id, "out", copies[1].id, "in") in design.connections()
    assert sorted(window.scene.selected_block_ids()) == sorted(b.id for b in copies)
    assert window.menu_actions.undo.text() == "&Undo Duplicate 2 blocks"
    assert_scene_matches_model(window)


def test_copy_and_duplicate_without_a_selection_say_so(window):
    window.scene.clearSelection()
    window.menu_actions.copy.trigger()
    assert "select blocks first" in window.statusBar().currentMessage()
    window.menu_actions.duplicate.trigger()
    assert window.document.undo_stack.count() == 0
