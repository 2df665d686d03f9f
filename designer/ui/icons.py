"""The drawn icons in ``resources/icons``: one per block category, and the application's own."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from PySide6.QtCore import QRectF
from PySide6.QtGui import QIcon, QPainter
from PySide6.QtSvg import QSvgRenderer

from designer.core.resources import resource_path

ICONS_DIR = resource_path("icons")
APP_ICON_SIZES = (16, 24, 32, 48, 64, 128)
"""Drawn as ``designer-<size>.png``; ``designer.png`` is the 256-pixel one, ``designer.svg`` the source."""


def category_icon_path(category: str) -> Path:
    """``Input / Output`` → ``resources/icons/input-output.svg``."""
    return ICONS_DIR / f"{re.sub(r'[^a-z0-9]+', '-', category.lower()).strip('-')}.svg"


def category_icon(category: str) -> QIcon:
    """The icon of block ``category`` (vector: sharp at any size and pixel ratio)."""
    return QIcon(str(category_icon_path(category)))


def paint_category_icon(painter: QPainter, category: str, rect: QRectF) -> None:
    """Draw the icon of ``category`` into ``rect`` as vectors (so exported diagrams keep it sharp too)."""
    renderer = _renderer(str(category_icon_path(category)))
    if renderer.isValid():
        renderer.render(painter, rect)


def app_icon() -> QIcon:
    """Designer's window icon, from the PNGs drawn from ``designer.svg`` at each size."""
    icon = QIcon()
    for size in APP_ICON_SIZES:
        icon.addFile(str(ICONS_DIR / f"designer-{size}.png"))
    icon.addFile(str(ICONS_DIR / "designer.png"))
    return icon


@cache
def _renderer(path: str) -> QSvgRenderer:
    return QSvgRenderer(path)
