"""The quick-add popup: a search box at the cursor that lists matching block kinds; Enter places one there."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from designer.core.blocks import CATEGORIES, blocks_in
from designer.ui import theme
from designer.ui.palette import colour_dot, kind_matches

WIDTH, LIST_HEIGHT = 250, 180  # the longest kind, TransformerEncoderLayer, fits beside the scroll bar
_KIND_ROLE = Qt.ItemDataRole.UserRole


class QuickAdd(QFrame):
    """Emits ``chosen(kind, scene position)``; Escape or clicking elsewhere closes it without a change."""

    chosen = Signal(str, QPointF)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("quickAdd")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Add block…")
        self.list = QListWidget()
        self.list.setFixedHeight(LIST_HEIGHT)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        self.setFixedWidth(WIDTH)
        for category in CATEGORIES:
            for spec in blocks_in(category):
                item = QListWidgetItem(colour_dot(theme.category_colour(category)), spec.kind)
                item.setData(_KIND_ROLE, category)
                item.setToolTip(spec.help)
                self.list.addItem(item)
        self.search.textChanged.connect(self._filter)
        self.search.installEventFilter(self)
        self.list.itemActivated.connect(lambda item: self._choose(item.text()))
        self.scene_pos = QPointF()
        self.hide()

    def open_at(self, where: QPoint, scene_pos: QPointF, text: str = "") -> None:
        """Show the popup with its corner at ``where`` (in the parent), to add a block at ``scene_pos``."""
        self.scene_pos = scene_pos
        self.search.setText(text)
        self._filter(text)
        parent = self.parentWidget().rect()
        self.adjustSize()
        x = min(max(0, where.x()), max(0, parent.width() - self.width()))
        y = min(max(0, where.y()), max(0, parent.height() - self.height()))
        self.move(x, y)
        self.show()
        self.raise_()
        self.search.setFocus()

    def visible_kinds(self) -> list[str]:
        """The block kinds the current search lists, in order."""
        return [self.list.item(i).text() for i in range(self.list.count()) if not self.list.item(i).isHidden()]

    def close_popup(self) -> None:
        self.hide()
        if self.parentWidget() is not None:
            self.parentWidget().setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            return self._on_key(QKeyEvent(event))
        if watched is self.search and event.type() == QEvent.Type.FocusOut and not self.list.hasFocus():
            self.hide()
        return super().eventFilter(watched, event)

    def _on_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.close_popup()
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            current = self.list.currentItem()
            if current is not None and not current.isHidden():
                self._choose(current.text())
            return True
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            self._step(1 if key == Qt.Key.Key_Down else -1)
            return True
        return False

    def _filter(self, text: str) -> None:
        first = None
        for i in range(self.list.count()):
            item = self.list.item(i)
            hidden = not kind_matches(item.text(), item.data(_KIND_ROLE), text)
            item.setHidden(hidden)
            if not hidden and first is None:
                first = item
        self.list.setCurrentItem(first)

    def _step(self, by: int) -> None:
        rows = [i for i in range(self.list.count()) if not self.list.item(i).isHidden()]
        if not rows:
            return
        current = self.list.currentRow()
        index = rows.index(current) + by if current in rows else 0
        self.list.setCurrentRow(rows[max(0, min(len(rows) - 1, index))])

    def _choose(self, kind: str) -> None:
        self.close_popup()
        self.chosen.emit(kind, self.scene_pos)
