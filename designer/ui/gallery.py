"""File ▸ New: a gallery of the shipped templates, each with a picture of its diagram, plus an empty design."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QIODevice, QModelIndex, QPersistentModelIndex, QRect, QSaveFile, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QListView,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from designer import __version__
from designer.core.inference import infer
from designer.core.project_file import load_project
from designer.core.summary import summarize
from designer.core.templates import Template, list_templates
from designer.ui import render, theme

THUMBNAIL = QSize(248, 124)
CARD = QSize(272, 222)
EMPTY_DESIGN = ""
"""What :meth:`TemplateGallery.choice` returns for "Empty design"."""
_ENTRY_ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class Entry:
    """One card: a template (or the empty design, with no template) and the figures shown under its title."""

    name: str
    title: str
    description: str
    figures: str
    template: Template | None


class ThumbnailCache:
    """Pictures of templates, kept as PNG files named after the template file's content (so edits show)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_for(self, template: Template, pixel_ratio: float) -> Path:
        digest = hashlib.sha256(template.path.read_bytes()).hexdigest()[:20]
        size = f"{THUMBNAIL.width()}x{THUMBNAIL.height()}@{pixel_ratio:g}"
        return self.folder / f"{digest}-{theme.current()}-{size}-v{__version__}.png"

    def thumbnail(self, template: Template, pixel_ratio: float) -> QImage:
        """The cached picture, drawn and stored first if there is none yet."""
        path = self.path_for(template, pixel_ratio)
        image = QImage(str(path))
        if image.isNull():
            image = render.render_thumbnail(load_project(template.path), THUMBNAIL, pixel_ratio)
            _store(image, path)
        image.setDevicePixelRatio(pixel_ratio)
        return image


def _store(image: QImage, path: Path) -> None:
    """Save atomically; a cache that cannot be written only costs drawing again next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        return
    file = QSaveFile(str(path))
    if file.open(QIODevice.OpenModeFlag.WriteOnly) and image.save(file, "PNG"):
        file.commit()
    else:
        file.cancelWriting()


def entries() -> list[Entry]:
    """The empty design, then every shipped template with its size."""
    found = [Entry(EMPTY_DESIGN, "Empty design", "A blank canvas: drag blocks in from the palette.", "", None)]
    for template in list_templates():
        design = load_project(template.path).design
        params = summarize(design, infer(design)).total_params
        figures = f"{len(design)} blocks · {params:,} parameters"
        found.append(Entry(template.name, template.title, template.description, figures, template))
    return found


class TemplateGallery(QDialog):
    """Pick a template (double-click, Enter or Open); :meth:`choice` says which."""

    def __init__(self, thumbnails: ThumbnailCache, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New design")
        self.thumbnails = thumbnails
        self.cards = QListWidget()
        self.cards.setViewMode(QListView.ViewMode.IconMode)
        self.cards.setResizeMode(QListView.ResizeMode.Adjust)
        self.cards.setMovement(QListView.Movement.Static)
        self.cards.setUniformItemSizes(True)
        self.cards.setSpacing(8)
        self.cards.setItemDelegate(_CardDelegate(self.cards))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.cards)
        layout.addWidget(self.buttons)
        for entry in entries():
            item = QListWidgetItem()
            item.setData(_ENTRY_ROLE, entry)
            item.setToolTip(entry.description)
            item.setSizeHint(CARD)
            self.cards.addItem(item)
        self.cards.setCurrentRow(1 if self.cards.count() > 1 else 0)
        self.cards.itemActivated.connect(self.accept)
        self.cards.itemDoubleClicked.connect(self.accept)
        self.resize(3 * (CARD.width() + 16) + 40, 3 * (CARD.height() + 16) + 60)
        self._waiting = [self.cards.item(i) for i in range(1, self.cards.count())]
        self._drawing = QTimer(self, interval=0)
        self._drawing.timeout.connect(self._draw_next_thumbnail)
        self._drawing.start()

    def choice(self) -> str:
        """The chosen template's name, or :data:`EMPTY_DESIGN`."""
        item = self.cards.currentItem()
        return EMPTY_DESIGN if item is None else item.data(_ENTRY_ROLE).name

    def item_for(self, name: str) -> QListWidgetItem:
        return next(
            self.cards.item(i) for i in range(self.cards.count()) if self.cards.item(i).data(_ENTRY_ROLE).name == name
        )

    def thumbnails_pending(self) -> int:
        return len(self._waiting)

    def _draw_next_thumbnail(self) -> None:
        """One picture per turn of the event loop, so the dialog shows and answers at once."""
        if not self._waiting:
            self._drawing.stop()
            return
        item = self._waiting.pop(0)
        template = item.data(_ENTRY_ROLE).template
        item.setData(Qt.ItemDataRole.DecorationRole, self.thumbnails.thumbnail(template, self.devicePixelRatioF()))


class _CardDelegate(QStyledItemDelegate):
    """A card: the picture, the title, two lines of description and the figures."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return CARD

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        entry: Entry = index.data(_ENTRY_ROLE)
        colours = theme.scheme()
        card = QRect(option.rect).adjusted(2, 2, -2, -2)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        outline = QPainterPath()
        outline.addRoundedRect(card, 8, 8)
        painter.fillPath(outline, QColor(colours.panel))
        painter.setPen(QPen(QColor(colours.selection if selected else colours.separator), 2.0 if selected else 1.0))
        painter.drawPath(outline)
        picture = QRect(card.left() + 10, card.top() + 10, THUMBNAIL.width(), THUMBNAIL.height())
        painter.fillRect(picture, theme.CANVAS_BACKGROUND)
        image = index.data(Qt.ItemDataRole.DecorationRole)
        if isinstance(image, QImage):
            painter.drawImage(picture, image)
        elif entry.template is None:
            _draw_plus(painter, picture, QColor(colours.text_muted))
        text = picture.adjusted(0, THUMBNAIL.height() + 8, 0, 0)
        text.setBottom(card.bottom() - 8)
        painter.setPen(QColor(colours.text))
        painter.setFont(theme.font(10.0, bold=True))
        painter.drawText(text, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, entry.title)
        painter.setFont(theme.font(8.5))
        painter.setPen(QColor(colours.help_text))
        description = QRect(text.left(), text.top() + 20, text.width(), 2 * painter.fontMetrics().lineSpacing())
        painter.save()
        painter.setClipRect(description)  # two lines; the tooltip has the rest
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
        painter.drawText(description, flags, entry.description)
        painter.restore()
        painter.setPen(QColor(colours.text_muted))
        painter.drawText(text, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, entry.figures)
        painter.restore()


def _draw_plus(painter: QPainter, rect: QRect, colour: QColor) -> None:
    pen = QPen(colour, 3.0)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    centre, arm = rect.center(), 18
    painter.drawLine(centre.x() - arm, centre.y(), centre.x() + arm, centre.y())
    painter.drawLine(centre.x(), centre.y() - arm, centre.x(), centre.y() + arm)
