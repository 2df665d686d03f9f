"""The network of a training script: the PyTorch code export without its own docstring and imports."""

from __future__ import annotations

import ast

from designer.core.design import DesignGraph
from designer.export.code import model_source
from designer.export.prepare import prepare


def network_code(design: DesignGraph, title: str) -> str:
    """``class DesignedNetwork`` (and the helpers it uses) for ``design``, to be placed after a script's imports.

    Raises :class:`~designer.export.prepare.ExportError` when the design has errors.
    """
    source = model_source(prepare(design).module, title, "best.pt")
    tree = ast.parse(source)
    first = next(n for n in tree.body if not isinstance(n, (ast.Expr, ast.Import, ast.ImportFrom)))
    return "\n".join(source.splitlines()[first.lineno - 1 :]).strip()
