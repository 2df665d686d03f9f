"""F6 and Shift+F6: move the keyboard focus from panel to panel (canvas, blocks, inspector, problems, ...).

Tab cannot do it: on the canvas, Tab opens the quick-add popup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

if TYPE_CHECKING:
    from designer.ui.main_window import MainWindow


def shown_panels(window: MainWindow) -> list[QWidget]:
    """The canvas, then each dock that shows now (the front one of tabbed docks), in reading order."""
    docks = [d for d in window.docks if d.isVisible() and not d.visibleRegion().isEmpty()]
    docks.sort(key=lambda d: (d.y() > window.view.y() + window.view.height() // 2, d.x()))
    return [window.view, *(d.widget() for d in docks)]


def move_focus(window: MainWindow, step: int) -> QWidget:
    """Focus the next (``step`` 1) or previous (-1) panel after the one that has the focus; return what got it."""
    panels = shown_panels(window)
    focused = QApplication.focusWidget()
    here = next((i for i, p in enumerate(panels) if focused is p or (focused and p.isAncestorOf(focused))), -1)
    panel = panels[(here + step) % len(panels)] if here >= 0 or step > 0 else panels[-1]
    target = _first_focusable(panel)
    target.setFocus(Qt.FocusReason.TabFocusReason if step > 0 else Qt.FocusReason.BacktabFocusReason)
    return target


def _first_focusable(panel: QWidget) -> QWidget:
    """The first shown, enabled widget in ``panel`` that Tab could reach (``panel`` itself when there is none)."""
    for widget in [panel, *panel.findChildren(QWidget)]:
        if widget.isVisible() and widget.isEnabled() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            return widget
    return panel
