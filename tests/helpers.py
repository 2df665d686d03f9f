"""Small builders shared by the tests."""

from __future__ import annotations

from typing import Any

from designer.core.design import Connection, DesignGraph


def chain(design: DesignGraph, *blocks: tuple[str, dict[str, Any]], start: str | None = None) -> list[str]:
    """Add blocks ``(kind, params)`` one after another, each fed by the previous; return their ids."""
    ids, previous = [], start
    for kind, params in blocks:
        block_id = design.add_block(kind, params=params)
        if previous is not None:
            port = design.block(block_id).spec.input_ports(design.block(block_id).params)[0]
            design.connect(Connection(previous, "out", block_id, port))
        ids.append(block_id)
        previous = block_id
    return ids


def image_input(shape: list[int]) -> tuple[str, dict[str, Any]]:
    return ("Input", {"data": "image", "shape": shape})
