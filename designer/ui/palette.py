"""The block palette: every block kind by category, with a search box; drag a block out or double-click it."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QMimeData, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from designer.core.blocks import CATEGORIES, blocks_in
from designer.ui import icons, theme
from designer.ui.canvas.view import BLOCK_MIME_TYPE

_KIND_ROLE = Qt.ItemDataRole.UserRole

DOT_SCALE = 4
"""Category dots are drawn at four times their size."""


def block_mime_data(kind: str) -> QMimeData:
    """What a palette drag carries: the block kind."""
    data = QMimeData()
    data.setData(BLOCK_MIME_TYPE, kind.encode())
    return data


def kind_matches(kind: str, category: str, text: str) -> bool:
    """Whether a search for ``text`` finds block ``kind``: its kind or category contains it, ignoring case."""
    needle = text.strip().lower()
    return not needle or needle in kind.lower() or needle in category.lower()


def colour_dot(colour: QColor, diameter: float = 10.0, slot: int = 16) -> QIcon:
    """A filled circle ``diameter`` pixels across, in the middle of a ``slot``-pixel square, to mark a category.

    Drawn at 4× so that it stays sharp on high-DPI screens. Ask the icon for ``slot`` pixels (16 is the usual
    icon slot of lists and trees): at fewer the circle shrinks with the square.
    """
    pixmap = QPixmap(slot * DOT_SCALE, slot * DOT_SCALE)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(DOT_SCALE, DOT_SCALE)
    painter.setPen(QPen(colour.darker(115), 1.0))
    painter.setBrush(colour)
    inset = (slot - diameter) / 2 + 0.5  # the outline's outer edge is the circle's edge
    painter.drawEllipse(QRectF(inset, inset, diameter - 1, diameter - 1))
    painter.end()
    return QIcon(pixmap)


class _BlockTree(QTreeWidget):
    """The tree itself; its drags carry a block kind."""

    def mimeTypes(self) -> list[str]:
        return [BLOCK_MIME_TYPE]

    def mimeData(self, items: Sequence[QTreeWidgetItem]) -> QMimeData:
        kinds = [item.data(0, _KIND_ROLE) for item in items if item.data(0, _KIND_ROLE)]
        return block_mime_data(kinds[0] if kinds else "")


class BlockPalette(QWidget):
    """Emits ``block_activated(kind)`` when a block is double-clicked or chosen with Enter."""

    block_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText("Search blocks…")
        self.search.setClearButtonEnabled(True)
        self.tree = _BlockTree()
        self.tree.setHeaderHidden(True)
        self.tree.setIndentation(14)
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QTreeWidget.DragDropMode.DragOnly)
        self.tree.setAnimated(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.search)
        layout.addWidget(self.tree)
        self._fill()
        self.search.textChanged.connect(self.filter)
        self.search.returnPressed.connect(self._activate_first_visible)
        self.tree.itemDoubleClicked.connect(self._on_double_click)

    def item_for(self, kind: str) -> QTreeWidgetItem:
        """The tree item of block ``kind``."""
        found = self.tree.findItems(kind, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
        return next(item for item in found if item.data(0, _KIND_ROLE) == kind)

    def current_kind(self) -> str | None:
        """The block kind of the current item, or None when it is a category or there is none."""
        item = self.tree.currentItem()
        return item.data(0, _KIND_ROLE) if item is not None else None

    def visible_kinds(self) -> list[str]:
        """Block kinds that the current search leaves visible."""
        return [
            child.data(0, _KIND_ROLE)
            for i in range(self.tree.topLevelItemCount())
            for child in _children(self.tree.topLevelItem(i))
            if not child.isHidden()
        ]

    def filter(self, text: str) -> None:
        """Show only blocks whose kind or category contains ``text`` (ignoring case)."""
        for i in range(self.tree.topLevelItemCount()):
            category = self.tree.topLevelItem(i)
            shown = 0
            for child in _children(category):
                visible = kind_matches(child.text(0), category.text(0), text)
                child.setHidden(not visible)
                shown += visible
            category.setHidden(shown == 0)
            category.setExpanded(True)

    def _fill(self) -> None:
        for category in CATEGORIES:
            specs = blocks_in(category)
            if not specs:
                continue
            icon = colour_dot(theme.category_colour(category))
            top = QTreeWidgetItem([category])
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            top.setFont(0, theme.font(9.0, bold=True))
            top.setIcon(0, icons.category_icon(category))
            top.setForeground(0, theme.TEXT_MUTED)
            self.tree.addTopLevelItem(top)
            for spec in specs:
                item = QTreeWidgetItem(top, [spec.kind])
                item.setIcon(0, icon)
                item.setData(0, _KIND_ROLE, spec.kind)
                item.setToolTip(0, f"<b>{spec.kind}</b><br>{html.escape(spec.help)}")
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled)
            top.setExpanded(True)

    def _on_double_click(self, item: QTreeWidgetItem, _column: int) -> None:
        kind = item.data(0, _KIND_ROLE)
        if kind:
            self.block_activated.emit(kind)

    def _activate_first_visible(self) -> None:
        kinds = self.visible_kinds()
        if kinds:
            self.block_activated.emit(kinds[0])


def _children(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    return [item.child(j) for j in range(item.childCount())]
