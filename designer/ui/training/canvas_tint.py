"""Tinting the canvas blocks by the norm of their gradient while a run trains."""

from __future__ import annotations

from designer.core.design import DesignGraph
from designer.ui.canvas.scene import DesignScene
from designer.ui.training.gradient_scale import GradientScale, format_norm


def block_ids_by_name(design: DesignGraph) -> dict[str, str]:
    """Which block each name meant in ``design`` (a run's snapshot: blocks may be renamed since)."""
    return {block.name: block.id for block in design.blocks()}


def tint_blocks(
    scene: DesignScene, ids: dict[str, str], gradients: dict[str, dict[str, float]], scale: GradientScale
) -> None:
    """Colour every block named in ``gradients`` (via ``ids``) by its gradient norm; clear the others."""
    tinted: set[str] = set()
    for name, stats in gradients.items():
        item = scene.blocks.get(ids.get(name, ""))
        norm = stats.get("grad_norm")
        if item is None or not isinstance(norm, (int, float)):
            continue
        item.set_overlay(scale.colour(norm), f"∇ {format_norm(norm)}")
        tinted.add(item.block_id)
    for block_id, item in scene.blocks.items():
        if block_id not in tinted and item.overlay is not None:
            item.set_overlay(None, None)


def clear_tints(scene: DesignScene) -> None:
    """Remove every block's tint."""
    for item in scene.blocks.values():
        if item.overlay is not None:
            item.set_overlay(None, None)
