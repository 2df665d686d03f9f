"""Every action undoes back to an identical design and redoes to the same result, with a named menu entry."""

import pytest

from designer.core.design import Connection
from tests.ui.helpers import assert_scene_matches_model


def _add(window):
    window.editor.add_block("GELU", (100.0, 300.0))


def _remove(window):
    window.editor.delete([window.document.design.find("relu2")])


def _connect(window):
    gelu = window.editor.add_block("GELU", (100.0, 300.0))
    window.document.undo_stack.clear()
    assert window.editor.connect(Connection(window.document.design.find("relu1"), "out", gelu, "in")) is None


def _disconnect(window):
    design = window.document.design
    window.editor.delete(connections=[design.incoming(design.find("fc1"))["in"]])


def _move(window):
    window.editor.move({window.document.design.find("fc1"): (500.0, 500.0)})


def _set_param(window):
    window.editor.set_param(window.document.design.find("conv1"), "out_channels", 8)


def _rename(window):
    window.editor.rename(window.document.design.find("conv1"), "stem")


def _delete_many(window):
    design = window.document.design
    window.editor.delete([design.find("conv1"), design.find("fc2")], [design.incoming(design.find("fc1"))["in"]])


def _auto_layout(window):
    window.editor.move({window.document.design.find("fc1"): (500.0, 500.0)})
    window.document.undo_stack.clear()
    window.editor.auto_layout()


ACTIONS = {
    "add": (_add, "Add gelu_1"),
    "remove": (_remove, "Delete relu2"),
    "connect": (_connect, "Connect relu1 → gelu_1"),
    "disconnect": (_disconnect, "Disconnect flatten → fc1"),
    "move": (_move, "Move fc1"),
    "set param": (_set_param, "Set conv1.out_channels"),
    "rename": (_rename, "Rename conv1 to stem"),
    "delete many": (_delete_many, "Delete 3 items"),
    "auto-layout": (_auto_layout, "Auto-layout"),
}


@pytest.mark.parametrize("name", list(ACTIONS))
def test_undo_and_redo_restore_identical_designs(window, name):
    act, text = ACTIONS[name]
    design, stack = window.document.design, window.document.undo_stack
    act(window)
    assert stack.count() == 1, "each action is exactly one undo step"
    after = design.snapshot()
    assert window.menu_actions.undo.text() == f"&Undo {text}"
    assert window.isWindowModified()
    window.menu_actions.undo.trigger()
    before = design.snapshot()
    assert design != after
    assert_scene_matches_model(window)
    assert window.menu_actions.redo.text() == f"&Redo {text}"
    window.menu_actions.redo.trigger()
    assert design == after
    assert_scene_matches_model(window)
    window.menu_actions.undo.trigger()
    assert design == before
    assert_scene_matches_model(window)


def test_undoing_everything_returns_to_the_start_and_a_clean_title(window):
    design = window.document.design
    start = design.snapshot()
    assert not window.isWindowModified()
    for name in ("add", "remove", "disconnect", "move", "set param", "rename"):
        ACTIONS[name][0](window)
    assert window.isWindowModified() and "[*]" in window.windowTitle()
    while window.document.undo_stack.canUndo():
        window.menu_actions.undo.trigger()
    assert design == start
    assert not window.isWindowModified()
    assert_scene_matches_model(window)
