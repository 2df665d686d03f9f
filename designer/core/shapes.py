"""Tensor types with symbolic dimensions, and the size arithmetic of convolutions and pools.

A dimension is a whole number or a symbol: ``"N"`` for the batch, ``"T"`` for a sequence length that
varies, or an expression built from one (``"T-2"``) when a layer changes a varying length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

Dim = int | str
BATCH = "N"
SEQUENCE = "T"


@dataclass(frozen=True)
class TensorType:
    """What flows along an edge: a shape whose first dimension is the batch, and a dtype."""

    shape: tuple[Dim, ...]
    dtype: str = "float32"
    vocab_size: int | None = None
    """For integer token tensors: how many distinct token values they hold."""
    flattened_from: tuple[Dim, ...] | None = None
    """Set by Flatten, so that a later size mismatch can say where the features came from."""

    @property
    def rank(self) -> int:
        return len(self.shape)

    @property
    def sample(self) -> tuple[Dim, ...]:
        """The per-sample shape, without the batch dimension."""
        return self.shape[1:]

    def __str__(self) -> str:
        return format_shape(self.shape)


def format_shape(shape: tuple[Dim, ...]) -> str:
    """``(N, 64, 5, 5)`` → ``N×64×5×5``."""
    return "×".join(str(d) for d in shape)


def is_fixed(dim: Dim) -> bool:
    return isinstance(dim, int)


def product(dims: tuple[Dim, ...]) -> Dim:
    """The number of elements in ``dims``; symbolic when any dimension is."""
    fixed = 1
    symbols: list[str] = []
    for d in dims:
        if isinstance(d, int):
            fixed *= d
        else:
            symbols.append(d if d.isalnum() else f"({d})")
    if not symbols:
        return fixed
    return "·".join(([str(fixed)] if fixed != 1 else []) + symbols)


def sliding_size(
    size: Dim,
    kernel: int,
    stride: int,
    padding: int,
    dilation: int = 1,
    ceil: bool = False,
) -> Dim:
    """Output length of a convolution or pool window sliding over ``size`` elements."""
    span = dilation * (kernel - 1) + 1
    if isinstance(size, int):
        room = size + 2 * padding - span
        return (-(-room // stride) if ceil else room // stride) + 1
    offset = 2 * padding - span + 1
    if stride == 1:
        return _offset(size, offset)
    inner = _offset(size, offset - 1) if offset != 1 else size
    return f"⌊({inner})/{stride}⌋+1" if not ceil else f"⌈({inner})/{stride}⌉+1"


def transposed_size(
    size: Dim,
    kernel: int,
    stride: int,
    padding: int,
    output_padding: int,
    dilation: int,
) -> Dim:
    """Output length of a transposed convolution."""
    if isinstance(size, int):
        return (size - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1
    extra = -stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1
    scaled = size if stride == 1 else f"{stride}·{size if size.isalnum() else f'({size})'}"
    return _offset(scaled, extra)


def _offset(size: str, offset: int) -> str:
    """``size`` plus ``offset``, folding into an existing offset: T-2 and -2 give T-4."""
    match = re.fullmatch(r"([A-Za-z]\w*)([+-]\d+)", size)
    if match:
        size, offset = match.group(1), offset + int(match.group(2))
    return size if offset == 0 else f"{size}{offset:+d}"
