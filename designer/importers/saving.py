"""An imported model on disk: the project file, and its weights as a state dict beside it (``<name>.pt``).

The weights file is what ``designer export --weights`` and :func:`designer.export.weights.load_weights` take:
the compiled design's ``state_dict()``, saved with ``torch.save`` so ``torch.load(weights_only=True)`` reads it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import torch

from designer.core.design import DesignGraph
from designer.core.group_layout import grouped_positions
from designer.core.project_file import save_project
from designer.importers.result import ImportResult, ModelImportError

LAYOUT_ASPECT = 16 / 10
"""Imported designs are laid out for a window about this much wider than high."""


def weights_path(project_path: Path) -> Path:
    return project_path.with_suffix(".pt")


def lay_out(design: DesignGraph) -> None:
    """Place every block with the layered layout, wrapped into rows for a wide window; collapsed groups as boxes."""
    with design.batch():
        for block_id, position in grouped_positions(design, aspect=LAYOUT_ASPECT).items():
            design.move_block(block_id, position)


def save_import(result: ImportResult, path: Path, force: bool = False) -> tuple[Path, Path]:
    """Write the project to ``path`` and its weights beside it; refuse to overwrite unless ``force``."""
    weights = weights_path(path)
    if path.suffix == ".pt":
        raise ModelImportError(f"{path}: give the project a .json name; its weights go in a .pt file beside it")
    existing = [p for p in (path, weights) if p.exists()]
    if existing and not force:
        raise ModelImportError(f"{existing[0]} exists; choose another name or overwrite it with --force")
    if not path.parent.is_dir():
        raise ModelImportError(f"cannot write {path}: folder {path.parent} does not exist")
    try:
        _save_tensors(result.weights, weights)
        save_project(result.project, path)
    except OSError as exc:
        raise ModelImportError(f"cannot write {exc.filename or path}: {exc.strerror or exc}") from None
    return path, weights


def _save_tensors(state: dict[str, torch.Tensor], path: Path) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save(state, f)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
