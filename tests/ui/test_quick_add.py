"""The quick-add popup: Tab, a letter or a double-click on empty canvas; type to filter, Enter to place."""

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QCursor

from tests.ui.helpers import assert_scene_matches_model


def _empty_spot(window) -> QPoint:
    """A viewport point over empty canvas, with the pointer moved there."""
    view = window.view
    view.centerOn(QPointF(0, 2000))
    point = QPoint(150, 120)
    assert view.itemAt(point) is None
    QCursor.setPos(view.viewport().mapToGlobal(point))
    return point


def test_tab_opens_it_and_typing_filters_like_the_palette(window, qtbot):
    popup = window.quick_add
    _empty_spot(window)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Tab)
    assert popup.isVisible() and popup.search.hasFocus()
    assert len(popup.visible_kinds()) == len(window.block_palette.visible_kinds())
    qtbot.keyClicks(popup.search, "norm")
    window.block_palette.filter("norm")
    assert popup.visible_kinds() == window.block_palette.visible_kinds()
    assert set(popup.visible_kinds()) == {"BatchNorm1d", "BatchNorm2d", "LayerNorm", "GroupNorm", "LocalResponseNorm"}


def test_enter_places_the_first_match_where_the_popup_was_opened(window, qtbot):
    design, popup = window.document.design, window.quick_add
    point = _empty_spot(window)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_G)  # typing on the canvas starts the search with that letter
    assert popup.isVisible() and popup.search.text() == "g"
    qtbot.keyClicks(popup.search, "elu")
    before = {b.id for b in design.blocks()}
    qtbot.keyClick(popup.search, Qt.Key.Key_Return)
    (added,) = [b for b in design.blocks() if b.id not in before]
    assert added.kind == "GELU"
    where = window.view.mapToScene(point)
    assert abs(added.position[0] - where.x()) <= 5 and abs(added.position[1] - where.y()) <= 5
    assert not popup.isVisible()
    assert window.scene.selected_block_ids() == [added.id]
    assert window.document.undo_stack.count() == 1
    assert_scene_matches_model(window)


def test_arrow_keys_choose_another_match(window, qtbot):
    popup = window.quick_add
    popup.open_at(QPoint(10, 10), QPointF(0, 900), "pool2d")
    kinds = popup.visible_kinds()
    qtbot.keyClick(popup.search, Qt.Key.Key_Down)
    before = {b.id for b in window.document.design.blocks()}
    qtbot.keyClick(popup.search, Qt.Key.Key_Return)
    (added,) = [b for b in window.document.design.blocks() if b.id not in before]
    assert added.kind == kinds[1] and added.position == (0, 900)


def test_double_click_on_empty_canvas_opens_it_and_escape_closes_it(window, qtbot):
    popup, stack = window.quick_add, window.document.undo_stack
    point = _empty_spot(window)
    qtbot.mouseDClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert popup.isVisible()
    assert popup.scene_pos == window.view.mapToScene(point)
    qtbot.keyClick(popup.search, Qt.Key.Key_Escape)
    assert not popup.isVisible() and stack.count() == 0


def test_nothing_matching_places_nothing(window, qtbot):
    popup = window.quick_add
    popup.open_at(QPoint(10, 10), QPointF(0, 900), "zzz")
    assert popup.visible_kinds() == []
    qtbot.keyClick(popup.search, Qt.Key.Key_Return)
    assert popup.isVisible() and window.document.undo_stack.count() == 0
