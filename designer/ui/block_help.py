"""Help ▸ Block Help: what a block kind computes, its formula and parameters, and a chosen block's shapes."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from designer.core.blocks import BlockSpec, get_block
from designer.core.params import Param
from designer.core.shapes import TensorType, format_shape
from designer.ui import theme

if TYPE_CHECKING:
    from designer.ui.main_window import MainWindow


def default_text(param: Param) -> str:
    """The default as a user reads it: automatic for inferred parameters, the meaning of an empty value."""
    if param.inferred:
        return "automatic (from the input)"
    if param.default is None:
        return f"empty ({getattr(param, 'none_means', '') or 'none'})"
    if isinstance(param.default, bool):
        return "true" if param.default else "false"
    if isinstance(param.default, list):
        return ", ".join(str(v) for v in param.default)
    return str(param.default)


Shapes = list[TensorType] | None
"""A block's input or output types, or None when inference could not tell them."""


def _shapes(types: Shapes) -> str:
    return ", ".join(format_shape(t.shape) for t in types) if types else "unknown (see the Problems list)"


def block_help_html(
    spec: BlockSpec, block_name: str | None = None, inputs: Shapes = None, outputs: Shapes = None
) -> str:
    """The help page of block kind ``spec``; with ``block_name``, the shapes that block has now."""
    muted = theme.TEXT_MUTED.name()
    parts = [
        f"<h2>{html.escape(spec.kind)}</h2>",
        f"<p style='color:{muted}'>{html.escape(spec.category)}</p>",
        f"<p>{html.escape(spec.help)}</p>",
    ]
    if block_name is not None:
        parts.append(
            f"<p><b>{html.escape(block_name)}</b>: input {html.escape(_shapes(inputs))} → "
            f"output <b>{html.escape(_shapes(outputs))}</b></p>"
        )
    if spec.formula:
        parts.append(f"<h3>Formula</h3><pre style='white-space: pre-wrap'>{html.escape(spec.formula)}</pre>")
    if spec.params:
        rows = "".join(
            f"<tr><td><b>{html.escape(p.name)}</b></td><td>{html.escape(p.describe() or 'any value')}</td>"
            f"<td>{html.escape(default_text(p))}</td><td>{html.escape(p.help)}</td></tr>"
            for p in spec.params
        )
        head = "<tr><th align=left>Parameter</th><th align=left>Values</th><th align=left>Default</th><th></th></tr>"
        parts.append(f"<h3>Parameters</h3><table cellspacing=0 cellpadding=4>{head}{rows}</table>")
    return "".join(parts)


class BlockHelpDialog(QDialog):
    """One block kind's help page; :meth:`show_kind` changes what it shows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Block Help")
        self.resize(760, 620)
        self.page = QTextBrowser()
        self.page.setOpenExternalLinks(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.page)
        layout.addWidget(buttons)

    def show_kind(
        self, spec: BlockSpec, block_name: str | None = None, inputs: Shapes = None, outputs: Shapes = None
    ) -> None:
        self.setWindowTitle(f"Block Help — {spec.kind}")
        self.page.setHtml(block_help_html(spec, block_name, inputs, outputs))


def open_block_help(window: MainWindow) -> BlockHelpDialog | None:
    """Help for the selected block, or else for the palette's current item; a message when there is neither."""
    assert window.scene is not None and window.document is not None
    selected = window.scene.selected_block_ids()
    kind = window.block_palette.current_kind()
    if not selected and kind is None:
        window.show_message("Block Help: select a block on the canvas or in the Blocks list first")
        return None
    dialog = window.findChild(BlockHelpDialog) or BlockHelpDialog(window)
    if selected:
        block, report = window.document.design.block(selected[0]), window.document.report
        dialog.show_kind(block.spec, block.name, report.inputs.get(block.id), report.outputs.get(block.id))
    else:
        dialog.show_kind(get_block(kind))
    dialog.show()
    dialog.raise_()
    return dialog
