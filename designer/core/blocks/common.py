"""Parameter declarations and checks shared by several block kinds."""

from __future__ import annotations

from designer.core.blocks.spec import ShapeContext
from designer.core.params import BoolParam, IntParam
from designer.core.shapes import Dim, format_shape, is_fixed

LAYOUT = {1: "N×C×L", 2: "N×C×H×W"}


def channels_in(name: str = "in_channels") -> IntParam:
    return IntParam(
        name,
        None,
        "Channels arriving; follows from the input unless pinned.",
        inferred=True,
        minimum=1,
        maximum=1_000_000,
    )


def bias() -> BoolParam:
    return BoolParam("bias", True, "Learn an additive bias.")


def divisors(n: int, limit: int = 16) -> str:
    return ", ".join(str(d) for d in range(1, min(n, limit) + 1) if n % d == 0)


def expect_spatial(ctx: ShapeContext, dims: int) -> None:
    """Refuse inputs that are not N×C×L (``dims`` 1) or N×C×H×W (``dims`` 2), with the usual fixes."""
    rank = ctx.x.rank
    if rank != dims + 2:  # the fixes are worked out only for a refusal: this runs for most blocks after every edit
        if rank == 2:
            fix = "add a Reshape block to give the features a channel and spatial layout"
        elif dims == 1 and rank == 4:
            fix = "use the 2d version of this block for images"
        elif dims == 2 and rank == 3:
            fix = "use the 1d version of this block for N×C×L signals, or a Reshape to N×C×H×W"
        else:
            fix = None
        ctx.expect_rank((dims + 2,), LAYOUT[dims], fix)
    ctx.expect_float()


def check_positive(ctx: ShapeContext, sizes: list[Dim], what: str, fix: str) -> None:
    """Refuse a layer whose window leaves nothing of its input."""
    for size in sizes:
        if is_fixed(size) and size < 1:
            ctx.fail(f"{what} is larger than its input ({format_shape(ctx.x.sample[1:])})", fix)
