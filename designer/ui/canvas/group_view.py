"""Keeps the scene's groups in step with the design: boxes for collapsed groups, frames for expanded ones.

A block inside a collapsed group is hidden and the outermost collapsed group around it is drawn as one box in
the middle of its blocks; edges crossing the box's boundary end on its sides, edges inside it are hidden.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, QTimer
from PySide6.QtWidgets import QApplication

from designer.core.design import Connection, DesignGraph
from designer.ui.canvas.group_item import FRAME_PAD, NESTED_PAD, GroupBoxItem, GroupFrameItem

if TYPE_CHECKING:
    from designer.ui.canvas.scene import DesignScene


class GroupView:
    """The group boxes and frames of one scene."""

    def __init__(self, scene: DesignScene) -> None:
        self.scene = scene
        self.boxes: dict[str, GroupBoxItem] = {}
        self.frames: dict[str, GroupFrameItem] = {}
        self.hidden_in: dict[str, str] = {}
        """Each hidden block and the box drawn in its place."""
        self._members: dict[str, set[str]] = {}
        """The blocks of each box, as of the last refresh."""
        self._stale = False
        self._last_toggle: tuple[str, float] = ("", 0.0)
        """The group last toggled, and when (``time.monotonic``)."""
        self._layout_timer = QTimer(scene)
        self._layout_timer.setSingleShot(True)
        self._layout_timer.setInterval(0)
        self._layout_timer.timeout.connect(self.lay_out)
        self.design.groups.changed.connect(self._on_groups_changed)
        self.design.groups.renamed.connect(self._on_renamed)
        self.design.events.batch_ended.connect(self._on_batch_ended)
        scene.geometry_changed.connect(self._layout_timer.start)
        scene.document.report_changed.connect(self._count)  # errors inside a box
        scene.document.summary_changed.connect(self._count)  # parameters come from the summary

    @property
    def design(self) -> DesignGraph:
        return self.scene.design

    def detach(self) -> None:
        self.design.groups.changed.disconnect(self._on_groups_changed)
        self.design.groups.renamed.disconnect(self._on_renamed)
        self.design.events.batch_ended.disconnect(self._on_batch_ended)
        self.scene.document.report_changed.disconnect(self._count)
        self.scene.document.summary_changed.disconnect(self._count)

    # ---- questions the scene asks -------------------------------------------------------------
    def box_of(self, block_id: str) -> GroupBoxItem | None:
        """The box drawn in place of ``block_id``, if it is hidden."""
        name = self.hidden_in.get(block_id)
        return None if name is None else self.boxes[name]

    def shows(self, connection: Connection) -> bool:
        """Whether ``connection`` is drawn: not when both its ends are inside one collapsed group."""
        box = self.hidden_in.get(connection.source)
        return box is None or box != self.hidden_in.get(connection.target)

    def edge_ends(self, connection: Connection) -> tuple[QPointF, QPointF] | None:
        """Where an edge with an end inside a collapsed group starts and ends (``None``: at its ports)."""
        source, target = self.box_of(connection.source), self.box_of(connection.target)
        if source is None and target is None:
            return None
        blocks = self.scene.blocks
        start = (
            source.output_point() if source else blocks[connection.source].outputs[connection.source_port].scenePos()
        )
        end = target.input_point() if target else blocks[connection.target].inputs[connection.target_port].scenePos()
        return start, end

    def selected_members(self) -> set[str]:
        """The blocks of the selected groups."""
        found: set[str] = set()
        for name in self.selected_groups():
            found |= self.design.groups.members(name)
        return found

    def selected_groups(self) -> list[str]:
        """The groups selected as boxes or by their frames' name tags (within a batch of edits, those that still
        exist)."""
        items = [*self.boxes.items(), *self.frames.items()]
        return [name for name, item in items if item.isSelected() and name in self.design.groups]

    def item_of(self, name: str) -> GroupBoxItem | GroupFrameItem | None:
        """The box or the frame drawn for group ``name`` (``None``: it has neither, being inside a collapsed one)."""
        return self.boxes.get(name, self.frames.get(name))

    # ---- following the design ------------------------------------------------------------------
    def _on_groups_changed(self) -> None:
        if self.design.in_batch:
            self._stale = True  # once, at the end of the batch
        else:
            self.refresh()

    def _on_renamed(self, old: str, new: str) -> None:
        """The renamed group keeps its box or frame, selected or not; the refresh that follows finds it."""
        for items in (self.boxes, self.frames):
            if old in items:
                items[new] = items.pop(old)
                items[new].rename(new)
        if old in self._members:
            self._members[new] = self._members.pop(old)
            self.hidden_in.update(dict.fromkeys(self._members[new], new))

    def _on_batch_ended(self) -> None:
        if self._stale:
            self._stale = False
            self.refresh()

    def refresh(self) -> None:
        """Show, hide and draw everything as the groups now say."""
        groups = self.design.groups
        shown_as_box, framed = set(), set()
        for group in groups:
            members = groups.members(group.name)
            if not members:
                continue
            outermost = groups.outermost_collapsed(group.name)
            if outermost == group.name:
                shown_as_box.add(group.name)
            elif outermost is None:
                framed.add(group.name)
        hidden_before, self.hidden_in = self.hidden_in, {}
        self._members = {name: groups.members(name) for name in shown_as_box}
        for name, members in self._members.items():
            self.hidden_in.update(dict.fromkeys(members, name))
        self._sync_items(shown_as_box, framed)
        for block_id, item in self.scene.blocks.items():
            visible = block_id not in self.hidden_in
            if item.isVisible() != visible:
                item.setVisible(visible)
        touched = hidden_before.keys() | self.hidden_in.keys()
        self._count()
        placed = self.lay_out()
        for connection, edge in self.scene.edges.items():
            if connection.source in touched or connection.target in touched:
                shown = self.shows(connection)
                edge.setVisible(self.scene.detailed and shown)
                if shown and connection not in placed:
                    self.scene.place_edge(edge)  # back on its ports, or onto a box's side
        self.scene.geometry_changed.emit()  # what the minimap shows, and the design's bounds, changed

    def _sync_items(self, boxes: set[str], frames: set[str]) -> None:
        """Boxes and frames as wanted; a selected group collapsed or expanded stays selected as its new item."""
        selected = set(self.selected_groups())
        for items, wanted in ((self.boxes, boxes), (self.frames, frames)):
            for name in [n for n in items if n not in wanted]:
                self.scene.removeItem(items.pop(name))
        scene = self.scene
        for name in boxes - self.boxes.keys():
            self.boxes[name] = GroupBoxItem(name, self._request_toggle, self._carry)
            self._add(self.boxes[name], name in selected)
        for name in frames - self.frames.keys():
            self.frames[name] = GroupFrameItem(name, self._request_toggle, scene.group_rename_requested.emit)
            self._add(self.frames[name], name in selected)

    def _request_toggle(self, name: str) -> None:
        """Ask for ``name`` to be collapsed or expanded, once per double-click: its second click lands on what the
        first put under the pointer (the box a frame's − button collapsed into) and would toggle the group back."""
        now, (last, at) = time.monotonic(), self._last_toggle
        if name == last and now - at < QApplication.doubleClickInterval() / 1000:
            return
        self._last_toggle = (name, now)
        self.scene.group_toggle_requested.emit(name)

    def _add(self, item: GroupBoxItem | GroupFrameItem, selected: bool) -> None:
        self.scene.addItem(item)
        item.setSelected(selected)

    def _count(self) -> None:
        """Blocks, parameters and errors of each box."""
        if not self.boxes or self._stale:
            return  # a refresh at the end of the batch counts again
        params = {b.block_id: b.params or 0 for b in self.scene.document.summary.blocks}
        for name, box in self.boxes.items():
            members = self._members[name]
            errors = any(self.scene.blocks[b].errors for b in members if b in self.scene.blocks)
            box.set_contents(len(members), sum(params.get(b, 0) for b in members), errors)

    def lay_out(self) -> set[Connection]:
        """Put each box in the middle of its blocks and each frame around its blocks; returns the edges it placed
        (those shown with an end on a box that moved)."""
        if self._stale:
            return set()
        blocks, moved = self.scene.blocks, set()
        for name, box in self.boxes.items():
            points = [blocks[b].pos() for b in self._members[name] if b in blocks]
            if points:
                xs, ys = [p.x() for p in points], [p.y() for p in points]
                if box.place(QPointF((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)):
                    moved.add(name)
        for name, frame in self.frames.items():
            frame.set_pieces(self._pieces(name))
        placed = set()
        for connection, edge in self.scene.edges.items():
            source, target = self.hidden_in.get(connection.source), self.hidden_in.get(connection.target)
            if (source in moved or target in moved) and source != target:
                self.scene.place_edge(edge)
                placed.add(connection)
        return placed

    def _pieces(self, name: str) -> list[QRectF]:
        """The rectangles a frame round ``name`` unites: its shown blocks and boxes, each with room, more the deeper."""
        groups, blocks = self.design.groups, self.scene.blocks
        pieces: list[QRectF] = []
        pending = [(name, 0)]
        while pending:
            group, depth = pending.pop()
            left, top, right, bottom = (pad + extra * depth for pad, extra in zip(FRAME_PAD, NESTED_PAD, strict=True))
            rects = [blocks[b].sceneBoundingRect() for b in groups.get(group).blocks if b in blocks]
            for child in groups.children(group):
                if child in self.boxes:
                    rects.append(self.boxes[child].sceneBoundingRect())
                elif child in self.frames:
                    pending.append((child, depth + 1))
            pieces += [rect.adjusted(-left, -top, right, bottom) for rect in rects]
        return pieces

    def _carry(self, box: GroupBoxItem, shift: QPointF) -> None:
        """A box dragged by ``shift``: its hidden blocks follow, and the scene asks for their move on release."""
        for block_id in self._members.get(box.name, ()):
            item = self.scene.blocks.get(block_id)
            if item is not None:
                item.setPos(item.pos() + shift)
