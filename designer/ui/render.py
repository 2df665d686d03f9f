"""Drawing a design as a picture: PNG and SVG for papers, thumbnails for the template gallery.

Everything is drawn by the canvas's own items (a :class:`DesignScene` made for the occasion), so a
picture shows blocks, ports, edges and shape labels exactly as the canvas does, in the current theme.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator

from designer.core.project import Project
from designer.ui import theme
from designer.ui.canvas.scene import DesignScene
from designer.ui.document import Document

MARGIN = 24.0
"""Space left around the design in an exported picture, in canvas units."""
FORMATS = (".png", ".svg")
MAX_PIXELS = 64_000_000
"""The largest PNG drawn (256 MB in memory); bigger designs are refused with advice rather than exhausting memory."""
INCHES_PER_METRE = 39.3700787


class DiagramError(ValueError):
    """A diagram that cannot be written: the message says which file and why."""


@contextmanager
def design_scene(project: Project) -> Iterator[DesignScene]:
    """A canvas scene of ``project``, nothing selected, for as long as the ``with`` block lasts."""
    document = Document(project)
    scene = DesignScene(document)
    try:
        yield scene
    finally:
        scene.detach()
        document.detach()
        scene.deleteLater()
        document.deleteLater()


def diagram_rect(scene: DesignScene, margin: float = MARGIN) -> QRectF:
    """The part of the canvas a picture shows: every item shown (not the blocks of collapsed groups), with
    ``margin`` around them."""
    bounds = QRectF()
    for item in scene.items():
        if item.isVisible():
            bounds = bounds.united(item.sceneBoundingRect())
    return bounds.adjusted(-margin, -margin, margin, margin)


def render_image(scene: DesignScene, scale: float = 2.0, transparent: bool = False) -> QImage:
    """The design at ``scale`` pixels per canvas unit, cropped to it, on the theme's paper or on nothing."""
    source = diagram_rect(scene)
    size = QSize(math.ceil(source.width() * scale), math.ceil(source.height() * scale))
    if size.width() * size.height() > MAX_PIXELS:
        raise DiagramError(
            f"at {scale:g}× the picture would be {size.width():,}×{size.height():,} pixels, more than the "
            f"{MAX_PIXELS // 1_000_000} million a PNG may have: export an SVG, or use a smaller scale"
        )
    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent if transparent else QColor(theme.scheme().paper))
    _paint(image, scene, QRectF(0, 0, size.width(), size.height()), source)
    # Recorded after painting, because the painter sizes text by the image's resolution.
    dots_per_metre = round(screen_dpi() * scale * INCHES_PER_METRE)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    return image


def write_svg(scene: DesignScene, path: Path, title: str, transparent: bool = False) -> None:
    """Write the design as SVG (vector shapes and real text) to ``path``."""
    source = diagram_rect(scene)
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(QSize(math.ceil(source.width()), math.ceil(source.height())))
    generator.setViewBox(QRectF(0, 0, source.width(), source.height()))
    generator.setResolution(round(screen_dpi()))  # text the size it has on the canvas
    generator.setTitle(title)
    generator.setDescription("Drawn by Designer")
    painter = QPainter()
    if not painter.begin(generator):
        raise DiagramError(f"cannot write {path}: check that the folder is writable")
    if not transparent:
        painter.fillRect(QRectF(0, 0, source.width(), source.height()), QColor(theme.scheme().paper))
    _draw(painter, scene, QRectF(0, 0, source.width(), source.height()), source)
    painter.end()


def save_diagram(project: Project, path: str | Path, scale: float = 2.0, transparent: bool = False) -> None:
    """Write ``project``'s diagram to a ``.png`` or ``.svg`` file; raises :class:`DiagramError`."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise DiagramError(f"cannot draw a diagram as {path.name!r}: the file name must end in .png or .svg")
    if not path.parent.is_dir():
        raise DiagramError(f"cannot write {path}: the folder {path.parent} does not exist")
    with design_scene(project) as scene:
        if suffix == ".svg":
            write_svg(scene, path, project.name, transparent)
        elif not render_image(scene, scale, transparent).save(str(path), "PNG"):
            raise DiagramError(f"cannot write {path}: check that the folder is writable")


def render_thumbnail(project: Project, size: QSize, pixel_ratio: float = 1.0) -> QImage:
    """``project`` shrunk to fit ``size`` (never enlarged), centred on the canvas colour, sharp at ``pixel_ratio``."""
    image = QImage(size * pixel_ratio, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(theme.CANVAS_BACKGROUND)
    with design_scene(project) as scene:
        if scene.items():
            source = diagram_rect(scene, margin=12.0)
            scale = min(image.width() / source.width(), image.height() / source.height(), pixel_ratio)
            target = QRectF(0, 0, source.width() * scale, source.height() * scale)
            target.moveCenter(QRectF(image.rect()).center())
            _paint(image, scene, target, source)
    image.setDevicePixelRatio(pixel_ratio)
    return image


def screen_dpi() -> float:
    """The resolution canvas text is laid out for."""
    screen = QGuiApplication.primaryScreen()
    return screen.logicalDotsPerInchY() if screen is not None else 96.0


def _paint(image: QImage, scene: DesignScene, target: QRectF, source: QRectF) -> None:
    painter = QPainter(image)
    _draw(painter, scene, target, source)
    painter.end()


def _draw(painter: QPainter, scene: DesignScene, target: QRectF, source: QRectF) -> None:
    hints = QPainter.RenderHint
    painter.setRenderHints(hints.Antialiasing | hints.TextAntialiasing | hints.SmoothPixmapTransform)
    scene.render(painter, target, source)
