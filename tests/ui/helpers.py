"""Driving the editor like a person would, and checking that the canvas shows exactly the design."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QApplication

from designer.core.inference import infer
from designer.ui.canvas.block_item import BlockItem, PortItem
from designer.ui.canvas.edge_item import EdgeItem
from designer.ui.main_window import MainWindow


def view_point(window: MainWindow, scene_pos: QPointF) -> QPoint:
    """Where ``scene_pos`` appears in the canvas viewport, after scrolling it into view."""
    window.view.centerOn(scene_pos)
    return window.view.mapFromScene(scene_pos)


def drag(qtbot, window: MainWindow, start: QPointF, end: QPointF, steps: int = 4) -> None:
    """Press at ``start``, move in a few steps, and release at ``end`` (scene coordinates)."""
    viewport = window.view.viewport()
    window.view.centerOn((start + end) / 2)
    a, b = window.view.mapFromScene(start), window.view.mapFromScene(end)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=a)
    for i in range(1, steps + 1):
        qtbot.mouseMove(viewport, pos=a + (b - a) * i / steps)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=b)
    QApplication.processEvents()


def port(window: MainWindow, name: str, port_name: str, output: bool) -> PortItem:
    """The port item ``port_name`` of the block called ``name``."""
    design = window.document.design
    item = window.scene.blocks[design.find(name)]
    return (item.outputs if output else item.inputs)[port_name]


def assert_scene_matches_model(window: MainWindow) -> None:
    """Every block and connection has exactly one item, placed, named and labelled as the design says; groups are
    drawn as they say (see :func:`assert_groups_shown`)."""
    scene, design = window.scene, window.document.design
    report = infer(design)
    assert set(scene.blocks) == {b.id for b in design.blocks()}
    assert set(scene.edges) == set(design.connections())
    assert len([i for i in scene.items() if isinstance(i, BlockItem)]) == len(design)
    assert len([i for i in scene.items() if isinstance(i, EdgeItem)]) == len(design.connections())
    for block in design.blocks():
        item = scene.blocks[block.id]
        # Qt skips a setPos it finds fuzzily equal, so an item may sit 1e-13 away from its block.
        assert (item.pos().x(), item.pos().y()) == pytest.approx(block.position, abs=1e-6)
        assert item.block == block
        assert list(item.inputs) == list(block.spec.input_ports(block.params))
        assert [p.message for p in item.errors] == [p.message for p in report.errors if p.block_id == block.id]
    for connection, edge in scene.edges.items():
        shape = report.edge_type(design, connection)
        assert edge.label.text() == ("" if shape is None else str(shape))
        target = scene.blocks[connection.target].inputs[connection.target_port]
        assert target.connected
        box = scene.groups.box_of(connection.target)
        if box is not None and box is scene.groups.box_of(connection.source):
            continue  # inside one collapsed group: not drawn
        end = target.scenePos() if box is None else box.input_point()
        assert edge.path().pointAtPercent(1.0) == end  # QPointF compares fuzzily
    assert_groups_shown(window)


def assert_groups_shown(window: MainWindow) -> None:
    """A box for each outermost collapsed group, its blocks and the edges among them hidden; a frame for each
    expanded group with blocks that is in no collapsed group."""
    scene, groups = window.scene, window.document.design.groups
    boxes, frames, hidden = set(), set(), set()
    for group in groups:
        members = groups.members(group.name)
        outermost = groups.outermost_collapsed(group.name)
        if members and outermost == group.name:
            boxes.add(group.name)
            hidden |= members
        elif members and outermost is None:
            frames.add(group.name)
    assert set(scene.groups.boxes) == boxes and set(scene.groups.frames) == frames
    assert all(item.scene() is scene for item in [*scene.groups.boxes.values(), *scene.groups.frames.values()])
    assert {b for b, item in scene.blocks.items() if not item.isVisible()} == hidden
    for connection, edge in scene.edges.items():
        inside = groups.hidden_in(connection.source) or None
        assert edge.isVisible() == (
            scene.detailed and (inside is None or inside != groups.hidden_in(connection.target))
        )
