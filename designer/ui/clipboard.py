"""Copy, cut, paste and duplicate of the selected blocks, through the system clipboard as JSON.

The clipboard holds a fragment twice: under our own MIME type, and as plain-text JSON, so that a
paste works between two windows, into a fresh design, and from text a person pasted into an editor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QPointF
from PySide6.QtGui import QCursor, QGuiApplication

from designer.core import fragment
from designer.core.design import DesignGraph
from designer.core.fragment import FragmentError

if TYPE_CHECKING:
    from designer.ui.main_window import MainWindow

MIME_TYPE = "application/x-designer-fragment+json"
REPEAT_OFFSET = 30.0
"""How far each further paste of the same blocks at the same place moves, so copies do not hide each other."""
GRID = 10.0


def fragment_mime_data(part: DesignGraph) -> QMimeData:
    """The clipboard content for ``part``: our MIME type and the same JSON as plain text."""
    text = fragment.dumps(part)
    data = QMimeData()
    data.setData(MIME_TYPE, text.encode("utf-8"))
    data.setText(text)
    return data


def clipboard_fragment() -> DesignGraph:
    """The blocks on the clipboard; raises :class:`FragmentError` when it holds something else."""
    data = QGuiApplication.clipboard().mimeData()
    if data is not None and data.hasFormat(MIME_TYPE):
        return fragment.loads(bytes(data.data(MIME_TYPE).data()))
    text = data.text() if data is not None else ""
    if not text.strip():
        raise FragmentError("the clipboard is empty")
    if not text.lstrip().startswith("{"):
        raise FragmentError("the clipboard holds text, not copied Designer blocks")
    return fragment.loads(text)


class ClipboardActions:
    """The Edit menu's copy, cut, paste and duplicate for one window."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        self._last_paste: tuple[str, tuple[float, float]] | None = None
        self._repeats = 0

    def copy(self) -> int:
        """Put the selected blocks on the clipboard; returns how many."""
        scene, design = self._window.scene, self._window.editor.design
        assert scene is not None
        selected = scene.selected_block_ids()
        if not selected:
            self._window.show_message("Nothing to copy: select blocks first")
            return 0
        QGuiApplication.clipboard().setMimeData(fragment_mime_data(fragment.extract(design, selected)))
        self._window.show_message(f"Copied {_count(len(selected))}")
        return len(selected)

    def cut(self) -> None:
        """Copy the selected blocks, then delete them as one undo step."""
        scene = self._window.scene
        assert scene is not None
        count = self.copy()
        if count:
            self._window.editor.delete(scene.selected_block_ids())
            self._window.show_message(f"Cut {_count(count)}")

    def paste(self, at: QPointF | None = None) -> list[str]:
        """Paste the clipboard's blocks centred at ``at`` (default: the cursor, or the middle of the view)."""
        try:
            part = clipboard_fragment()
        except FragmentError as exc:
            self._window.show_message(f"Nothing pasted: {exc}")
            return []
        anchor = _snapped(at if at is not None else self._cursor_or_centre())
        key = (fragment.dumps(part), anchor)
        self._repeats = self._repeats + 1 if key == self._last_paste else 0
        self._last_paste = key
        cx, cy = fragment.centre(part)
        shift = self._repeats * REPEAT_OFFSET
        new_ids = self._window.editor.paste(part, (anchor[0] - cx + shift, anchor[1] - cy + shift))
        return self._select(new_ids, "Pasted")

    def duplicate(self) -> list[str]:
        """Copy the selected blocks (and the connections among them) just beside themselves."""
        scene = self._window.scene
        assert scene is not None
        selected = scene.selected_block_ids()
        if not selected:
            self._window.show_message("Nothing to duplicate: select blocks first")
            return []
        return self._select(self._window.editor.duplicate(selected, (REPEAT_OFFSET, REPEAT_OFFSET)), "Duplicated")

    def _select(self, new_ids: list[str], verb: str) -> list[str]:
        scene = self._window.scene
        assert scene is not None
        if new_ids:
            scene.select_blocks(new_ids)
            self._window.show_message(f"{verb} {_count(len(new_ids))}")
        return new_ids

    def _cursor_or_centre(self) -> QPointF:
        view = self._window.view
        cursor = view.viewport().mapFromGlobal(QCursor.pos())
        if view.viewport().rect().contains(cursor):
            return view.mapToScene(cursor)
        return view.visible_centre()


def _snapped(point: QPointF) -> tuple[float, float]:
    return (round(point.x() / GRID) * GRID, round(point.y() / GRID) * GRID)


def _count(n: int) -> str:
    return f"{n} block{'s' if n != 1 else ''}"
