"""Diagram export: PNG and SVG drawn by the canvas's own items, cropped to the design, from the menu too."""

import math
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from designer.core.inference import infer
from designer.core.templates import load_template
from designer.ui import render, theme
from designer.ui.export_diagram import ExportDiagramDialog

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def lenet():
    return load_template("lenet-digits")


def test_the_png_is_the_canvas_drawing_cropped_with_a_margin(window, lenet):
    with render.design_scene(lenet) as scene:
        items = scene.itemsBoundingRect()
        image = render.render_image(scene, scale=2.0)
    assert image.width() == math.ceil((items.width() + 2 * render.MARGIN) * 2)
    assert image.height() == math.ceil((items.height() + 2 * render.MARGIN) * 2)
    # The window's own canvas, drawn the same way, gives the very same pixels.
    window.scene.clearSelection()
    source = render.diagram_rect(window.scene)
    on_canvas = QImage(image.size(), QImage.Format.Format_ARGB32_Premultiplied)
    on_canvas.fill(QColor(theme.scheme().paper))
    painter = QPainter(on_canvas)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    window.scene.render(painter, QRectF(on_canvas.rect()), source)
    painter.end()
    assert source == render.diagram_rect(window.scene) and on_canvas == image.convertToFormat(on_canvas.format())


def test_png_background_and_resolution(tmp_path, lenet):
    with render.design_scene(lenet) as scene:
        opaque, clear = render.render_image(scene, 2.0), render.render_image(scene, 2.0, transparent=True)
        triple = render.render_image(scene, 3.0)
        block = scene.blocks[lenet.design.find("conv1")]
        inside = block.sceneBoundingRect().center() + block.body().topRight() * 0.5  # in the card, right of the text
        source = render.diagram_rect(scene)
    assert opaque.pixelColor(0, 0) == QColor("#ffffff") and clear.pixelColor(0, 0).alpha() == 0
    spot = (inside - source.topLeft()) * 2
    assert clear.pixelColor(int(spot.x()), int(spot.y())) == theme.BLOCK_FILL  # blocks stay opaque
    assert triple.width() == pytest.approx(opaque.width() * 1.5, abs=2)
    assert round(opaque.dotsPerMeterX() * 0.0254) == round(2 * render.screen_dpi())  # prints at canvas size
    render.save_diagram(lenet, tmp_path / "lenet.PNG", scale=3.0)
    assert QImage(str(tmp_path / "lenet.PNG")).size() == triple.size()


def test_the_svg_has_every_block_name_and_shape_label_as_text(tmp_path, lenet):
    path = tmp_path / "lenet.svg"
    render.save_diagram(lenet, path)
    root = ET.parse(path).getroot()
    texts = {"".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")}
    design, report = lenet.design, infer(lenet.design)
    assert {b.name for b in design.blocks()} <= texts
    assert {b.kind for b in design.blocks()} <= texts
    assert {str(report.edge_type(design, c)) for c in design.connections()} <= texts
    assert root.find(f"{SVG}title").text == lenet.name
    with render.design_scene(lenet) as scene:
        rect = render.diagram_rect(scene)
    assert QSvgRenderer(str(path)).viewBoxF().size().toSize() == QSize(
        math.ceil(rect.width()), math.ceil(rect.height())
    )
    assert len(list(root.iter(f"{SVG}path"))) >= len(design.connections())


@pytest.mark.parametrize(
    ("name", "expected"),
    [("diagram.pdf", "must end in .png or .svg"), ("missing/diagram.png", "does not exist")],
)
def test_bad_targets_are_refused_with_a_message(tmp_path, lenet, name, expected):
    with pytest.raises(render.DiagramError, match=expected):
        render.save_diagram(lenet, tmp_path / name)


def test_export_diagram_from_the_menu(window, dialogs, tmp_path, monkeypatch):
    warnings = []
    monkeypatch.setattr(
        "designer.ui.export_diagram.QMessageBox.warning", lambda _parent, _title, text: warnings.append(text)
    )
    window.menu_actions.export_diagram.trigger()
    dialog = window.findChild(ExportDiagramDialog)
    assert dialog is not None and dialog.isVisible() and dialog.path.text().endswith("lenet-for-digits.png")
    dialog.path.setText(str(tmp_path / "nowhere" / "lenet.png"))
    dialog.accept()
    assert dialog.isVisible() and "does not exist" in warnings[-1]
    dialog.path.setText(str(tmp_path / "lenet.svg"))
    assert not dialog.scale.isEnabled()
    dialog.path.setText(str(tmp_path / "lenet.png"))
    dialog.scale.setCurrentIndex(dialog.scale.findData(3))
    dialog.background.setCurrentIndex(1)
    next(b for b in dialog.buttons.buttons() if b.text() == "Export").click()
    assert not dialog.isVisible()
    image = QImage(str(tmp_path / "lenet.png"))
    with render.design_scene(window.document.project) as scene:
        assert image.size() == render.render_image(scene, 3.0).size()
    assert image.pixelColor(0, 0).alpha() == 0
    assert "Exported the diagram" in window.statusBar().currentMessage()


def test_blocks_show_their_category_icon_unless_the_name_needs_the_room(lenet):
    design = lenet.design
    design.rename_block(design.find("relu1"), "a_rather_long_block_name")

    def icon_colours(block_name: str) -> set[str]:
        with render.design_scene(lenet) as scene:
            item = scene.blocks[design.find(block_name)]
            icon = item.icon_rect().translated(item.pos()).translated(-render.diagram_rect(scene).topLeft())
            image = render.render_image(scene, 1.0)
        return {
            image.pixelColor(round(icon.left()) + dx, round(icon.top()) + dy).name()
            for dx in range(13)
            for dy in range(13)
        }

    assert theme.category_colour("Convolution").name() in icon_colours("conv1")
    assert theme.category_colour("Activation").name() not in icon_colours("a_rather_long_block_name")
    assert theme.category_colour("Activation").name() in icon_colours("relu2")


def test_a_picture_too_big_for_memory_is_refused_with_advice(lenet, tmp_path, monkeypatch):
    monkeypatch.setattr(render, "MAX_PIXELS", 100_000)
    with pytest.raises(render.DiagramError, match=r"pixels, more than .* export an SVG, or use a smaller scale"):
        render.save_diagram(lenet, tmp_path / "big.png", scale=3.0)
    assert not (tmp_path / "big.png").exists()
    render.save_diagram(lenet, tmp_path / "big.svg")  # vectors have no such limit
