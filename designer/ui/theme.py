"""Colours, sizes and fonts of the editor, in one place, in a light and a dark variant.

The canvas reads the colour names below (``theme.BLOCK_FILL``, ``theme.TEXT``, ...) when it draws;
:func:`use` rebinds them to the light or the dark set. Items that took a colour when they were made
are given the new one through :func:`colour_map` (see ``designer.ui.appearance``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from string import Template

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

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

LIGHT, DARK, SYSTEM = "light", "dark", "system"
CHOICES = (SYSTEM, LIGHT, DARK)
"""What the user may pick in View ▸ Theme: follow the system, or one of the two schemes."""


@dataclass(frozen=True)
class Scheme:
    """Every colour of one scheme, as ``#rrggbb`` or ``#aarrggbb``."""

    canvas_background: str
    grid_dot: str
    block_fill: str
    block_border: str
    block_shadow: str
    selection: str
    error: str
    warning: str
    ok: str
    text: str
    text_muted: str
    edge: str
    edge_label_fill: str
    edge_label_border: str
    paper: str
    """Behind an exported diagram that is not transparent."""
    window: str
    panel: str
    field: str
    """Inside text and number boxes."""
    panel_alternate: str
    panel_title: str
    separator: str
    button: str
    help_text: str
    info_fill: str
    error_text: str
    error_fill: str
    error_border: str
    warning_text: str
    warning_fill: str
    heat: str
    """The strongest cell of a heat map (a confusion matrix's full row); an empty cell is ``field``."""


SCHEMES: dict[str, Scheme] = {
    LIGHT: Scheme(
        canvas_background="#f4f5f7",
        grid_dot="#cfd4dc",
        block_fill="#ffffff",
        block_border="#c8ced8",
        block_shadow="#1c0f172a",
        selection="#2563eb",
        error="#dc2626",
        warning="#d97706",
        ok="#15803d",
        text="#1f2937",
        text_muted="#6b7280",
        edge="#8a94a6",
        edge_label_fill="#ffffff",
        edge_label_border="#d6dae1",
        paper="#ffffff",
        window="#f3f4f6",
        panel="#ffffff",
        field="#ffffff",
        panel_alternate="#f7f8fa",
        panel_title="#eef0f3",
        separator="#dde1e6",
        button="#f3f4f6",
        help_text="#4b5563",
        info_fill="#f3f4f6",
        error_text="#b91c1c",
        error_fill="#fef2f2",
        error_border="#fecaca",
        warning_text="#b45309",
        warning_fill="#fffbeb",
        heat="#1d4ed8",
    ),
    DARK: Scheme(
        canvas_background="#1a1d23",
        grid_dot="#343a46",
        block_fill="#262b35",
        block_border="#414958",
        block_shadow="#66000000",
        selection="#60a5fa",
        error="#f87171",
        warning="#fbbf24",
        ok="#4ade80",
        text="#e5e7eb",
        text_muted="#9ca3af",
        edge="#8b95a7",
        edge_label_fill="#262b35",
        edge_label_border="#4a5262",
        paper="#1a1d23",
        window="#22262e",
        panel="#1e2128",
        field="#15181d",
        panel_alternate="#242830",
        panel_title="#2a2f38",
        separator="#363c47",
        button="#2c313b",
        help_text="#c0c6d0",
        info_fill="#2a2f38",
        error_text="#fca5a5",
        error_fill="#3a1f23",
        error_border="#7f1d1d",
        warning_text="#fcd34d",
        warning_fill="#3a2f17",
        heat="#3b82f6",
    ),
}

# The colours the canvas draws with, set by :func:`use` (the light scheme until another is picked).
CANVAS_BACKGROUND: QColor
GRID_DOT: QColor
BLOCK_FILL: QColor
BLOCK_BORDER: QColor
BLOCK_SHADOW: QColor
SELECTION: QColor
ERROR: QColor
WARNING: QColor
OK: QColor
TEXT: QColor
TEXT_MUTED: QColor
EDGE: QColor
EDGE_LABEL_FILL: QColor
EDGE_LABEL_BORDER: QColor
STYLE_SHEET: str
_current = LIGHT

BLOCK_WIDTH = 136.0
BLOCK_MIN_HEIGHT = 54.0
PORT_SPACING = 18.0
PORT_RADIUS = 5.5
BLOCK_RADIUS = 8.0
GRID_STEP = 20

_STYLE_SHEET = Template("""
QMainWindow::separator { background: $separator; width: 1px; height: 1px; }
QDockWidget { font-weight: 600; }
QDockWidget::title { padding: 6px 8px; background: $panel_title; border-bottom: 1px solid $separator; }
QTreeWidget, QListWidget, QTreeView { border: none; background: $panel; }
QTreeWidget::item, QTreeView::item { padding: 3px 2px; }
QLineEdit#search { border: 1px solid $separator; border-radius: 4px; padding: 4px 6px; margin: 6px; }
QLabel#inspectorTitle { font-size: 13pt; font-weight: 600; }
QLabel#inspectorKind { color: $text_muted; }
QLabel#inspectorHelp { color: $help_text; }
QLabel#inspectorInfo { color: $text; background: $info_fill; border-radius: 4px; padding: 4px 6px; }
QLabel#inspectorError { color: $error_text; background: $error_fill; border: 1px solid $error_border;
    border-radius: 4px; padding: 4px 6px; }
QLabel#placeholder { color: $text_muted; }
QLabel#datasetProblems, QLabel#datasetError { color: $error_text; }
QLabel#warningNote { color: $warning_text; background: $warning_fill; border-radius: 3px; padding: 2px 6px; }
QLabel#errorNote { color: $error_text; background: $error_fill; border: 1px solid $error_border;
    border-radius: 3px; padding: 3px 6px; }
QFrame#quickAdd { background: $panel; border: 1px solid $separator; border-radius: 6px; }
QFrame#quickAdd QLineEdit { border: 1px solid $separator; border-radius: 4px; padding: 3px 5px; }
QStatusBar QLabel { padding: 0 8px; }
""")


def use(name: str) -> None:
    """Draw with scheme ``name`` (``light`` or ``dark``) from now on."""
    scheme = SCHEMES[name]
    colours = {key.upper(): QColor(value) for key, value in asdict(scheme).items()}
    globals().update({key: colours[key] for key in CANVAS_COLOUR_NAMES})
    globals().update(STYLE_SHEET=_STYLE_SHEET.substitute(asdict(scheme)), _current=name)


CANVAS_COLOUR_NAMES = (
    "CANVAS_BACKGROUND",
    "GRID_DOT",
    "BLOCK_FILL",
    "BLOCK_BORDER",
    "BLOCK_SHADOW",
    "SELECTION",
    "ERROR",
    "WARNING",
    "OK",
    "TEXT",
    "TEXT_MUTED",
    "EDGE",
    "EDGE_LABEL_FILL",
    "EDGE_LABEL_BORDER",
)


def current() -> str:
    """The scheme in use: ``light`` or ``dark``."""
    return _current


def scheme() -> Scheme:
    """The colours of the scheme in use."""
    return SCHEMES[_current]


def system_scheme() -> str:
    """``dark`` when the desktop asks for dark colours, ``light`` otherwise (also when it does not say)."""
    hints = QGuiApplication.styleHints()
    return DARK if hints.colorScheme() == Qt.ColorScheme.Dark else LIGHT


def resolve(choice: str) -> str:
    """The scheme a View ▸ Theme choice means now."""
    return system_scheme() if choice == SYSTEM else choice


def apply(app: QApplication, name: str) -> None:
    """Use scheme ``name`` for the canvas and for every widget of ``app``."""
    use(name)
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")  # the one built-in style that honours a palette on every platform
    palette = widget_palette(SCHEMES[name])
    if app.palette() != palette:  # both are slow: every widget is polished again
        app.setPalette(palette)


def widget_palette(colours: Scheme) -> QPalette:
    """A palette for standard widgets in ``colours``."""
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    palette = QPalette()
    for which, value in (
        (role.Window, colours.window),
        (role.WindowText, colours.text),
        (role.Base, colours.field),
        (role.AlternateBase, colours.panel_alternate),
        (role.Text, colours.text),
        (role.Button, colours.button),
        (role.ButtonText, colours.text),
        (role.ToolTipBase, colours.panel),
        (role.ToolTipText, colours.text),
        (role.PlaceholderText, colours.text_muted),
        (role.Highlight, colours.selection),
        (role.HighlightedText, "#ffffff"),
        (role.Link, colours.selection),
        (role.Mid, colours.separator),
        (role.Midlight, colours.panel_title),
        (role.Dark, colours.block_border),
    ):
        palette.setColor(which, QColor(value))
    for which in (role.Text, role.WindowText, role.ButtonText):
        palette.setColor(group.Disabled, which, QColor(colours.text_muted))
    return palette


def category_colour(category: str) -> QColor:
    """The colour that marks blocks of ``category`` in the palette and on the canvas."""
    return QColor(CATEGORY_COLOURS.get(category, "#64748b"))


def font(point_size: float, bold: bool = False) -> QFont:
    """The application's font at ``point_size`` (call it once the application exists)."""
    result = QFont(QGuiApplication.font())
    result.setPointSizeF(point_size)
    result.setBold(bold)
    return result


def colour_map(previous: str, now: str) -> dict[int, QColor]:
    """Each canvas colour of scheme ``previous`` (as RGBA) → the colour of the same role in scheme ``now``.

    Items that took a colour when they were made (texts, edge tags) are given theirs again through it.
    """
    old, new = asdict(SCHEMES[previous]), asdict(SCHEMES[now])
    return {QColor(old[name.lower()]).rgba(): QColor(new[name.lower()]) for name in CANVAS_COLOUR_NAMES}


use(LIGHT)
