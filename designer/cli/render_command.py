"""``designer render FILE -o OUT.png|svg``: the diagram, drawn as the editor draws it, without a display."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from designer.cli.common import fail
from designer.core.project_file import load_project

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication


def register(sub: argparse._SubParsersAction) -> None:
    render = sub.add_parser("render", help="draw a design as a PNG or SVG picture (no display needed)")
    render.add_argument("file", type=Path, help="project file")
    render.add_argument("-o", "--output", required=True, type=Path, help="picture to write: .png or .svg")
    render.add_argument("--scale", type=float, default=2.0, help="PNG pixels per canvas unit, 0.25 to 4 (default 2)")
    render.add_argument("--theme", choices=("light", "dark"), default="light", help="colours (default: light)")
    render.add_argument("--transparent", action="store_true", help="no background behind the design")
    render.set_defaults(run=_render)


def _render(args: argparse.Namespace) -> int:
    if args.output.suffix.lower() not in (".png", ".svg"):
        return fail(f"cannot draw {args.output}: the output must end in .png or .svg")
    if not 0.25 <= args.scale <= 4:
        return fail(f"--scale must be from 0.25 to 4, not {args.scale:g}")
    project = load_project(args.file)
    app = _application()
    app.setApplicationName("Designer")
    from designer.ui import render, theme

    theme.use(args.theme)
    try:
        render.save_diagram(project, args.output, args.scale, args.transparent)
    except render.DiagramError as exc:
        return fail(str(exc))
    print(f"{args.output}: {len(project.design)} blocks drawn")
    return 0


def _application() -> QApplication:
    """The Qt application to draw with; without a display it draws offscreen."""
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) and sys.platform.startswith("linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    return app if isinstance(app, QApplication) else QApplication(["designer"])
