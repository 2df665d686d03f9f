"""The inspector's page for a group: its name to rename, what it holds, the shapes crossing its boundary, and
buttons to expand (or collapse) and ungroup it."""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from designer.core.analysis import format_flops
from designer.core.design import Connection, DesignGraph, id_order
from designer.core.summary import Summary
from designer.ui import inspector_parts as parts
from designer.ui.editor import Editor

MAX_SHAPE_ROWS = 6
"""Shapes listed on each side of a group's boundary; more are counted."""


@dataclass(frozen=True)
class GroupTotals:
    """What a group holds, as the document's summary counts it."""

    blocks: int
    params: int
    flops: int
    complete: bool
    """Whether every block is counted: none has errors, and the summary has caught up with the edits."""


def group_totals(design: DesignGraph, summary: Summary, name: str) -> GroupTotals:
    """Blocks, parameters and FLOPs per sample of every block in group ``name`` (inner groups' too)."""
    members = design.groups.members(name)
    rows = [row for row in summary.blocks if row.block_id in members]
    complete = len(rows) == len(members) and all(row.params is not None for row in rows)
    return GroupTotals(
        len(members), sum(row.params or 0 for row in rows), sum(row.flops or 0 for row in rows), complete
    )


def crossing(design: DesignGraph, members: set[str]) -> tuple[list[Connection], list[Connection]]:
    """The connections into ``members`` from blocks outside, and out of ``members`` to blocks outside."""
    inputs, outputs = [], []
    for block_id in sorted(members, key=id_order):
        inputs += [c for c in design.incoming(block_id).values() if c.source not in members]
        outputs += [c for c in design.outgoing(block_id) if c.target not in members]
    return inputs, outputs


class GroupPage(QWidget):
    """Shows group ``name`` and edits it through ``editor``; refusals show in red and go out as ``message``."""

    message = Signal(str)

    def __init__(self, editor: Editor, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor, self.name = editor, name
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 12)
        layout.setSpacing(8)
        self.title = parts.label(name, "inspectorTitle")
        self.where = parts.label("", "inspectorKind")
        self.totals = parts.label("", "inspectorInfo")
        help_text = "A group changes only how the design is drawn: compiling, training and export ignore it."
        form = parts.form()
        self.name_edit = QLineEdit(name)
        self.name_edit.editingFinished.connect(self._on_rename)
        form.addRow("name", self.name_edit)
        self.inputs, self.outputs = parts.label("", "groupShapes"), parts.label("", "groupShapes")
        form.addRow("inputs", self.inputs)
        form.addRow("outputs", self.outputs)
        self.refusal = parts.label("", "inspectorError")
        self.refusal.hide()
        self.toggle_button, self.ungroup_button = QPushButton(), QPushButton("Ungroup")
        self.toggle_button.clicked.connect(lambda: self.editor.toggle_group(self.name))
        self.ungroup_button.clicked.connect(lambda: self.editor.ungroup([self.name]))
        self.ungroup_button.setToolTip("Take the group away; its blocks stay where they are")
        buttons = QHBoxLayout()
        buttons.addWidget(self.toggle_button)
        buttons.addWidget(self.ungroup_button)
        buttons.addStretch(1)
        for widget in (self.title, self.where, self.refusal):  # names a user typed show as typed
            widget.setTextFormat(Qt.TextFormat.PlainText)
        for widget in (self.title, self.where, parts.label(help_text, "inspectorHelp"), self.totals):
            layout.addWidget(widget)
        layout.addLayout(form)
        layout.addWidget(self.refusal)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def refresh(self) -> None:
        """Show the group as the design now has it (after any change, undo included)."""
        design = self.editor.design
        group = design.groups.get(self.name)
        self.title.setText(self.name)
        if self.name_edit.text() != self.name and not self.name_edit.hasFocus():
            self.name_edit.setText(self.name)
        state = "collapsed into one box" if group.collapsed else "expanded"
        inside = f" · inside {group.parent}" if group.parent is not None else ""
        self.where.setText(f"group · {state}{inside}")
        self.toggle_button.setText("Expand" if group.collapsed else "Collapse")
        self.toggle_button.setToolTip(
            "Show the group's blocks" if group.collapsed else "Draw the group as one box (double-click it to expand)"
        )
        inputs, outputs = crossing(design, design.groups.members(self.name))
        self.inputs.setText(self._shape_rows(inputs, "none: nothing from outside feeds it"))
        self.outputs.setText(self._shape_rows(outputs, "none: it feeds nothing outside"))
        self.show_totals()

    def show_totals(self) -> None:
        """Blocks, parameters and FLOPs, once the summary has caught up with the edits."""
        design, summary = self.editor.design, self.editor.document.summary
        totals = group_totals(design, summary, self.name)
        inner = len(design.groups.members(self.name)) - len(design.groups.get(self.name).blocks)
        at_least = "" if totals.complete else "≥ "
        length = summary.analysis.sequence_length
        at = f" at T={length}" if length is not None else ""
        counts = [
            f"<b>{totals.blocks:,}</b> blocks" + (f" ({inner:,} in inner groups)" if inner else ""),
            f"{at_least}{totals.params:,} parameters",
            f"{at_least}{format_flops(totals.flops)} per sample{at}",
        ]
        self.totals.setText(" · ".join(counts))
        self.totals.setToolTip("" if totals.complete else "Blocks with errors are not counted")

    def _shape_rows(self, connections: list[Connection], none: str) -> str:
        """One line per output port: its tensor shape, the block it leaves and the blocks it enters."""
        if not connections:
            return f"<i>{none}</i>"
        design, report = self.editor.design, self.editor.document.report
        targets: dict[tuple[str, str], list[str]] = {}
        for c in connections:
            targets.setdefault((c.source, c.source_port), []).append(design.block(c.target).name)
        lines = []
        for (source, port), names in list(targets.items())[:MAX_SHAPE_ROWS]:
            block, types = design.block(source), report.outputs.get(source)
            shape = str(types[block.spec.outputs.index(port)]) if types else "?"
            start = block.name if len(block.spec.outputs) == 1 else f"{block.name}.{port}"
            ends = html.escape(f"{start} → {', '.join(dict.fromkeys(names))}")
            lines.append(f"<b>{shape}</b>&nbsp; {ends}")
        if len(targets) > MAX_SHAPE_ROWS:
            lines.append(f"… and {len(targets) - MAX_SHAPE_ROWS} more")
        return "<br>".join(lines)

    def _on_rename(self) -> None:
        if self.name not in self.editor.design.groups:
            return
        refusal = self.editor.rename_group(self.name, self.name_edit.text())
        self.refusal.setVisible(refusal is not None)
        self.refusal.setText(f"Not renamed: {refusal}" if refusal else "")
        if refusal is not None:
            self.message.emit(f"Not renamed: {refusal}")
        self.name_edit.setText(self.name)  # renamed, its new name follows; refused, the name it kept
