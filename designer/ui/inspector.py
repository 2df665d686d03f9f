"""The inspector: name, help and a form of parameters for the selected block, generated from its declaration; or
the selected group's page (see :mod:`designer.ui.group_inspector`)."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QScrollArea, QVBoxLayout, QWidget

from designer.core.analysis import format_flops
from designer.core.design import Block
from designer.core.params import Param
from designer.core.shapes import format_shape
from designer.ui import inspector_parts as parts
from designer.ui import theme
from designer.ui.editor import Editor
from designer.ui.group_inspector import GroupPage
from designer.ui.palette import colour_dot
from designer.ui.param_editors import ParamEditor, editor_for

KIND_DOT = 8
"""Pixels across the category dot beside a block's kind."""


class Inspector(QScrollArea):
    """Edits the selected blocks; refusals show in red under the form and go out as ``message``.

    One block gets its whole form. Several blocks get the parameters they share by name, each
    showing ``mixed`` where their values differ; an edit there sets it on all of them in one undo step.
    """

    message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.editor: Editor | None = None
        self.block_ids: list[str] = []
        self.editors: dict[str, ParamEditor] = {}
        self.group_page: GroupPage | None = None
        """The page of the group shown, when one is."""
        self._page: QWidget | None = None
        self._show_placeholder()

    def set_editor(self, editor: Editor) -> None:
        """Follow a (new) document; the selection starts empty."""
        if self.editor is not None:
            self.editor.document.report_changed.disconnect(self.refresh)
            self.editor.document.summary_changed.disconnect(self._show_info)
            self.editor.design.groups.renamed.disconnect(self._on_group_renamed)
            self.editor.design.groups.changed.disconnect(self._on_groups_changed)
        self.editor = editor
        editor.document.report_changed.connect(self.refresh)
        editor.document.summary_changed.connect(self._show_info)
        editor.design.groups.renamed.connect(self._on_group_renamed)
        editor.design.groups.changed.connect(self._on_groups_changed)
        self.show_block(None)

    @property
    def block_id(self) -> str | None:
        """The block being edited when exactly one is."""
        return self.block_ids[0] if len(self.block_ids) == 1 else None

    def show_block(self, block_id: str | None) -> None:
        """Edit ``block_id``, or show a hint when it is None."""
        self.show_blocks([] if block_id is None else [block_id])

    def show_blocks(self, block_ids: list[str]) -> None:
        """Edit these blocks: one block's whole form, or what several have in common."""
        block_ids = [b for b in block_ids if self.editor is not None and b in self.editor.design]
        if not block_ids:
            self.block_ids = []
            self._show_placeholder()
            return
        if block_ids != self.block_ids:
            self.block_ids = block_ids
            if len(block_ids) == 1:
                self._build(block_ids[0])
            else:
                self._build_shared(block_ids)
        self.refresh()

    def show_group(self, name: str) -> None:
        """Show group ``name``: its name to rename, what it holds, the shapes crossing its boundary, its buttons."""
        if self.editor is None or name not in self.editor.design.groups:
            self.show_block(None)
            return
        if self.group_page is None or self.group_page.name != name:
            self.block_ids = []
            page = GroupPage(self.editor, name)
            page.message.connect(self.message)
            self._set_page(page)
            self.group_page = page
        self.group_page.refresh()

    def name_field(self) -> QLineEdit | None:
        """The name field of the block or group shown (``None``: several blocks, or none)."""
        if self.group_page is not None:
            return self.group_page.name_edit
        return self.name_edit if self.block_id is not None else None

    def refresh(self) -> None:
        """Show the model's current values (after any change, undo included)."""
        if self.group_page is not None:
            self.group_page.refresh()
        if self.editor is None or not self.block_ids:
            return
        design = self.editor.design
        if any(b not in design for b in self.block_ids):
            self.show_blocks([b for b in self.block_ids if b in design])
            return
        if self.block_id is None:
            self._refresh_shared()
            return
        report = self.editor.document.report
        block = design.block(self.block_id)
        resolved = report.params.get(self.block_id, {})
        for name, widget in self.editors.items():
            widget.show_value(block.params[name], resolved.get(name))
        if self.name_edit.text() != block.name and not self.name_edit.hasFocus():
            self.name_edit.setText(block.name)
        self.title.setText(block.name)
        self.info.setText(self._info_text())
        problems = report.problems_of(self.block_id)
        self.problems.setVisible(bool(problems))
        self.problems.setText("<br>".join(html.escape(str(p).split(": ", 1)[-1]) for p in problems))

    def _show_info(self) -> None:
        """The output, parameters and FLOPs line, once the summary has caught up with the edits."""
        if self.group_page is not None:
            self.group_page.show_totals()
        elif self.editor is not None and self.block_id is not None and self.block_id in self.editor.design:
            self.info.setText(self._info_text())

    # ---- building the page ----------------------------------------------------------------
    def _build(self, block_id: str) -> None:
        assert self.editor is not None
        block = self.editor.design.block(block_id)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 10, 12, 12)
        layout.setSpacing(8)
        self.title = parts.label("", "inspectorTitle")
        kind = _kind_row(block.kind, block.spec.category)
        help_label = parts.label(block.spec.help, "inspectorHelp")
        self.info = parts.label("", "inspectorInfo")
        self.problems = parts.label("", "inspectorError")
        self.refusal = parts.label("", "inspectorError")
        self.refusal.hide()
        form = parts.form()
        self.name_edit = QLineEdit(block.name)
        self.name_edit.editingFinished.connect(lambda: self._on_rename(block_id))
        form.addRow("name", self.name_edit)
        self.editors = {}
        for param in block.spec.params:
            widget = editor_for(param)
            widget.edited.connect(lambda value, name=param.name: self._on_edited(block_id, name, value))
            row_label = QLabel(param.name)
            row_label.setToolTip(widget.toolTip())
            form.addRow(row_label, widget)
            self.editors[param.name] = widget
        layout.addWidget(self.title)
        layout.addLayout(kind)
        for widget in (help_label, self.problems, self.info):
            layout.addWidget(widget)
        layout.addLayout(form)
        layout.addWidget(self.refusal)
        layout.addStretch(1)
        self._set_page(page)

    def _build_shared(self, block_ids: list[str]) -> None:
        """The form of several blocks: the parameters all of them have, by name."""
        assert self.editor is not None
        blocks = [self.editor.design.block(b) for b in block_ids]
        kinds = sorted({b.kind for b in blocks})
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 10, 12, 12)
        layout.setSpacing(8)
        self.title = parts.label(f"{len(blocks)} blocks selected", "inspectorTitle")
        layout.addWidget(self.title)
        layout.addWidget(parts.label(", ".join(kinds) if len(kinds) < 5 else f"{len(kinds)} kinds", "inspectorKind"))
        shared = shared_params(blocks)
        self.info = parts.label(
            "Changes apply to every selected block." if shared else "These blocks have no parameter in common.",
            "inspectorHelp",
        )
        layout.addWidget(self.info)
        form = parts.form()
        self.editors = {}
        for param in shared:
            widget = editor_for(param)
            widget.edited.connect(lambda value, name=param.name: self._on_edited_shared(block_ids, name, value))
            form.addRow(param.name, widget)
            self.editors[param.name] = widget
        layout.addLayout(form)
        self.refusal = parts.label("", "inspectorError")
        self.refusal.hide()
        layout.addWidget(self.refusal)
        layout.addStretch(1)
        self._set_page(page)

    def _refresh_shared(self) -> None:
        assert self.editor is not None
        blocks = [self.editor.design.block(b) for b in self.block_ids]
        resolved = self.editor.document.report.params
        for name, widget in self.editors.items():
            values = [b.params[name] for b in blocks]
            if any(v != values[0] for v in values):
                widget.show_mixed()
            else:
                worked_out = {resolved.get(b.id, {}).get(name) for b in blocks}
                widget.show_value(values[0], worked_out.pop() if len(worked_out) == 1 else None)

    def _show_placeholder(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(16, 16, 16, 16)
        hint = parts.label("Select a block on the canvas to see and edit its parameters.", "placeholder")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(hint)
        layout.addStretch(1)
        self.editors = {}
        self._set_page(page)

    def _on_group_renamed(self, old: str, new: str) -> None:
        if self.group_page is not None and self.group_page.name == old:
            self.group_page.name = new

    def _on_groups_changed(self) -> None:
        if self.group_page is not None and self.editor is not None:
            if self.group_page.name in self.editor.design.groups:
                self.group_page.refresh()
            else:
                self.show_block(None)

    def _set_page(self, page: QWidget) -> None:
        self.group_page = None
        old = self.takeWidget()
        if old is not None:
            old.deleteLater()
        self.setWidget(page)
        self._page = page

    def _info_text(self) -> str:
        assert self.editor is not None and self.block_id is not None
        report, summary = self.editor.document.report, self.editor.document.summary
        types = report.outputs.get(self.block_id)
        row = next((row for row in summary.blocks if row.block_id == self.block_id), None)
        if row is None or row.params is None:
            return "Output and parameters unknown until this block and the blocks feeding it have no errors"
        shape = format_shape(types[0].shape) if types else "—"
        length = summary.analysis.sequence_length
        at = f" at T={length}" if length is not None else ""
        flops = f" · {format_flops(row.flops)} per sample{at}" if row.flops else ""
        return f"Output <b>{shape}</b> · {row.params:,} parameters{flops}"

    # ---- edits ----------------------------------------------------------------------------
    def _on_edited(self, block_id: str, name: str, value: Any) -> None:
        if self.editor is None or block_id != self.block_id or block_id not in self.editor.design:
            return
        self._report(self.editor.set_param(block_id, name, value))
        self.refresh()

    def _on_edited_shared(self, block_ids: list[str], name: str, value: Any) -> None:
        if self.editor is None or block_ids != self.block_ids:
            return
        self._report(self.editor.set_param_of(block_ids, name, value))
        self.refresh()

    def _on_rename(self, block_id: str) -> None:
        if self.editor is None or block_id != self.block_id or block_id not in self.editor.design:
            return
        self._report(self.editor.rename(block_id, self.name_edit.text()))
        self.name_edit.setText(self.editor.design.block(block_id).name)

    def _report(self, refusal: str | None) -> None:
        self.refusal.setVisible(refusal is not None)
        self.refusal.setText(refusal or "")
        if refusal is not None:
            self.message.emit(refusal)


def shared_params(blocks: list[Block]) -> list[Param]:
    """The parameters every one of ``blocks`` has: same name, same sort of value (first block's declaration)."""
    first, *others = blocks
    declared = [{p.name: p for p in other.spec.params} for other in others]
    return [param for param in first.spec.params if all(_same_sort(param, d.get(param.name)) for d in declared)]


def _same_sort(param: Param, other: Param | None) -> bool:
    return (
        other is not None
        and type(other) is type(param)
        and getattr(other, "choices", None) == getattr(param, "choices", None)
    )


def _kind_row(kind: str, category: str) -> QHBoxLayout:
    icon = QLabel()
    dot = colour_dot(theme.category_colour(category), diameter=KIND_DOT, slot=KIND_DOT)
    icon.setPixmap(dot.pixmap(QSize(KIND_DOT, KIND_DOT), icon.devicePixelRatioF()))  # sharp on high-DPI screens
    icon.setObjectName("kindDot")
    row = QHBoxLayout()
    row.setSpacing(6)
    row.addWidget(icon)
    row.addWidget(parts.label(f"{kind} · {category}", "inspectorKind"), 1)
    return row
