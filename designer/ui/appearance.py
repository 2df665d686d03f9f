"""View ▸ Theme: follow the system's light or dark colours, or keep one; the choice is remembered."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QActionGroup, QBrush, QColor, QGuiApplication
from PySide6.QtWidgets import QAbstractGraphicsShapeItem, QApplication, QMenu

from designer.ui import theme

if TYPE_CHECKING:
    from designer.ui.main_window import MainWindow

_LABELS = {theme.SYSTEM: "&System", theme.LIGHT: "&Light", theme.DARK: "&Dark"}


class Appearance(QObject):
    """The theme of one window; emits ``changed`` after everything has been given the new colours."""

    changed = Signal()

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.actions: dict[str, QAction] = {}
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_system_changed)

    def choice(self) -> str:
        """``system``, ``light`` or ``dark``, as last picked."""
        return self.window.profile.theme_choice()

    def attach(self, menu: QMenu) -> None:
        """Fill View ▸ Theme with the three exclusive choices."""
        group = QActionGroup(menu)
        for choice in theme.CHOICES:
            act = menu.addAction(_LABELS[choice])
            act.setCheckable(True)
            act.setChecked(choice == self.choice())
            act.triggered.connect(lambda _checked=False, choice=choice: self.choose(choice))
            group.addAction(act)
            self.actions[choice] = act

    def choose(self, choice: str) -> None:
        """Use and remember ``choice``."""
        self.window.profile.set_theme_choice(choice)
        self.actions[choice].setChecked(True)
        self.apply(theme.resolve(choice))

    def apply(self, name: str) -> None:
        """Draw the window, its canvas and its panels in scheme ``name``."""
        previous = theme.current()
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        theme.apply(app, name)
        self.window.setStyleSheet(theme.STYLE_SHEET)
        if previous != name:
            self._recolour(theme.colour_map(previous, name))
        self.changed.emit()

    def _recolour(self, mapping: dict[int, QColor]) -> None:
        """Texts and tags on the canvas, and palette headers, keep the colour they were made with: map it."""
        if self.window.scene is not None:
            for item in self.window.scene.items():
                if isinstance(item, QAbstractGraphicsShapeItem):
                    item.setBrush(_mapped(item.brush(), mapping))
                    pen = item.pen()
                    pen.setBrush(_mapped(pen.brush(), mapping))
                    item.setPen(pen)
            self.window.scene.update()
        tree = self.window.block_palette.tree
        for i in range(tree.topLevelItemCount()):
            header = tree.topLevelItem(i)
            header.setForeground(0, _mapped(header.foreground(0), mapping))
        self.window.view.viewport().update()

    def _on_system_changed(self) -> None:
        if self.choice() == theme.SYSTEM and self.window.isVisible():  # a closed window has no say
            self.apply(theme.system_scheme())


def _mapped(brush: QBrush, mapping: dict[int, QColor]) -> QBrush:
    colour = mapping.get(brush.color().rgba())
    if colour is None:
        return brush
    result = QBrush(brush)
    result.setColor(colour)
    return result
