"""The minimap: shown only while the design does not fit, framing the visible part, and moving the view."""

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication

from benchmarks.editor_scale import residual_design
from designer.core.project import Project
from designer.ui.document import Document
from designer.ui.main_window import MainWindow


@pytest.fixture
def big(qtbot) -> MainWindow:
    """A window on a 150-block design, laid out and fitted."""
    window = MainWindow(Document(Project(design=residual_design(150))))
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    window.menu_actions.auto_layout.trigger()
    QApplication.processEvents()
    return window


def test_hidden_while_the_design_fits_and_shown_when_it_does_not(window):
    view = window.view
    view.fit_to_items()
    QApplication.processEvents()
    assert not view.minimap.isVisible()
    view.reset_zoom()
    view.zoom_by(2.0)
    assert view.minimap.isVisible()
    corner = view.viewport().rect().bottomRight()
    assert view.minimap.geometry().bottomRight().x() <= corner.x()


def test_it_shows_every_block_and_frames_the_visible_part(big):
    view, minimap = big.view, big.view.minimap
    view.reset_zoom()
    QApplication.processEvents()
    assert minimap.isVisible()
    bounds = minimap.bounds()
    for item in big.scene.blocks.values():
        assert bounds.contains(item.sceneBoundingRect())
    image = minimap.grab().toImage()
    # The blocks are drawn in the overview: some pixels carry a category colour, not just white.
    coloured = sum(
        1
        for x in range(0, image.width(), 4)
        for y in range(0, image.height(), 4)
        if image.pixelColor(x, y).saturation() > 80
    )
    assert coloured > 20
    view.centerOn(bounds.center())
    visible = view.visible_rect()
    frame = minimap.to_map(visible.topLeft()), minimap.to_map(visible.bottomRight())
    assert all(minimap.rect().contains(corner.toPoint()) for corner in frame)
    back = minimap.to_scene(minimap.to_map(visible.center()))
    assert abs(back.x() - visible.center().x()) < 1e-6 and abs(back.y() - visible.center().y()) < 1e-6


def test_dragging_in_it_moves_the_view(big, qtbot):
    view, minimap = big.view, big.view.minimap
    view.reset_zoom()
    QApplication.processEvents()
    bounds = minimap.bounds()
    target = QPointF(bounds.right() - 100, bounds.bottom() - 60)
    start = minimap.to_map(bounds.center()).toPoint()
    end = minimap.to_map(target).toPoint()
    qtbot.mousePress(minimap, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(minimap, pos=end)
    qtbot.mouseRelease(minimap, Qt.MouseButton.LeftButton, pos=end)
    centre = view.visible_centre()
    tolerance = 2 / minimap._scale()  # two minimap pixels
    assert abs(centre.x() - target.x()) < tolerance and abs(centre.y() - target.y()) < tolerance


def test_it_follows_blocks_that_move(big):
    view, minimap = big.view, big.view.minimap
    design = big.document.design
    before = minimap.bounds()
    block_id = next(b.id for b in design.blocks())
    big.editor.move({block_id: (before.right() + 3000, before.bottom() + 2000)})
    QApplication.processEvents()
    after = minimap.bounds()
    assert after.right() > before.right() + 2000 and after.bottom() > before.bottom() + 1500
    assert view.minimap.isVisible()
