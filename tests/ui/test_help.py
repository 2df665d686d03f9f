"""Help ▸ Block Help shows a block kind's formula, parameters and shapes; Help ▸ About shows the doctor's report."""

from __future__ import annotations

import pytest
import torch
from PySide6.QtWidgets import QApplication

from designer.cli import main
from designer.core.blocks import get_block
from designer.ui.about import AboutDialog
from designer.ui.block_help import BlockHelpDialog, default_text
from designer.ui.main_window import MainWindow


def _help_text(window: MainWindow) -> str:
    window.menu_actions.block_help.trigger()
    dialog = window.findChild(BlockHelpDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog.page.toPlainText()


def test_f1_is_the_block_help_shortcut(window: MainWindow) -> None:
    assert window.menu_actions.block_help.shortcut().toString() == "F1"
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    assert [a.text() for a in help_menu.actions()] == ["&Block Help", "&About Designer"]


def test_block_help_for_the_selected_block_shows_its_formula_params_and_shapes(window: MainWindow) -> None:
    design = window.document.design
    conv = design.find("conv1")
    window.scene.select_block(conv)
    text = _help_text(window)
    spec = get_block("Conv2d")
    assert text.startswith("Conv2d") and spec.help in text
    assert "H_out = ⌊(H + 2·padding − dilation·(kernel_size − 1) − 1) / stride⌋ + 1" in text
    for param in spec.params:
        assert param.name in text and param.describe() in text and param.help in text
    assert "automatic (from the input)" in text  # in_channels is inferred
    assert "conv1: input N×1×8×8 → output N×" in text


def test_block_help_for_the_palette_item_when_nothing_is_selected(window: MainWindow) -> None:
    window.scene.clearSelection()
    palette = window.block_palette
    palette.tree.setCurrentItem(palette.item_for("LSTM"))
    text = _help_text(window)
    assert text.startswith("LSTM")
    assert "c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t" in text and "h_t = o_t ⊙ tanh(c_t)" in text
    assert "→ output" not in text  # no block, so no shapes


def test_block_help_without_a_block_says_what_to_do(window: MainWindow) -> None:
    window.scene.clearSelection()
    window.block_palette.tree.setCurrentItem(None)
    window.menu_actions.block_help.trigger()
    assert window.findChild(BlockHelpDialog) is None
    assert "select a block" in window.statusBar().currentMessage()


def test_defaults_read_as_a_user_would_read_them() -> None:
    assert default_text(get_block("Linear").param("in_features")) == "automatic (from the input)"
    assert default_text(get_block("Linear").param("bias")) == "true"
    assert default_text(get_block("MaxPool2d").param("stride")) == "empty (the kernel size)"
    assert default_text(get_block("Permute").param("dims")) == "0, 2, 1"


def test_about_copies_what_designer_doctor_prints(window: MainWindow, capsys: pytest.CaptureFixture[str]) -> None:
    window.menu_actions.about.trigger()
    dialog = window.findChild(AboutDialog)
    assert dialog is not None and dialog.isVisible()
    assert f"{torch.__version__}" in dialog.text.toPlainText()
    dialog.copy_button.click()
    assert main(["doctor"]) == 0
    assert QApplication.clipboard().text() == capsys.readouterr().out.rstrip("\n")
