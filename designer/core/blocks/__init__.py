"""The block library: every block kind Designer offers, declared once."""

from __future__ import annotations

from designer.core.blocks import (
    activation,
    attention,
    conv,
    io,
    layers,
    merge,
    norm,
    onnx_op,
    pool,
    recurrent,
)
from designer.core.blocks.spec import BlockError, BlockSpec, ShapeContext

CATEGORIES = (
    "Input / Output",
    "Convolution",
    "Pooling",
    "Recurrent",
    "Attention",
    "Layers",
    "Normalisation",
    "Regularisation",
    "Activation",
    "Merge",
    "Shape",
    "Imported",
)

_MODULES = (io, conv, pool, recurrent, attention, layers, norm, activation, merge, onnx_op)
REGISTRY: dict[str, BlockSpec] = {
    spec.kind: spec for module in _MODULES for spec in vars(module).values() if isinstance(spec, BlockSpec)
}


class UnknownBlockError(KeyError):
    def __str__(self) -> str:
        return f"unknown block kind {self.args[0]!r}"


def get_block(kind: str) -> BlockSpec:
    """The declaration of block kind ``kind`` (e.g. ``"Conv2d"``)."""
    try:
        return REGISTRY[kind]
    except KeyError:
        raise UnknownBlockError(kind) from None


def blocks_in(category: str) -> list[BlockSpec]:
    return [spec for spec in REGISTRY.values() if spec.category == category]


__all__ = [
    "CATEGORIES",
    "REGISTRY",
    "BlockError",
    "BlockSpec",
    "ShapeContext",
    "UnknownBlockError",
    "blocks_in",
    "get_block",
]
