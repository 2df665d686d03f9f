"""Pictures of designs: gallery thumbnails, PNG and SVG export, and what the blocks' category icons cost.

    python -m benchmarks.diagram_render [--blocks 2000]

Thumbnails of every template are drawn into an empty cache, then read back from it (the gallery's second
opening). The big residual design of ``editor_scale`` is exported as PNG and SVG (at 0.5×: at 1× its PNG
would pass ``render.MAX_PIXELS``). Last, a full repaint of the canvas at 100 % is timed with the category
icons drawn and with them left out, side by side.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from benchmarks.editor_scale import open_window, repaint, residual_design
from benchmarks.timing import compare
from designer.core.project import Project
from designer.core.templates import list_templates
from designer.ui import render
from designer.ui.gallery import ThumbnailCache


def _ms(action: object) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def measure(blocks: int, folder: Path) -> list[tuple[str, str]]:
    templates = list_templates()
    cache = ThumbnailCache(folder / "thumbnails")
    rows = [
        (f"{len(templates)} thumbnails, drawn", f"{_ms(lambda: [cache.thumbnail(t, 2.0) for t in templates]):.0f} ms"),
        (f"{len(templates)} thumbnails, cached", f"{_ms(lambda: [cache.thumbnail(t, 2.0) for t in templates]):.0f} ms"),
    ]
    project = Project(name="scale", design=residual_design(blocks))
    for suffix in ("png", "svg"):
        path = folder / f"scale.{suffix}"
        ms = _ms(lambda path=path: render.save_diagram(project, path, 0.5))
        rows.append(
            (f"{len(project.design):,} blocks as {suffix.upper()}", f"{ms:.0f} ms, {path.stat().st_size >> 10:,} KB")
        )
    window = open_window(project.design)
    window.view.reset_zoom()
    with_icons = lambda: repaint(window)  # noqa: E731

    def without_icons() -> None:
        with mock.patch("designer.ui.icons.paint_category_icon"):
            repaint(window)

    result = compare(with_icons, without_icons, rounds=5, calls=3)
    rows.append(("full repaint at 100 %, with icons", f"{result.ours_s * 1000:.1f} ms"))
    rows.append(("full repaint at 100 %, without", f"{result.reference_s * 1000:.1f} ms (ratio {result.ratio:.2f})"))
    window.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--blocks", type=int, default=2000)
    args = parser.parse_args(argv)
    QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        rows = measure(args.blocks, Path(folder))
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
