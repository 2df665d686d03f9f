"""The canvas: shapes on edges, errors on blocks, and connecting, moving, deleting and zooming with the mouse."""

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from designer.core.design import Connection
from tests.ui.helpers import assert_scene_matches_model, drag, port


def _two_loose_blocks(window) -> tuple[str, str]:
    relu = window.editor.add_block("ReLU", (0.0, 300.0))
    dropout = window.editor.add_block("Dropout", (300.0, 300.0))
    return relu, dropout


def test_edges_show_the_inferred_tensor_shape(window):
    design, scene = window.document.design, window.scene
    window.view.reset_zoom()
    edge = scene.edges[Connection(design.find("conv2"), "out", design.find("relu2"), "in")]
    assert edge.label.text() == "N×32×4×4"
    assert edge.label.isVisible()
    assert_scene_matches_model(window)


def test_a_block_with_an_error_is_outlined_and_says_why(window):
    design = window.document.design
    conv2 = design.find("conv2")
    window.editor.set_param(conv2, "in_channels", 5)
    item = window.scene.blocks[conv2]
    assert item.errors and "expects 5 channels but receives 16" in item.toolTip()
    # Downstream shapes are unknown now, so the next edge has no label.
    edge = window.scene.edges[Connection(conv2, "out", design.find("relu2"), "in")]
    assert edge.label.text() == "" and not edge.label.isVisible()
    assert window.problems.topLevelItemCount() >= 1
    window.menu_actions.undo.trigger()
    assert not item.errors
    assert_scene_matches_model(window)


def test_dragging_from_an_output_to_an_input_connects_them(window, qtbot):
    relu, dropout = _two_loose_blocks(window)
    drag(
        qtbot, window, port(window, "relu_1", "out", True).scenePos(), port(window, "dropout_1", "in", False).scenePos()
    )
    assert Connection(relu, "out", dropout, "in") in window.document.design.connections()
    assert window.menu_actions.undo.text() == "&Undo Connect relu_1 → dropout_1"
    assert_scene_matches_model(window)


def test_dragging_from_an_input_to_an_output_connects_them_too(window, qtbot):
    relu, dropout = _two_loose_blocks(window)
    drag(
        qtbot, window, port(window, "dropout_1", "in", False).scenePos(), port(window, "relu_1", "out", True).scenePos()
    )
    assert Connection(relu, "out", dropout, "in") in window.document.design.connections()


def test_dropping_near_a_block_connects_to_its_free_input(window, qtbot):
    relu, dropout = _two_loose_blocks(window)
    drag(qtbot, window, port(window, "relu_1", "out", True).scenePos(), QPointF(300.0, 300.0))
    assert Connection(relu, "out", dropout, "in") in window.document.design.connections()


def test_connecting_to_a_taken_port_is_refused_with_a_message(window, qtbot):
    _two_loose_blocks(window)
    design = window.document.design
    before = design.snapshot()
    drag(qtbot, window, port(window, "relu_1", "out", True).scenePos(), port(window, "conv2", "in", False).scenePos())
    assert design == before
    assert "conv2.in is already connected" in window.statusBar().currentMessage()
    assert_scene_matches_model(window)


def test_dropping_in_empty_space_connects_nothing_and_says_why(window, qtbot):
    _two_loose_blocks(window)
    count = len(window.document.design.connections())
    drag(qtbot, window, port(window, "relu_1", "out", True).scenePos(), QPointF(150.0, 600.0))
    assert len(window.document.design.connections()) == count
    assert "drop the connection on an input port" in window.statusBar().currentMessage()
    assert [i for i in window.scene.items() if i.zValue() == 5] == []  # the preview is gone


def test_escape_cancels_a_connection_drag(window, qtbot):
    _two_loose_blocks(window)
    viewport, view = window.view.viewport(), window.view
    start = view.mapFromScene(port(window, "relu_1", "out", True).scenePos())
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(viewport, pos=start + QPoint(40, 0))
    qtbot.keyClick(viewport, Qt.Key.Key_Escape)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=start + QPoint(40, 0))
    assert [i for i in window.scene.items() if i.zValue() == 5] == []
    assert window.statusBar().currentMessage() == ""


def test_moving_blocks_pushes_one_move_command_on_release(window, qtbot):
    design, stack = window.document.design, window.document.undo_stack
    pool1 = design.find("pool1")
    start = QPointF(*design.block(pool1).position)
    count = stack.count()
    drag(qtbot, window, start + QPointF(-20, 5), start + QPointF(20, 125), steps=8)
    assert stack.count() == count + 1
    assert design.block(pool1).position == (start.x() + 40, start.y() + 120)
    assert stack.undoText() == "Move pool1"
    assert_scene_matches_model(window)
    stack.undo()
    assert design.block(pool1).position == (start.x(), start.y())
    assert_scene_matches_model(window)


def test_delete_removes_selected_blocks_and_edges_in_one_step(window, qtbot):
    design = window.document.design
    before = design.snapshot()
    conv1, edge = design.find("conv1"), next(c for c in design.connections() if c.target == design.find("fc2"))
    window.scene.blocks[conv1].setSelected(True)
    window.scene.edges[edge].setSelected(True)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert conv1 not in design and edge not in design.connections()
    assert window.menu_actions.undo.text() == "&Undo Delete 2 items"
    assert_scene_matches_model(window)
    window.menu_actions.undo.trigger()
    assert design == before
    assert_scene_matches_model(window)


def test_the_wheel_zooms_around_the_cursor(window):
    view = window.view
    cursor = QPoint(200, 150)
    under = view.mapToScene(cursor)
    zoom = view.zoom()
    event = QWheelEvent(
        QPointF(cursor),
        QPointF(view.viewport().mapToGlobal(cursor)),
        QPoint(0, 0),
        QPoint(0, 240),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view.viewport(), event)
    assert view.zoom() > zoom
    after = view.mapToScene(cursor)
    assert abs(after.x() - under.x()) < 3 and abs(after.y() - under.y()) < 3


def test_fit_and_auto_layout(window):
    design = window.document.design
    window.editor.move({design.find("relu1"): (220.0, 400.0)})
    window.menu_actions.auto_layout.trigger()
    assert design.block(design.find("relu1")).position == (440.0, 0.0)
    assert window.menu_actions.undo.text() == "&Undo Auto-layout"
    window.menu_actions.fit.trigger()
    visible = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    assert visible.contains(window.scene.itemsBoundingRect())


def test_a_click_on_a_port_does_nothing(window, qtbot):
    _two_loose_blocks(window)
    at = window.view.mapFromScene(port(window, "relu_1", "out", True).scenePos())
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=at)
    assert window.statusBar().currentMessage() == ""
    assert window.document.undo_stack.count() == 2


def test_rubber_band_selection_and_a_group_move_is_one_command(window, qtbot):
    design, stack = window.document.design, window.document.undo_stack
    ids = [design.find(n) for n in ("relu1", "pool1")]
    before = {b: design.block(b).position for b in ids}
    for block_id in ids:
        window.scene.blocks[block_id].setSelected(True)
    grab = QPointF(*before[ids[0]]) + QPointF(10, 10)
    drag(qtbot, window, grab, grab + QPointF(0, 700))
    assert stack.count() == 1 and stack.undoText() == "Move blocks"
    assert all(design.block(b).position == (x, y + 700) for b, (x, y) in before.items())
    # A rubber band from empty canvas selects what it covers (and nothing else: they are below the rest now).
    window.scene.clearSelection()
    (left, top), (right, bottom) = (design.block(b).position for b in ids)
    drag(qtbot, window, QPointF(left - 100, top - 60), QPointF(right + 100, bottom + 60))
    assert sorted(window.scene.selected_block_ids()) == sorted(ids)
    assert stack.count() == 1
