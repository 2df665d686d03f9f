"""Light and dark themes: readable colours, the View ▸ Theme choice, following the system, and the icons."""

from dataclasses import asdict

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPalette
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

from designer.core.blocks import CATEGORIES
from designer.ui import icons, theme
from designer.ui.canvas.edge_item import EdgeItem


@pytest.fixture(autouse=True)
def light_theme_after(qapp):
    yield
    theme.apply(qapp, theme.LIGHT)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours."""

    def luminance(colour: str) -> float:
        channels = [c / 255 for c in QColor(colour).getRgb()[:3]]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("name", [theme.LIGHT, theme.DARK])
def test_text_reads_well_on_every_surface(name):
    s = theme.SCHEMES[name]
    assert contrast(s.text, s.block_fill) >= 7 and contrast(s.text, s.edge_label_fill) >= 7
    assert contrast(s.text, s.panel) >= 7 and contrast(s.error_text, s.error_fill) >= 4.5
    assert contrast(s.text_muted, s.block_fill) >= 4.5 and contrast(s.help_text, s.panel) >= 4.5
    assert contrast(s.edge, s.canvas_background) >= 2.5 and contrast(s.error, s.canvas_background) >= 3
    assert contrast(s.selection, s.canvas_background) >= 3 and contrast(s.ok, s.window) >= 3


def test_every_canvas_colour_maps_to_one_colour_of_the_other_scheme():
    for previous, now in ((theme.LIGHT, theme.DARK), (theme.DARK, theme.LIGHT)):
        old, new = asdict(theme.SCHEMES[previous]), asdict(theme.SCHEMES[now])
        pairs = {(QColor(old[k.lower()]).rgba(), QColor(new[k.lower()]).rgba()) for k in theme.CANVAS_COLOUR_NAMES}
        assert len(pairs) == len({a for a, _ in pairs}), "two roles share a colour in one scheme but not the other"


def canvas_colours(window) -> dict[str, set[str]]:
    """The colours the canvas's texts and tags were given, by kind of item."""
    block = next(iter(window.scene.blocks.values()))
    edge = next(i for i in window.scene.items() if isinstance(i, EdgeItem))
    return {
        "names": {child.brush().color().name() for child in block.childItems() if hasattr(child, "brush")},
        "tag": {edge.label.brush().color().name(), edge.label.pen().color().name()},
    }


def test_dark_from_the_view_menu_redraws_everything_and_is_remembered(window, qtbot):
    light = canvas_colours(window)
    window.appearance.actions[theme.DARK].trigger()
    dark = theme.SCHEMES[theme.DARK]
    assert window.profile.theme_choice() == theme.DARK and theme.current() == theme.DARK
    assert QApplication.palette().color(QPalette.ColorRole.Window) == QColor(dark.window)
    assert dark.panel in window.styleSheet()
    colours = canvas_colours(window)
    assert dark.text in colours["names"] and dark.text_muted in colours["names"]
    assert colours["tag"] == {dark.edge_label_fill, dark.edge_label_border}
    header = window.block_palette.tree.topLevelItem(0)
    assert header.foreground(0).color() == QColor(dark.text_muted)
    empty_canvas = window.view.viewport().grab().toImage()
    assert empty_canvas.pixelColor(3, 3) == QColor(dark.canvas_background)
    window.appearance.actions[theme.LIGHT].trigger()
    assert canvas_colours(window) == light and window.profile.theme_choice() == theme.LIGHT


def test_system_follows_the_desktop(window, monkeypatch):
    window.appearance.choose(theme.SYSTEM)
    monkeypatch.setattr(theme, "system_scheme", lambda: theme.DARK)
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert theme.current() == theme.DARK
    window.appearance.choose(theme.LIGHT)  # a fixed choice no longer follows
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert theme.current() == theme.LIGHT
    assert [a.isChecked() for a in window.appearance.actions.values()] == [False, True, False]


def test_every_category_has_a_drawn_icon_shown_in_the_palette(window):
    for category in CATEGORIES:
        renderer = QSvgRenderer(str(icons.category_icon_path(category)))
        assert renderer.isValid() and renderer.viewBox().width() == 24, category
    tree = window.block_palette.tree
    for i in range(tree.topLevelItemCount()):
        header = tree.topLevelItem(i)
        assert header.icon(0).cacheKey() and not header.icon(0).pixmap(16, 16).isNull(), header.text(0)


def test_the_application_icon_has_every_size(window):
    for size in icons.APP_ICON_SIZES:
        assert QImage(str(icons.ICONS_DIR / f"designer-{size}.png")).size().width() == size
    assert QImage(str(icons.ICONS_DIR / "designer.png")).width() == 256
    assert QSvgRenderer(str(icons.ICONS_DIR / "designer.svg")).isValid()
    assert not window.windowIcon().isNull() and 256 in [s.width() for s in window.windowIcon().availableSizes()]
