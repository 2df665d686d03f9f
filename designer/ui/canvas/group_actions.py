"""Grouping from the menus: Group Selection, Ungroup, Collapse and Expand All, and revealing a hidden block."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from designer.ui.main_window import MainWindow


class GroupActions:
    """Turns menu choices into one undo step each, on the selection or on every group."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window

    def group_selection(self) -> None:
        window = self._window
        selected = window.scene.selected_block_ids()
        if len(selected) < 2:
            window.show_message("Select two or more blocks (or group boxes) to group them")
            return
        refusal = window.editor.group(selected)
        if refusal is not None:
            window.show_message(f"Cannot group: {refusal}")

    def ungroup_selection(self) -> None:
        """Ungroup the selected group boxes, else the innermost group holding every selected block."""
        window = self._window
        names = window.scene.groups.selected_groups()
        if not names:
            common = window.editor.design.groups.common_group(window.scene.selected_block_ids())
            names = [] if common is None else [common]
        if not names:
            window.show_message("Select a group box, or blocks inside a group, to ungroup it")
            return
        window.editor.ungroup(names)

    def collapse_all(self) -> None:
        self._all(True, "Collapse all groups")

    def expand_all(self) -> None:
        self._all(False, "Expand all groups")

    def reveal(self, block_id: str) -> None:
        """Expand every collapsed group around ``block_id`` (one undo step), select it and centre the view on it."""
        window, groups = self._window, self._window.editor.design.groups
        group = groups.group_of(block_id)
        closed = [g for g in groups.ancestors(group) if groups.get(g).collapsed] if group is not None else []
        if closed:
            window.editor.set_collapsed(closed, False, f"Expand {', '.join(reversed(closed))}")
        window.reveal_block(block_id)

    def _all(self, collapsed: bool, text: str) -> None:
        window = self._window
        if not len(window.editor.design.groups):
            window.show_message("This design has no groups: select blocks and press Ctrl+G to make one")
            return
        window.editor.set_collapsed([g.name for g in window.editor.design.groups], collapsed, text)
