"""Moving around the canvas: space-drag and middle-drag pan, zoom keys, fit, level of detail, block overlays."""

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QKeySequence, QPainter
from PySide6.QtWidgets import QApplication

from designer.ui.canvas.view import DETAIL_ZOOM


def _pan(qtbot, window, button, by: QPoint) -> None:
    viewport = window.view.viewport()
    start = QPoint(300, 300)
    qtbot.mousePress(viewport, button, pos=start)
    qtbot.mouseMove(viewport, pos=start + by / 2)
    qtbot.mouseMove(viewport, pos=start + by)
    qtbot.mouseRelease(viewport, button, pos=start + by)


def test_space_drag_pans_without_selecting_or_moving_anything(window, qtbot):
    view, design = window.view, window.document.design
    before_design, before_centre = design.snapshot(), view.visible_centre()
    view.setFocus()
    qtbot.keyPress(view, Qt.Key.Key_Space)
    _pan(qtbot, window, Qt.MouseButton.LeftButton, QPoint(-120, -80))
    qtbot.keyRelease(view, Qt.Key.Key_Space)
    moved = view.visible_centre() - before_centre
    assert moved.x() == pytest.approx(120 / view.zoom(), abs=1) and moved.y() == pytest.approx(80 / view.zoom(), abs=1)
    assert design == before_design and window.scene.selected_block_ids() == []
    # Without space, the same drag on empty canvas is a rubber band again, not a pan.
    view.centerOn(QPointF(0, 3000))
    centre = view.visible_centre()
    _pan(qtbot, window, Qt.MouseButton.LeftButton, QPoint(-120, -80))
    assert view.visible_centre() == centre


def test_middle_drag_pans(window, qtbot):
    view = window.view
    before = view.visible_centre()
    _pan(qtbot, window, Qt.MouseButton.MiddleButton, QPoint(60, 40))
    assert (before - view.visible_centre()).x() == pytest.approx(60 / view.zoom(), abs=1)


def test_zoom_keys_and_ctrl_0_back_to_natural_size(window, qtbot):
    view = window.view
    view.setFocus()
    view.reset_zoom()
    qtbot.keyClick(view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom() == pytest.approx(1.25)
    qtbot.keyClick(view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom() == pytest.approx(0.8)
    centre = view.visible_centre()
    qtbot.keyClick(view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom() == pytest.approx(1.0)
    assert abs((view.visible_centre() - centre).x()) < 1


def test_f_fits_the_whole_design(window, qtbot):
    view = window.view
    view.reset_zoom()
    view.zoom_by(2.5)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_F)
    assert view.visible_rect().contains(view.minimap.bounds())
    assert view.zoom() >= DETAIL_ZOOM  # the LeNet template opens whole and readable


def test_every_standard_shortcut_is_on_a_menu_action(window):
    shortcuts = {s.toString() for act in window.findChildren(type(window.menu_actions.copy)) for s in act.shortcuts()}
    for key in ("Ctrl+Z", "Ctrl+Shift+Z", "Ctrl+Y", "Ctrl+C", "Ctrl+X", "Ctrl+V", "Ctrl+D", "Del", "Ctrl+A", "F"):
        assert QKeySequence(key).toString() in shortcuts, key
    for key in ("Ctrl+0", "Ctrl++", "Ctrl+-"):
        assert QKeySequence(key).toString() in shortcuts, key
    menus = [a.menu() for a in window.menuBar().actions() if a.menu() is not None]
    in_menus = {act for menu in menus for act in _all_actions(menu)}
    acts = window.menu_actions
    for act in (acts.copy, acts.cut, acts.paste, acts.duplicate, acts.delete, acts.select_all, acts.fit):
        assert act in in_menus and not act.shortcut().isEmpty()
    assert acts.actual_size in in_menus and acts.align["left"] in in_menus


def _all_actions(menu):
    for act in menu.actions():
        yield act
        if act.menu() is not None:
            yield from _all_actions(act.menu())


def test_far_out_blocks_are_plain_rectangles_without_labels_or_ports(window):
    view, scene = window.view, window.scene
    item = next(iter(scene.blocks.values()))
    edge = next(e for e in scene.edges.values() if e.label.text())
    view.reset_zoom()
    assert scene.detailed and edge.label.isVisible() and all(p.isVisible() for p in item.inputs.values())
    view.zoom_by(DETAIL_ZOOM / 2)
    assert not scene.detailed
    ports = [*item.inputs.values(), *item.outputs.values()]
    assert not edge.label.isVisible() and not any(p.isVisible() for p in ports)
    assert not any(child.isVisible() for child in item.childItems())
    assert _drawn(window, item).pixelColor(8, 8) == item.colour  # filled with its category colour
    view.zoom_by(4.0)
    assert scene.detailed and edge.label.isVisible() and any(child.isVisible() for child in item.childItems())
    assert _drawn(window, item).pixelColor(item.body().width() / 2 + 20, 10) == QColor("white")


def _drawn(window, item) -> QImage:
    """The block painted at 1:1 into an image whose origin is its body's top-left corner."""
    body = item.body()
    image = QImage(int(body.width()), int(body.height()), QImage.Format.Format_ARGB32)
    image.fill(QColor("black"))
    painter = QPainter(image)
    painter.translate(-body.left(), -body.top())
    item.paint(painter, None, None)
    painter.end()
    return image


def test_blocks_added_while_far_out_are_drawn_plain_too(window):
    window.view.reset_zoom()
    window.view.zoom_by(DETAIL_ZOOM / 2)
    block_id = window.editor.add_block("Conv2d", (0, 900))
    item = window.scene.blocks[block_id]
    assert not item.detailed and not any(child.isVisible() for child in item.childItems())


def test_an_overlay_tints_a_block_and_captions_it_until_cleared(window):
    item = window.scene.blocks[window.document.design.find("conv1")]
    window.view.reset_zoom()
    plain = _drawn(window, item).pixelColor(70, 10)
    item.set_overlay(QColor("#ef4444"), "‖g‖ 3.1e-04")
    tinted = _drawn(window, item).pixelColor(70, 10)
    assert tinted != plain and tinted.red() > tinted.blue()
    assert item.caption.isVisible() and item.caption.text() == "‖g‖ 3.1e-04"
    assert item.caption.mapRectToParent(item.caption.boundingRect()).top() > item.body().bottom()
    item.set_overlay(None, None)
    assert _drawn(window, item).pixelColor(70, 10) == plain and not item.caption.isVisible()
    QApplication.processEvents()
