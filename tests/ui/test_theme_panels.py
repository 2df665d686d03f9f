"""Parts drawn outside the canvas follow the theme too: minimap, charts, confusion matrix, block tooltips."""

import pytest
from PySide6.QtGui import QColor

from designer.ui import theme
from tests.ui.test_theme import contrast


@pytest.fixture(autouse=True)
def light_theme_after(qapp):
    yield
    theme.apply(qapp, theme.LIGHT)


@pytest.mark.parametrize("name", [theme.LIGHT, theme.DARK])
def test_warnings_and_heat_read_well(name):
    s = theme.SCHEMES[name]
    assert contrast(s.warning_text, s.panel) >= 4.5 and contrast(s.warning_text, s.warning_fill) >= 4.5
    assert contrast(s.error_text, s.panel) >= 4.5
    assert contrast(s.heat, s.field) >= 3


def _near(a: QColor, b: str, tolerance: int = 12) -> bool:
    c = QColor(b)
    return all(abs(x - y) <= tolerance for x, y in zip(a.getRgb()[:3], c.getRgb()[:3], strict=True))


def test_the_minimap_is_drawn_on_the_theme_panel(window, qtbot):
    for name in (theme.DARK, theme.LIGHT):
        window.appearance.apply(name)
        image = window.view.minimap.grab().toImage()
        # just inside the frame, where no block is drawn
        assert _near(image.pixelColor(4, image.height() // 2), theme.SCHEMES[name].panel, tolerance=30)


def test_charts_and_confusion_matrix_recolour_live(window):
    epoch = {"confusion": [[5, 0], [1, 4]], "precision": [0.83, 1.0], "recall": [1.0, 0.8]}
    window.training.confusion.show_epoch(epoch, ["a", "b"])
    window.appearance.apply(theme.DARK)
    dark = theme.SCHEMES[theme.DARK]
    chart = window.training.charts._widgets[0]
    assert chart.backgroundBrush().color().name() == dark.panel
    assert window.training.charts.plots["loss"].getAxis("left").textPen().color().name() == dark.text_muted
    table = window.training.confusion
    assert table.item(0, 1).background().color().name() == dark.field  # no mistakes: the empty colour
    assert table.item(0, 0).background().color().name() == dark.heat  # the whole row
    window.appearance.apply(theme.LIGHT)
    assert table.item(0, 1).background().color().name() == theme.SCHEMES[theme.LIGHT].field
    assert chart.backgroundBrush().color().name() == theme.SCHEMES[theme.LIGHT].panel


def test_block_tooltips_name_problems_in_the_theme_colours(window):
    design = window.document.design
    fc1 = design.find("fc1")
    assert window.editor.set_param(fc1, "in_features", 99) is None
    item = window.scene.blocks[fc1]
    assert theme.SCHEMES[theme.LIGHT].error_text in item.toolTip()
    window.appearance.apply(theme.DARK)
    assert theme.SCHEMES[theme.DARK].error_text in item.toolTip()
    assert theme.SCHEMES[theme.LIGHT].error_text not in item.toolTip()
