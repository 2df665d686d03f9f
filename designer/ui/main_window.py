"""The main window: palette, canvas, inspector and problem list around one open document."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QPointF, Qt, QTemporaryDir, QTimer
from PySide6.QtGui import QCloseEvent, QShowEvent, QUndoGroup
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QWidget

from designer.core.analysis import format_flops
from designer.core.design import Connection
from designer.ui import icons, theme
from designer.ui.appearance import Appearance
from designer.ui.arrange import ArrangeActions
from designer.ui.canvas.group_actions import GroupActions
from designer.ui.canvas.scene import DesignScene
from designer.ui.canvas.view import DesignView
from designer.ui.clipboard import ClipboardActions
from designer.ui.dataset_panel import DatasetPanel
from designer.ui.document import Document
from designer.ui.editor import Editor
from designer.ui.export_dialog import ExportDialog
from designer.ui.file_actions import FileActions
from designer.ui.find_block import FindBlock
from designer.ui.inspector import Inspector
from designer.ui.menus import build_menus
from designer.ui.palette import BlockPalette
from designer.ui.problems import ProblemList
from designer.ui.quick_add import QuickAdd
from designer.ui.recent_files import RecentFiles
from designer.ui.recovery import Autosave
from designer.ui.settings import Profile
from designer.ui.training.panel import TrainingPanel

MESSAGE_MS = 6000
SIDE_DOCK_WIDTHS = (240, 320)
"""Default widths of the Blocks and the Inspector docks; the canvas takes the rest."""
BOTTOM_DOCK_HEIGHT = 240
"""Default height of the Problems and Training docks: the training charts still read at it."""


class MainWindow(QMainWindow):
    """The editor window; :meth:`set_document` swaps the project it shows."""

    def __init__(self, document: Document, profile: Profile | None = None) -> None:
        """``profile``: where settings, recovery files and thumbnails go (without one: a folder that goes with it)."""
        super().__init__()
        self._scratch = None if profile is not None else QTemporaryDir()
        self.profile = profile or Profile.at(self._scratch.path())
        self.setWindowIcon(icons.app_icon())
        self.setStyleSheet(theme.STYLE_SHEET)
        self.resize(1440, 900)
        self.undo_group = QUndoGroup(self)
        self.view = DesignView()
        self.setCentralWidget(self.view)
        self._make_docks()
        self._params_label, self._problems_label = QLabel(), QLabel()
        self.statusBar().addPermanentWidget(self._problems_label)
        self.statusBar().addPermanentWidget(self._params_label)
        self.flops_label = QLabel()
        self.flops_label.setToolTip("Floating-point operations of one forward pass of one sample, as torch counts them")
        self.statusBar().addPermanentWidget(self.flops_label)
        self.files = FileActions(self)
        self.recent_files = RecentFiles(self.profile, self.files.open_recent, self.show_message)
        self.appearance = Appearance(self)
        self.appearance.changed.connect(self._on_theme_changed)
        self.autosave = Autosave(self.profile.data_dir / "recovery", parent=self)
        self.autosave.failed.connect(self.show_message)
        self.clipboard_actions, self.arrange = ClipboardActions(self), ArrangeActions(self)
        self.group_actions = GroupActions(self)
        self.menu_actions = build_menus(self)
        self.block_palette.block_activated.connect(self.add_block_at_centre)
        self.view.block_dropped.connect(self.add_block_at)
        self.quick_add = QuickAdd(self.view.viewport())
        self.view.quick_add_requested.connect(self.quick_add.open_at)
        self.quick_add.chosen.connect(self.add_block_at)
        self.find_popup = FindBlock(self.view.viewport())
        self.find_popup.chosen.connect(self.group_actions.reveal)
        self.inspector.message.connect(self.show_message)
        self.dataset.message.connect(self.show_message)
        self.problems.block_chosen.connect(self.reveal_block)
        self.training.message.connect(self.show_message)
        self.training.problems_changed.connect(self._on_report_changed)
        self.training.running_changed.connect(lambda running: self.training_dock.raise_() if running else None)
        self._needs_default_layout = True
        self.document: Document | None = None
        self.scene: DesignScene | None = None
        self.set_document(document)

    # ---- the open document ----------------------------------------------------------------
    def set_document(self, document: Document) -> None:
        """Show and edit ``document`` instead of the current one."""
        old_document, old_scene = self.document, self.scene
        if old_scene is not None and old_document is not None:
            old_scene.selectionChanged.disconnect(self._on_selection_changed)
            old_document.undo_stack.cleanChanged.disconnect(self._on_clean_changed)
            old_document.report_changed.disconnect(self._on_report_changed)
            old_document.summary_changed.disconnect(self._show_totals)
            old_scene.detach()
            old_document.detach()
            self.undo_group.removeStack(old_document.undo_stack)
        self.document, self.editor = document, Editor(document)
        self.scene = DesignScene(document, self)
        self.scene.connect_requested.connect(self.connect_ports)
        self.scene.move_requested.connect(self.editor.move)
        self.scene.group_toggle_requested.connect(self.editor.toggle_group)
        self.scene.group_rename_requested.connect(self.rename_group)
        self.scene.message.connect(self.show_message)
        self.scene.selectionChanged.connect(self._on_selection_changed)
        self.view.setScene(self.scene)
        self.undo_group.addStack(document.undo_stack)
        self.undo_group.setActiveStack(document.undo_stack)
        document.undo_stack.cleanChanged.connect(self._on_clean_changed)
        document.report_changed.connect(self._on_report_changed)
        document.summary_changed.connect(self._show_totals)
        self.inspector.set_editor(self.editor)
        self.dataset.set_document(document)
        self.training.set_document(document, self.scene)
        self.autosave.follow(document)
        self._on_report_changed()
        self.update_title()
        QTimer.singleShot(0, self.view.fit_to_items)
        if old_document is not None and old_scene is not None:
            old_scene.deleteLater()
            old_document.deleteLater()

    def update_title(self) -> None:
        """File name, and an asterisk while there are unsaved changes."""
        assert self.document is not None
        self.setWindowTitle(f"{self.document.display_name}[*] — {self.document.project.name} — Designer")
        self.setWindowModified(self.document.is_modified())

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, MESSAGE_MS)

    def export_model(self) -> ExportDialog:
        """File ▸ Export Model…: the export dialog on this project's design."""
        assert self.document is not None
        dialog = ExportDialog(self.document.design, self.document.project.name, self.document.path, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    # ---- edits from the palette and the canvas --------------------------------------------
    def add_block_at(self, kind: str, position: QPointF) -> str:
        """Add a block of ``kind`` at a scene position and select it."""
        block_id = self.editor.add_block(kind, (round(position.x() / 10) * 10, round(position.y() / 10) * 10))
        self.scene.select_block(block_id)
        return block_id

    def add_block_at_centre(self, kind: str) -> str:
        """Add a block in the middle of the view, moved down until it does not cover another block."""
        centre = self.view.visible_centre()
        x, y = round(centre.x() / 10) * 10, round(centre.y() / 10) * 10
        taken = [b.position for b in self.editor.design.blocks()]
        while any(abs(x - bx) < theme.BLOCK_WIDTH and abs(y - by) < 70 for bx, by in taken):
            y += 80
        return self.add_block_at(kind, QPointF(x, y))

    def add_block_by_name(self) -> None:
        """Edit ▸ Add Block…: the quick-add popup on the canvas, as Tab there opens it."""
        self.view.setFocus()
        self.view.request_quick_add()

    def find_block(self) -> None:
        """Edit ▸ Find Block…: the search popup over this design's blocks."""
        assert self.document is not None
        self.find_popup.open_on(self.document.design)

    def connect_ports(self, connection: Connection) -> None:
        refusal = self.editor.connect(connection)
        self.show_message(f"Not connected: {refusal}" if refusal else "Connected")

    def delete_selection(self) -> None:
        assert self.scene is not None
        self.editor.delete(self.scene.selected_block_ids(), self.scene.selected_connections())

    def select_all(self) -> None:
        assert self.scene is not None
        self.scene.select_blocks(list(self.scene.blocks))

    def rename_selection(self) -> None:
        """Edit ▸ Rename (F2): the Inspector's name field of the selected block or group, its text selected."""
        field = self.inspector.name_field()
        if field is None:
            self.show_message("Select one block or one group to rename it")
            return
        self.inspector_dock.show()
        self.inspector_dock.raise_()
        field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        field.selectAll()

    def rename_group(self, name: str) -> None:
        """Select group ``name`` and start renaming it (a double-click on its frame's name tag)."""
        assert self.scene is not None
        self.scene.select_group(name)
        self.rename_selection()

    def reveal_block(self, block_id: str) -> None:
        """Select ``block_id`` and scroll the canvas to it."""
        assert self.scene is not None
        self.scene.select_block(block_id)
        if block_id in self.scene.blocks:
            self.view.centerOn(self.scene.blocks[block_id])

    # ---- following the document -----------------------------------------------------------
    def _on_clean_changed(self, clean: bool) -> None:
        self.setWindowModified(not clean)

    def _on_selection_changed(self) -> None:
        assert self.scene is not None
        group = self.scene.selected_group()
        if group is not None:
            self.inspector.show_group(group)
        else:
            self.inspector.show_blocks(self.scene.selected_block_ids())

    def _on_theme_changed(self) -> None:
        """Parts that took colours from the theme when they were drawn take the new ones."""
        assert self.scene is not None
        for block in self.scene.blocks.values():
            block.update_tooltip()
        self.view.minimap.update()
        self.training.recolour()
        self._on_report_changed()

    def _on_report_changed(self) -> None:
        assert self.document is not None
        report = self.document.report
        self.problems.show_problems(report.problems + self.training.run_problems)
        errors, warnings = len(report.errors), len(report.warnings)
        counts = [_count(errors, "error"), _count(warnings, "warning")]
        self._problems_label.setText(" · ".join(c for c in counts if c) or "No problems")
        self._problems_label.setStyleSheet(f"color: {(theme.ERROR if errors else theme.OK).name()};")
        self._show_totals()

    def _show_totals(self) -> None:
        """Blocks, parameters and FLOPs; the last two follow the summary, worked out once edits pause."""
        assert self.document is not None
        errors, summary = self.document.report.errors, self.document.summary
        at_least = "≥ " if errors else ""
        self._params_label.setText(
            f"{len(self.document.design)} blocks · {at_least}{summary.total_params:,} parameters"
        )
        length = summary.analysis.sequence_length
        at = f" at T={length}" if length is not None else ""
        self.flops_label.setText(f"{at_least}{format_flops(summary.total_flops)} per sample{at}")
        self._params_label.setToolTip("Blocks with errors are not counted" if errors else "Trainable parameters")

    # ---- docks and their layout ------------------------------------------------------------
    def _make_docks(self) -> None:
        """Blocks on the left; Inspector and Dataset on the right; Problems and Training below (tabbed once shown)."""
        area = Qt.DockWidgetArea
        self.block_palette, self.inspector, self.dataset = BlockPalette(), Inspector(), DatasetPanel()
        self.problems, self.training = ProblemList(), TrainingPanel()
        self.palette_dock = self._dock("Blocks", self.block_palette, area.LeftDockWidgetArea)
        self.inspector_dock = self._dock("Inspector", self.inspector, area.RightDockWidgetArea)
        self.dataset_dock = self._dock("Dataset", self.dataset, area.RightDockWidgetArea)
        self.problems_dock = self._dock("Problems", self.problems, area.BottomDockWidgetArea)
        self.training_dock = self._dock("Training", self.training, area.BottomDockWidgetArea)
        self.docks = [self.palette_dock, self.inspector_dock, self.dataset_dock, self.problems_dock, self.training_dock]

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title)  # the name saveState and restoreState know it by
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(area, dock)
        return dock

    def restore_layout(self, geometry: QByteArray, state: QByteArray) -> None:
        """Put the window and its docks where the user left them; the default sizes then stay unused."""
        self.restoreGeometry(geometry)
        self._needs_default_layout = not self.restoreState(state)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._needs_default_layout:  # sizes are only honoured once the window has its own size
            self._needs_default_layout = False
            self._tabify_docks()
            horizontal, vertical = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
            self.resizeDocks([self.palette_dock, self.inspector_dock], list(SIDE_DOCK_WIDTHS), horizontal)
            self.resizeDocks([self.problems_dock], [BOTTOM_DOCK_HEIGHT], vertical)

    def _tabify_docks(self) -> None:
        """Inspector with Dataset, Problems with Training, each pair as tabs.

        Done once the window is shown, and only without a saved layout: tabifying a second pair before the window
        is shown, or before restoreState, leaves Qt 6.11 showing a stale copy of the first pair's tab bar.
        """
        self.tabifyDockWidget(self.inspector_dock, self.dataset_dock)
        self.tabifyDockWidget(self.problems_dock, self.training_dock)
        self.inspector_dock.raise_()
        self.problems_dock.raise_()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.files.confirm_discard():
            self.dataset.shutdown()
            self.training.shutdown()
            self.autosave.discard()
            self.profile.set_window_layout(self.saveGeometry(), self.saveState(), self.view.zoom())
            event.accept()
        else:
            event.ignore()


def _count(n: int, noun: str) -> str:
    """``2 errors``, ``1 warning``, or nothing for none."""
    return f"{n} {noun}{'s' if n != 1 else ''}" if n else ""
