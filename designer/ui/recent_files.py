"""File ▸ Open Recent: the projects opened or saved lately, newest first, remembered between runs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QMenu

from designer.ui.settings import Profile


class RecentFiles:
    """The list kept in ``profile``, and the menu that shows it; files that vanished are dropped with a message."""

    def __init__(self, profile: Profile, open_recent: Callable[[Path], object], message: Callable[[str], None]) -> None:
        self.profile = profile
        self._open_recent, self._message = open_recent, message
        self.menu: QMenu | None = None

    def paths(self) -> list[Path]:
        return self.profile.recent_files()

    def add(self, path: Path) -> None:
        """Put ``path`` first (the list keeps the ten newest)."""
        path = Path(path).resolve()
        self.profile.set_recent_files([path, *(p for p in self.paths() if p != path)])

    def remove(self, path: Path) -> None:
        self.profile.set_recent_files([p for p in self.paths() if p != path])

    def clear(self) -> None:
        self.profile.set_recent_files([])

    def prune(self) -> list[Path]:
        """Drop the files that no longer exist, say which, and return them."""
        paths = self.paths()
        missing = [p for p in paths if not p.is_file()]
        if missing:
            self.profile.set_recent_files([p for p in paths if p not in missing])
            names = ", ".join(p.name for p in missing)
            self._message(f"Removed from recent files (moved or deleted): {names}")
        return missing

    def attach(self, menu: QMenu) -> None:
        """Fill ``menu`` afresh each time it opens."""
        self.menu = menu
        menu.aboutToShow.connect(self.fill_menu)
        self.fill_menu()

    def fill_menu(self) -> None:
        assert self.menu is not None
        self.prune()
        self.menu.clear()
        paths = self.paths()
        for number, path in enumerate(paths, start=1):
            act = self.menu.addAction(f"&{number % 10}  {path.name}   ({path.parent})")
            act.setStatusTip(str(path))
            act.setData(str(path))
            act.triggered.connect(lambda _checked=False, path=path: self._open_recent(path))
        if not paths:
            self.menu.addAction("No recent files").setEnabled(False)
        self.menu.addSeparator()
        clear = self.menu.addAction("&Clear List")
        clear.setEnabled(bool(paths))
        clear.triggered.connect(self._clear_and_refill)

    def _clear_and_refill(self) -> None:
        self.clear()
        self.fill_menu()
