"""Keys on the canvas: F fits, other letters and Tab start adding a block, F6 moves between panels."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from designer.ui.panel_focus import move_focus


@pytest.fixture
def canvas(window, qtbot):
    window.view.setFocus()
    qtbot.waitUntil(window.view.hasFocus)
    return window.view


def test_f_fits_the_view_and_opens_no_search(window, canvas, qtbot):
    canvas.zoom_by(3.0)
    zoomed = canvas.zoom()
    qtbot.keyClick(canvas, Qt.Key.Key_F)
    assert canvas.zoom() < zoomed
    assert not window.quick_add.isVisible()


@pytest.mark.parametrize(
    ("key", "modifier", "typed"),
    [(Qt.Key.Key_C, Qt.KeyboardModifier.NoModifier, "c"), (Qt.Key.Key_F, Qt.KeyboardModifier.ShiftModifier, "f")],
)
def test_any_other_letter_starts_a_search_with_it(window, canvas, qtbot, key, modifier, typed):
    zoom = canvas.zoom()
    qtbot.keyClick(canvas, key, modifier)
    assert window.quick_add.isVisible() and window.quick_add.search.text().lower() == typed
    assert canvas.zoom() == zoom


def test_tab_opens_an_empty_search_only_on_the_canvas(window, canvas, qtbot):
    qtbot.keyClick(canvas, Qt.Key.Key_Tab)
    assert window.quick_add.isVisible() and window.quick_add.search.text() == ""
    qtbot.keyClick(window.quick_add.search, Qt.Key.Key_Escape)
    assert not window.quick_add.isVisible()
    search = window.block_palette.findChild(type(window.quick_add.search))
    search.setFocus()
    qtbot.keyClick(search, Qt.Key.Key_Tab)
    assert not window.quick_add.isVisible()


def test_add_block_in_the_edit_menu_opens_the_search(window, qtbot):
    window.menu_actions.add_block.trigger()
    assert window.quick_add.isVisible()
    assert "Tab" in window.menu_actions.add_block.text()


def test_f6_visits_each_shown_panel_and_shift_f6_goes_back(window, canvas, qtbot):
    def panel_of_focus():
        focused = QApplication.focusWidget()
        return next(d.objectName() for d in window.docks if d.isAncestorOf(focused)) if focused else None

    visited = []
    for _ in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F6)
        visited.append(panel_of_focus())
    assert visited == ["Blocks", "Inspector", "Problems"]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F6)
    assert canvas.hasFocus()
    move_focus(window, -1)
    assert panel_of_focus() == "Problems"
    window.dataset_dock.raise_()  # of tabbed docks, the one in front is visited
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier)
    assert panel_of_focus() == "Dataset"
