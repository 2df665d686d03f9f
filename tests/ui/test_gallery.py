"""File ▸ New: the template gallery, its thumbnails and their cache, and what choosing a card does."""

import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDialogButtonBox

from designer.core.inference import infer
from designer.core.summary import summarize
from designer.core.templates import Template, list_templates, load_template
from designer.ui import gallery, render
from designer.ui.gallery import EMPTY_DESIGN, TemplateGallery, ThumbnailCache


@pytest.fixture
def cache(tmp_path):
    return ThumbnailCache(tmp_path / "thumbnails")


def shown_gallery(qtbot, cache) -> TemplateGallery:
    dialog = TemplateGallery(cache)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.thumbnails_pending() == 0)
    return dialog


def double_click(qtbot, dialog: TemplateGallery, name: str) -> None:
    centre = dialog.cards.visualItemRect(dialog.item_for(name)).center()
    qtbot.mouseClick(dialog.cards.viewport(), Qt.MouseButton.LeftButton, pos=centre)  # a real double-click
    qtbot.mouseDClick(dialog.cards.viewport(), Qt.MouseButton.LeftButton, pos=centre)  # starts with a click


def test_every_template_has_a_card_with_its_real_size(qtbot, cache):
    dialog = shown_gallery(qtbot, cache)
    templates = list_templates()
    assert dialog.cards.count() == len(templates) + 1
    empty = dialog.item_for(EMPTY_DESIGN).data(Qt.ItemDataRole.UserRole)
    assert empty.title == "Empty design" and empty.template is None
    for template in templates:
        entry = dialog.item_for(template.name).data(Qt.ItemDataRole.UserRole)
        design = load_template(template.name).design
        total = summarize(design, infer(design)).total_params
        assert (entry.title, entry.description) == (template.title, template.description)
        assert entry.figures == f"{len(design)} blocks · {total:,} parameters"
        picture = dialog.item_for(template.name).data(Qt.ItemDataRole.DecorationRole)
        ratio = dialog.devicePixelRatioF()
        assert isinstance(picture, QImage) and picture.size() == gallery.THUMBNAIL * ratio
        assert picture.devicePixelRatio() == ratio


def test_thumbnails_are_cached_by_the_template_files_content(qtbot, cache, tmp_path, monkeypatch):
    template = next(t for t in list_templates() if t.name == "seed-cnn")
    first = cache.thumbnail(template, 2.0)
    cached = cache.path_for(template, 2.0)
    assert cached.is_file() and cached.parent == tmp_path / "thumbnails"
    assert not first.isNull() and len({first.pixel(x, first.height() // 2) for x in range(first.width())}) > 3

    def no_drawing(*_args):
        raise AssertionError("drawn again although cached")

    monkeypatch.setattr(render, "render_thumbnail", no_drawing)
    assert cache.thumbnail(template, 2.0).convertToFormat(first.format()) == first
    copy = tmp_path / "seed-cnn.json"
    shutil.copy(template.path, copy)
    copy.write_text(copy.read_text().replace('"out_channels": 32', '"out_channels": 48', 1))
    assert cache.path_for(Template("seed-cnn", "", "", copy), 2.0) != cached  # an edited file gets a new picture


def test_double_click_opens_the_template(window, qtbot):
    window.files.new()
    dialog = window.findChild(TemplateGallery)
    qtbot.waitUntil(lambda: dialog.thumbnails_pending() == 0)
    double_click(qtbot, dialog, "mlp-tabular")
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert window.document.design == load_template("mlp-tabular").design
    assert window.document.path is None and not window.isWindowModified()


def test_empty_design_with_the_open_button(window, qtbot):
    dialog = window.files.new()
    dialog.cards.setCurrentItem(dialog.item_for(EMPTY_DESIGN))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Open).click()
    assert len(window.document.design) == 0 and window.scene.blocks == {}


def test_unsaved_work_is_asked_about_and_cancel_keeps_it(window, qtbot, dialogs):
    design = window.document.design
    window.editor.rename(design.find("conv1"), "stem")
    dialogs.answer = dialogs.answer.Cancel
    double_click(qtbot, window.files.new(), "resnet-mini")
    assert dialogs.messages[-1][0] == "question"
    assert window.document.design is design and design.block(design.find("stem"))
