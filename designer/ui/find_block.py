"""Find Block (Ctrl+F): a search over the design's blocks by name, kind and group; choosing one reveals it."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QListWidgetItem, QWidget

from designer.core.design import DesignGraph
from designer.ui import theme
from designer.ui.palette import colour_dot
from designer.ui.quick_add import SearchPopup

WIDTH = 320
_ID_ROLE = Qt.ItemDataRole.UserRole
_SEARCHED_ROLE = Qt.ItemDataRole.UserRole + 1


class FindBlock(SearchPopup):
    """Lists every block as ``name · kind``; emits ``chosen(block id)``."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, "Find block by name, kind or group…", WIDTH)

    def open_on(self, design: DesignGraph, text: str = "") -> None:
        """List the blocks of ``design`` and show the popup at the top middle of the parent."""
        self.list.clear()
        icons: dict[str, QIcon] = {}  # one per category: drawing a dot for each of 1,000 blocks takes long
        for block in design.blocks():
            group = design.groups.group_of(block.id)
            where = f"  (in {group})" if group is not None else ""
            category = block.spec.category
            if category not in icons:
                icons[category] = colour_dot(theme.category_colour(category))
            item = QListWidgetItem(icons[category], f"{block.name} · {block.kind}")
            item.setData(_ID_ROLE, block.id)
            around = " ".join(design.groups.ancestors(group)) if group is not None else ""
            item.setData(_SEARCHED_ROLE, f"{block.name} {block.kind} {around}".lower())
            item.setToolTip(f"{block.name} · {block.kind}{where}")
            self.list.addItem(item)
        self.show_at(QPoint((self.parentWidget().width() - WIDTH) // 2, 12), text)

    def visible_names(self) -> list[str]:
        """The block names the current search lists, in order."""
        return [item.text().rpartition(" · ")[0] for item in self.visible_items()]

    def matches(self, item: QListWidgetItem, text: str) -> bool:
        return all(word in item.data(_SEARCHED_ROLE) for word in text.lower().split())

    def choose(self, item: QListWidgetItem) -> None:
        self.chosen.emit(item.data(_ID_ROLE))
