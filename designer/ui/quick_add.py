"""The quick-add popup: a search box at the cursor that lists matching block kinds; Enter places one there.

Its search-and-list machinery, :class:`SearchPopup`, serves Find Block too."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from designer.core.blocks import CATEGORIES, blocks_in
from designer.ui import theme
from designer.ui.palette import colour_dot, kind_matches

WIDTH, LIST_HEIGHT = 250, 180  # the longest kind, TransformerEncoderLayer, fits beside the scroll bar
_KIND_ROLE = Qt.ItemDataRole.UserRole


class SearchPopup(QFrame):
    """A search box over a list that filters as you type; Enter or a click chooses, Escape or clicking elsewhere
    closes it. Subclasses fill the list and say what matches and what choosing does."""

    def __init__(self, parent: QWidget, placeholder: str, width: int = WIDTH) -> None:
        super().__init__(parent)
        self.setObjectName("quickAdd")  # the style sheet's look for search popups
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.search = QLineEdit()
        self.search.setPlaceholderText(placeholder)
        self.list = QListWidget()
        self.list.setFixedHeight(LIST_HEIGHT)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        self.setFixedWidth(width)
        self.search.textChanged.connect(self._filter)
        self.search.installEventFilter(self)
        self.list.itemActivated.connect(self._choose)
        self.hide()

    def matches(self, item: QListWidgetItem, text: str) -> bool:
        """Whether a search for ``text`` lists ``item``."""
        raise NotImplementedError

    def choose(self, item: QListWidgetItem) -> None:
        """What picking ``item`` does, once the popup has closed."""
        raise NotImplementedError

    def show_at(self, where: QPoint, text: str = "") -> None:
        """Show the popup with its corner at ``where`` (in the parent, kept inside it), searching for ``text``."""
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

    def visible_items(self) -> list[QListWidgetItem]:
        """The items the current search lists, in order."""
        return [self.list.item(i) for i in range(self.list.count()) if not self.list.item(i).isHidden()]

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
                self._choose(current)
            return True
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            self._step(1 if key == Qt.Key.Key_Down else -1)
            return True
        return False

    def _filter(self, text: str) -> None:
        first = None
        for i in range(self.list.count()):
            item = self.list.item(i)
            hidden = not self.matches(item, text)
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

    def _choose(self, item: QListWidgetItem) -> None:
        self.close_popup()
        self.choose(item)


class QuickAdd(SearchPopup):
    """Emits ``chosen(kind, scene position)``; Escape or clicking elsewhere closes it without a change."""

    chosen = Signal(str, QPointF)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, "Add block…")
        for category in CATEGORIES:
            for spec in blocks_in(category):
                item = QListWidgetItem(colour_dot(theme.category_colour(category)), spec.kind)
                item.setData(_KIND_ROLE, category)
                item.setToolTip(spec.help)
                self.list.addItem(item)
        self.scene_pos = QPointF()

    def open_at(self, where: QPoint, scene_pos: QPointF, text: str = "") -> None:
        """Show the popup with its corner at ``where`` (in the parent), to add a block at ``scene_pos``."""
        self.scene_pos = scene_pos
        self.show_at(where, text)

    def visible_kinds(self) -> list[str]:
        """The block kinds the current search lists, in order."""
        return [item.text() for item in self.visible_items()]

    def matches(self, item: QListWidgetItem, text: str) -> bool:
        return kind_matches(item.text(), item.data(_KIND_ROLE), text)

    def choose(self, item: QListWidgetItem) -> None:
        self.chosen.emit(item.text(), self.scene_pos)
