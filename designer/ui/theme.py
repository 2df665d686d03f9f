"""Colours, sizes and fonts of the editor, in one place."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QGuiApplication

CATEGORY_COLOURS: dict[str, str] = {
    "Input / Output": "#3b82f6",
    "Convolution": "#f97316",
    "Pooling": "#eab308",
    "Recurrent": "#8b5cf6",
    "Attention": "#ec4899",
    "Layers": "#14b8a6",
    "Normalisation": "#22c55e",
    "Regularisation": "#94a3b8",
    "Activation": "#06b6d4",
    "Merge": "#6366f1",
    "Shape": "#a16207",
}

CANVAS_BACKGROUND = QColor("#f4f5f7")
GRID_DOT = QColor("#cfd4dc")
BLOCK_FILL = QColor("#ffffff")
BLOCK_BORDER = QColor("#c8ced8")
BLOCK_SHADOW = QColor(15, 23, 42, 28)
SELECTION = QColor("#2563eb")
ERROR = QColor("#dc2626")
WARNING = QColor("#d97706")
TEXT = QColor("#1f2937")
TEXT_MUTED = QColor("#6b7280")
EDGE = QColor("#8a94a6")
EDGE_LABEL_FILL = QColor("#ffffff")
EDGE_LABEL_BORDER = QColor("#d6dae1")

BLOCK_WIDTH = 136.0
BLOCK_MIN_HEIGHT = 54.0
PORT_SPACING = 18.0
PORT_RADIUS = 5.5
BLOCK_RADIUS = 8.0
GRID_STEP = 20


def category_colour(category: str) -> QColor:
    """The colour that marks blocks of ``category`` in the palette and on the canvas."""
    return QColor(CATEGORY_COLOURS.get(category, "#64748b"))


def font(point_size: float, bold: bool = False) -> QFont:
    """The application's font at ``point_size`` (call it once the application exists)."""
    result = QFont(QGuiApplication.font())
    result.setPointSizeF(point_size)
    result.setBold(bold)
    return result


STYLE_SHEET = """
QMainWindow::separator { background: #e2e5ea; width: 1px; height: 1px; }
QDockWidget { font-weight: 600; }
QDockWidget::title { padding: 6px 8px; background: #eef0f3; border-bottom: 1px solid #dde1e6; }
QTreeWidget, QListWidget, QTreeView { border: none; background: #ffffff; }
QTreeWidget::item, QTreeView::item { padding: 3px 2px; }
QLineEdit#search { border: 1px solid #cfd4dc; border-radius: 4px; padding: 4px 6px; margin: 6px; }
QLabel#inspectorTitle { font-size: 13pt; font-weight: 600; }
QLabel#inspectorKind { color: #6b7280; }
QLabel#inspectorHelp { color: #4b5563; }
QLabel#inspectorInfo { color: #374151; background: #f3f4f6; border-radius: 4px; padding: 4px 6px; }
QLabel#inspectorError { color: #b91c1c; background: #fef2f2; border: 1px solid #fecaca; border-radius: 4px;
    padding: 4px 6px; }
QLabel#placeholder { color: #9ca3af; }
QStatusBar QLabel { padding: 0 8px; }
"""
