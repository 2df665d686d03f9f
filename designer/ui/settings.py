"""What Designer remembers between runs, and where: settings, recovery files, cached thumbnails.

A :class:`Profile` bundles the three places. The editor uses the user's own (:meth:`Profile.user`);
tests and windows that should remember nothing use one in a folder of their own (:meth:`Profile.at`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

from designer.ui import theme

MAX_RECENT_FILES = 10


@dataclass(frozen=True)
class Profile:
    """Where settings are kept (``settings``), recovery files written (``data_dir``) and thumbnails cached."""

    settings: QSettings
    data_dir: Path
    cache_dir: Path

    @classmethod
    def user(cls) -> Profile:
        """The user's own settings and folders (call it after the application has its name)."""
        location = QStandardPaths.StandardLocation
        return cls(
            QSettings(),
            Path(QStandardPaths.writableLocation(location.AppDataLocation)),
            Path(QStandardPaths.writableLocation(location.CacheLocation)),
        )

    @classmethod
    def at(cls, folder: str | Path) -> Profile:
        """Settings and folders inside ``folder`` only."""
        folder = Path(folder)
        return cls(
            QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat), folder / "data", folder / "cache"
        )

    # ---- recent files ---------------------------------------------------------------------
    def recent_files(self) -> list[Path]:
        """Recently opened or saved projects, newest first."""
        text = self.settings.value("recent_files", "[]")
        try:
            names = json.loads(str(text))
        except ValueError:
            return []  # A hand-edited setting that is not JSON is forgotten, not fatal.
        return [Path(name) for name in names if isinstance(name, str)] if isinstance(names, list) else []

    def set_recent_files(self, paths: list[Path]) -> None:
        unique = list(dict.fromkeys(str(p) for p in paths))[:MAX_RECENT_FILES]
        self.settings.setValue("recent_files", json.dumps(unique))

    # ---- theme ----------------------------------------------------------------------------
    def theme_choice(self) -> str:
        """``system``, ``light`` or ``dark``."""
        choice = str(self.settings.value("theme", theme.SYSTEM))
        return choice if choice in theme.CHOICES else theme.SYSTEM

    def set_theme_choice(self, choice: str) -> None:
        self.settings.setValue("theme", choice)

    # ---- window layout --------------------------------------------------------------------
    def window_layout(self) -> tuple[QByteArray, QByteArray, float] | None:
        """Saved geometry, dock state and zoom of the main window, if any were saved."""
        geometry, state = self.settings.value("window/geometry"), self.settings.value("window/state")
        if not isinstance(geometry, QByteArray) or not isinstance(state, QByteArray):
            return None
        try:
            zoom = float(self.settings.value("window/zoom", 1.0))
        except (TypeError, ValueError):
            zoom = 1.0
        return geometry, state, zoom

    def set_window_layout(self, geometry: QByteArray, state: QByteArray, zoom: float) -> None:
        """Remember the layout, and write everything out now: this is called as the window closes."""
        self.settings.setValue("window/geometry", geometry)
        self.settings.setValue("window/state", state)
        self.settings.setValue("window/zoom", zoom)
        self.settings.sync()
