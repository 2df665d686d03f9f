"""Category dots: the size they are asked for, in the palette's 16-pixel slot and beside the inspector's kind."""

from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import QLabel

from designer.ui.inspector import KIND_DOT
from designer.ui.palette import colour_dot


def _dot_width(pixmap: QPixmap) -> float:
    """How many pixels across the opaque dot is in the middle row, in device-independent pixels."""
    image = pixmap.toImage()
    row = image.height() // 2
    covered = sum(image.pixelColor(x, row).alphaF() for x in range(image.width()))
    return covered / pixmap.devicePixelRatio()


def test_a_dot_is_as_wide_as_asked_in_its_slot(qapp):
    icon = colour_dot(QColor("#3b82f6"))
    assert 9.0 <= _dot_width(icon.pixmap(16, 16)) <= 10.5
    small = colour_dot(QColor("#3b82f6"), diameter=8, slot=8)
    assert 7.0 <= _dot_width(small.pixmap(8, 8)) <= 8.5


def test_the_inspector_dot_is_eight_pixels(window):
    window.scene.select_block(window.document.design.find("fc1"))
    dot = window.inspector.findChild(QLabel, "kindDot")
    pixmap = dot.pixmap()
    assert pixmap.deviceIndependentSize().toTuple() == (KIND_DOT, KIND_DOT)
    assert KIND_DOT - 1 <= _dot_width(pixmap) <= KIND_DOT + 0.5
