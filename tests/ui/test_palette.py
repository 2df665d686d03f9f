"""The block palette: search, tooltips, double-click and drag-and-drop onto the canvas."""

import html

from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from designer.core.blocks import REGISTRY
from designer.ui.palette import block_mime_data
from tests.ui.helpers import assert_scene_matches_model


def test_every_block_kind_is_listed_with_its_help(window):
    palette = window.block_palette
    assert sorted(palette.visible_kinds()) == sorted(REGISTRY)
    assert html.escape(REGISTRY["Conv2d"].help) in palette.item_for("Conv2d").toolTip(0)


def test_search_filters_as_you_type(window, qtbot):
    palette = window.block_palette
    qtbot.keyClicks(palette.search, "pool2")
    assert palette.visible_kinds() == ["MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d"]
    palette.search.clear()
    qtbot.keyClicks(palette.search, "normal")  # a category name shows the whole category
    assert palette.visible_kinds() == ["BatchNorm1d", "BatchNorm2d", "LayerNorm", "GroupNorm", "LocalResponseNorm"]
    palette.search.clear()
    assert len(palette.visible_kinds()) == len(REGISTRY)


def test_double_click_adds_a_block_at_the_view_centre(window, qtbot):
    palette, design = window.block_palette, window.document.design
    before = len(design)
    item = palette.item_for("Linear")
    palette.tree.scrollToItem(item)
    rect = palette.tree.visualItemRect(item)
    qtbot.mouseClick(palette.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(palette.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert len(design) == before + 1
    added = list(design.blocks())[-1]
    assert added.kind == "Linear" and added.name == "linear_1"
    centre = window.view.visible_centre()
    assert abs(added.position[0] - centre.x()) <= 10
    assert window.scene.selected_block_ids() == [added.id]
    assert window.inspector.block_id == added.id
    assert window.menu_actions.undo.text() == "&Undo Add linear_1"
    assert_scene_matches_model(window)


def test_dropping_a_palette_block_adds_it_where_it_lands(window):
    viewport, design = window.view.viewport(), window.document.design
    target = QPointF(window.view.mapFromScene(QPointF(300, 200)))
    data = block_mime_data("Dropout")
    actions = Qt.DropAction.CopyAction
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(target.toPoint(), actions, data, buttons, keys)
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(viewport, QDragMoveEvent(target.toPoint(), actions, data, buttons, keys))
    drop = QDropEvent(target, actions, data, buttons, keys)
    QApplication.sendEvent(viewport, drop)
    added = list(design.blocks())[-1]
    assert added.kind == "Dropout"
    assert added.position == (300.0, 200.0)
    assert_scene_matches_model(window)


def test_drops_of_other_things_are_ignored(window):
    data = QMimeData()
    data.setText("Linear")
    before = len(window.document.design)
    drop = QDropEvent(
        QPointF(20, 20), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(window.view.viewport(), drop)
    assert len(window.document.design) == before
