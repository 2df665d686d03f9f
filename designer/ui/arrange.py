"""Arranging blocks from the Edit menu: align, distribute, and auto-layout fitted to the window's shape."""

from __future__ import annotations

from typing import TYPE_CHECKING

from designer.core.layout import Axis, Box, Direction, Edge

if TYPE_CHECKING:
    from designer.ui.main_window import MainWindow


class ArrangeActions:
    """Turns menu choices into one undo step each, on the selected blocks or the whole design."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window

    def align(self, edge: Edge) -> None:
        boxes = self._selected_boxes()
        if len(boxes) < 2:
            self._window.show_message("Select two or more blocks to align them")
            return
        self._window.editor.align(boxes, edge)

    def distribute(self, axis: Axis) -> None:
        boxes = self._selected_boxes()
        if len(boxes) < 3:
            self._window.show_message("Select three or more blocks to distribute them")
            return
        self._window.editor.distribute(boxes, axis)

    def auto_layout(self, direction: Direction = "left-to-right") -> None:
        """Lay out every block in layers, wrapping a long design to the canvas's shape, then show all of it."""
        viewport = self._window.view.viewport()
        aspect = viewport.width() / max(1, viewport.height())
        self._window.editor.auto_layout(direction, aspect)
        self._window.view.fit_to_items()

    def _selected_boxes(self) -> dict[str, Box]:
        """Centre and size of each selected block, as the canvas draws it."""
        scene = self._window.scene
        assert scene is not None
        boxes = {}
        for block_id in scene.selected_block_ids():
            item = scene.blocks[block_id]
            body = item.body()
            boxes[block_id] = (item.pos().x(), item.pos().y(), body.width(), body.height())
        return boxes
