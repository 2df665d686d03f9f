"""The menu bar of the main window and the actions behind it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

from designer.ui.about import open_about
from designer.ui.block_help import open_block_help
from designer.ui.import_dialog import open_import_dialog
from designer.ui.panel_focus import move_focus

if TYPE_CHECKING:
    from designer.ui.main_window import MainWindow

ALIGN_EDGES = {
    "left": "&Left Edges",
    "centre": "&Centres (Column)",
    "right": "&Right Edges",
    "top": "&Top Edges",
    "middle": "&Middles (Row)",
    "bottom": "&Bottom Edges",
}


@dataclass
class Actions:
    """The actions tests and toolbars reach by name."""

    new: QAction
    save: QAction
    save_as: QAction
    open: QAction
    export_diagram: QAction
    export_model: QAction
    import_model: QAction
    quit: QAction
    undo: QAction
    redo: QAction
    delete: QAction
    select_all: QAction
    cut: QAction
    copy: QAction
    paste: QAction
    duplicate: QAction
    rename: QAction
    find_block: QAction
    group: QAction
    ungroup: QAction
    align: dict[str, QAction]
    add_block: QAction
    fit: QAction
    auto_layout: QAction
    auto_layout_down: QAction
    zoom_in: QAction
    zoom_out: QAction
    actual_size: QAction
    collapse_all: QAction
    expand_all: QAction
    train: QAction
    stop: QAction
    next_panel: QAction
    previous_panel: QAction
    block_help: QAction
    about: QAction


def build_menus(window: MainWindow) -> Actions:
    """Create the File, Edit, View, Run and Help menus of ``window``."""
    bar = window.menuBar()
    files, clip, arrange, groups = window.files, window.clipboard_actions, window.arrange, window.group_actions

    def action(text: str, slot: object, shortcut: QKeySequence | str | None = None) -> QAction:
        act = QAction(text, window)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
        act.triggered.connect(lambda _checked=False: slot())
        window.addAction(act)
        return act

    file_menu = bar.addMenu("&File")
    acts = Actions(
        new=action("&New…", files.new, QKeySequence.StandardKey.New),
        export_diagram=action("&Export Diagram…", files.export_diagram, "Ctrl+E"),
        export_model=action("Export &Model…", window.export_model, "Ctrl+Shift+E"),
        import_model=action("&Import Model…", lambda: open_import_dialog(window), "Ctrl+I"),
        open=action("&Open…", files.open, QKeySequence.StandardKey.Open),
        save=action("&Save", files.save, QKeySequence.StandardKey.Save),
        save_as=action("Save &As…", files.save_as, QKeySequence.StandardKey.SaveAs),
        quit=action("&Quit", window.close, "Ctrl+Q"),  # StandardKey.Quit is empty on some Linux desktops
        undo=window.undo_group.createUndoAction(window, "&Undo"),
        redo=window.undo_group.createRedoAction(window, "&Redo"),
        delete=action("&Delete", window.delete_selection, QKeySequence.StandardKey.Delete),
        select_all=action("Select &All", window.select_all, QKeySequence.StandardKey.SelectAll),
        cut=action("Cu&t", clip.cut, QKeySequence.StandardKey.Cut),
        copy=action("&Copy", clip.copy, QKeySequence.StandardKey.Copy),
        paste=action("&Paste", clip.paste, QKeySequence.StandardKey.Paste),
        duplicate=action("D&uplicate", clip.duplicate, "Ctrl+D"),
        rename=action("Rena&me", window.rename_selection, "F2"),
        find_block=action("&Find Block…", window.find_block, "Ctrl+F"),
        group=action("&Group Selection", groups.group_selection, "Ctrl+G"),
        ungroup=action("U&ngroup", groups.ungroup_selection, "Ctrl+Shift+G"),
        align={
            **{edge: action(text, lambda edge=edge: arrange.align(edge)) for edge, text in ALIGN_EDGES.items()},
            "horizontal": action("Distribute &Horizontally", lambda: arrange.distribute("horizontal")),
            "vertical": action("Distribute &Vertically", lambda: arrange.distribute("vertical")),
        },
        # Tab is no shortcut (it moves the focus elsewhere): the text after \t only shows it in the menu.
        add_block=action("Add &Block…\tTab", window.add_block_by_name),
        fit=action("&Fit to View", window.view.fit_to_items, "F"),
        auto_layout=action("&Auto-layout Left to Right", arrange.auto_layout, "Ctrl+L"),
        auto_layout_down=action(
            "Auto-layout &Top to Bottom", lambda: arrange.auto_layout("top-to-bottom"), "Ctrl+Shift+L"
        ),
        zoom_in=action("Zoom &In", lambda: window.view.zoom_by(1.25), QKeySequence.StandardKey.ZoomIn),
        zoom_out=action("Zoom &Out", lambda: window.view.zoom_by(0.8), QKeySequence.StandardKey.ZoomOut),
        actual_size=action("&Actual Size", window.view.reset_zoom, "Ctrl+0"),
        collapse_all=action("&Collapse All Groups", groups.collapse_all),
        expand_all=action("E&xpand All Groups", groups.expand_all),
        train=action("&Train", window.training.train, "F5"),
        stop=action("&Stop Training", window.training.stop, "Shift+F5"),
        next_panel=action("&Next Panel", lambda: move_focus(window, 1), "F6"),
        previous_panel=action("&Previous Panel", lambda: move_focus(window, -1), "Shift+F6"),
        block_help=action("&Block Help", lambda: open_block_help(window), "F1"),
        about=action("&About Designer", lambda: open_about(window)),
    )
    acts.add_block.setStatusTip("Search the blocks to add one (on the canvas: Tab, or start typing its name)")
    acts.block_help.setStatusTip("What the selected block (or the chosen one in Blocks) computes: formula, parameters")
    acts.find_block.setStatusTip("Find a block by name or kind: select it and show it, opening the groups around it")
    acts.rename.setStatusTip("Rename the selected block or group in the Inspector")
    acts.group.setStatusTip("Put the selected blocks in a group that can be collapsed into one box")
    acts.fit.setStatusTip("Show the whole design (F; on the canvas any other letter starts adding a block)")
    acts.undo.setShortcut(QKeySequence.StandardKey.Undo)
    acts.redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    acts.zoom_in.setShortcuts([QKeySequence(QKeySequence.StandardKey.ZoomIn), QKeySequence("Ctrl+=")])
    acts.delete.setShortcuts([QKeySequence(QKeySequence.StandardKey.Delete), QKeySequence("Backspace")])
    file_menu.addActions([acts.new, acts.open])
    window.recent_files.attach(file_menu.addMenu("Open &Recent"))
    file_menu.addActions([acts.save, acts.save_as])
    file_menu.addSeparator()
    file_menu.addActions([acts.import_model, acts.export_diagram, acts.export_model])
    file_menu.addSeparator()
    file_menu.addAction(acts.quit)
    edit_menu = bar.addMenu("&Edit")
    edit_menu.addActions([acts.undo, acts.redo])
    edit_menu.addSeparator()
    edit_menu.addAction(acts.add_block)
    edit_menu.addActions([acts.cut, acts.copy, acts.paste, acts.duplicate, acts.rename, acts.delete])
    edit_menu.addSeparator()
    edit_menu.addActions([acts.select_all, acts.find_block])
    edit_menu.addSeparator()
    edit_menu.addActions([acts.group, acts.ungroup])
    align_menu = edit_menu.addMenu("A&lign")
    align_menu.addActions([acts.align[edge] for edge in ALIGN_EDGES])
    align_menu.addSeparator()
    align_menu.addActions([acts.align["horizontal"], acts.align["vertical"]])
    edit_menu.addActions([acts.auto_layout, acts.auto_layout_down])
    view_menu = bar.addMenu("&View")
    view_menu.addActions([acts.fit, acts.actual_size, acts.zoom_in, acts.zoom_out])
    view_menu.addActions([acts.collapse_all, acts.expand_all])
    view_menu.addSeparator()
    for dock in window.docks:
        view_menu.addAction(dock.toggleViewAction())
    view_menu.addSeparator()
    view_menu.addActions([acts.next_panel, acts.previous_panel])
    view_menu.addSeparator()
    window.appearance.attach(view_menu.addMenu("&Theme"))
    run_menu = bar.addMenu("&Run")
    run_menu.addActions([acts.train, acts.stop])
    acts.stop.setEnabled(False)
    help_menu = bar.addMenu("&Help")
    help_menu.addActions([acts.block_help, acts.about])
    window.training.running_changed.connect(acts.stop.setEnabled)
    window.training.running_changed.connect(lambda running: acts.train.setEnabled(not running))
    return acts
