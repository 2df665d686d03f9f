"""Linear layers and the blocks that rearrange a tensor: Flatten, Reshape, Permute."""

from __future__ import annotations

import math

from designer.core.blocks.common import bias
from designer.core.blocks.spec import BlockSpec, ShapeContext, saves_input, saves_view
from designer.core.params import IntListParam, IntParam
from designer.core.shapes import TensorType, format_shape, is_fixed, product


def _linear_rule(ctx: ShapeContext) -> list[TensorType]:
    ctx.expect_float()
    last, pinned = ctx.x.shape[-1], ctx.params["in_features"]
    if ctx.x.rank > 2 and pinned is not None and pinned != last and pinned == product(ctx.x.sample):
        ctx.fail(
            f"expects {pinned} features but receives {ctx.x}, and works on the last dimension ({last})",
            "add a Flatten block before it",
        )
    ctx.infer("in_features", last, "features", ctx.features_detail())
    return [TensorType((*ctx.x.shape[:-1], ctx.params["out_features"]))]


def _flatten_rule(ctx: ShapeContext) -> list[TensorType]:
    start = ctx.params["start_dim"]
    if start >= ctx.x.rank:
        ctx.fail(
            f"start_dim {start} is past the last dimension of {ctx.x}",
            f"set start_dim below {ctx.x.rank}",
        )
    merged = ctx.x.shape[start:]
    return [
        TensorType(
            (*ctx.x.shape[:start], product(merged)),
            ctx.x.dtype,
            ctx.x.vocab_size,
            merged,
        )
    ]


def _reshape_rule(ctx: ShapeContext) -> list[TensorType]:
    target = ctx.params["shape"]
    if not all(is_fixed(d) for d in ctx.x.sample):
        ctx.fail(
            f"cannot reshape {ctx.x}, whose length varies",
            "fix the sequence length on the Input block",
        )
    total = math.prod(ctx.x.sample)
    if target.count(-1) > 1:
        ctx.fail(
            "only one dimension of the shape can be -1",
            "give every dimension but one as a number",
        )
    if 0 in target or any(d < -1 for d in target):
        ctx.fail("shape dimensions must be positive, or -1 for one inferred dimension")
    known = math.prod(d for d in target if d != -1)
    if -1 in target:
        if total % known:
            ctx.fail(
                f"cannot reshape {total} values per sample ({format_shape(ctx.x.sample)}) into "
                f"{format_shape(tuple(target))}: {total} is not a multiple of {known}"
            )
        target = [total // known if d == -1 else d for d in target]
    elif known != total:
        ctx.fail(
            f"cannot reshape {total} values per sample ({format_shape(ctx.x.sample)}) into "
            f"{format_shape(tuple(target))}, which holds {known}",
            "choose dimensions whose product is " + str(total) + ", or use -1 for one of them",
        )
    return [TensorType((ctx.x.shape[0], *target), ctx.x.dtype, ctx.x.vocab_size)]


def _permute_rule(ctx: ShapeContext) -> list[TensorType]:
    dims = ctx.params["dims"]
    if sorted(dims) != list(range(ctx.x.rank)):
        ctx.fail(
            f"dims {format_shape(tuple(dims))} is not an order of the {ctx.x.rank} dimensions of {ctx.x}",
            f"list each of 0 to {ctx.x.rank - 1} once, e.g. {', '.join(map(str, _swap_last(ctx.x.rank)))}",
        )
    if dims[0] != 0:
        ctx.fail("the batch dimension must stay first", "start dims with 0")
    return [TensorType(tuple(ctx.x.shape[d] for d in dims), ctx.x.dtype, ctx.x.vocab_size)]


def _swap_last(rank: int) -> list[int]:
    order = list(range(rank))
    order[-2:] = order[-1:-3:-1] if rank > 2 else order[-2:]
    return order


LINEAR = BlockSpec(
    kind="Linear",
    category="Layers",
    help="Fully connected layer: every output is a learned weighted sum of the last dimension's features.",
    formula="y = x·Wᵀ + b   (W: out_features × in_features, b: out_features; applied to the last dimension)",
    params=(
        IntParam(
            "in_features",
            None,
            "Features arriving; follows from the input unless pinned.",
            inferred=True,
            minimum=1,
            maximum=100_000_000,
        ),
        IntParam("out_features", 64, "Features produced.", minimum=1, maximum=100_000_000),
        bias(),
    ),
    shape_rule=_linear_rule,
    count_params=lambda p, _: p["out_features"] * p["in_features"] + (p["out_features"] if p["bias"] else 0),
    count_flops=lambda p, inputs, _: 2 * math.prod(inputs[0][:-1]) * p["in_features"] * p["out_features"],
    count_saved=saves_input,
    torch_names=("Linear",),
    onnx_ops=("Gemm", "MatMul"),
)
FLATTEN = BlockSpec(
    kind="Flatten",
    category="Shape",
    help="Merges all dimensions from start_dim on into one: N×64×5×5 becomes N×1600.",
    formula="shape (d₀, …, d_{s−1}, d_s, …, d_last) → (d₀, …, d_{s−1}, d_s·…·d_last), s = start_dim; values unchanged",
    params=(
        IntParam(
            "start_dim",
            1,
            "First dimension merged; 1 keeps only the batch apart.",
            minimum=1,
            maximum=7,
        ),
    ),
    shape_rule=_flatten_rule,
    count_saved=saves_view,
    torch_names=("Flatten",),
    onnx_ops=("Flatten",),
)
RESHAPE = BlockSpec(
    kind="Reshape",
    category="Shape",
    help="Gives each sample a new shape with the same number of values; -1 stands for the one dimension "
    "that follows from the others. The batch dimension is kept.",
    formula="y = x.reshape(N, *shape): same values in the same order; "
    "-1 = (values per sample) / (product of the other sizes)",
    params=(
        IntListParam(
            "shape",
            [-1],
            "New shape of one sample, without the batch.",
            minimum=-1,
            maximum=100_000_000,
        ),
    ),
    shape_rule=_reshape_rule,
    count_saved=saves_view,
    torch_names=("reshape", "view", "Unflatten"),
    onnx_ops=("Reshape",),
)
PERMUTE = BlockSpec(
    kind="Permute",
    category="Shape",
    help="Reorders dimensions, batch first: 0, 2, 1 turns N×T×F into N×F×T.",
    formula="y = x.permute(*dims): y.shape[i] = x.shape[dims[i]]",
    params=(
        IntListParam(
            "dims",
            [0, 2, 1],
            "New order of the dimensions, starting with 0 (the batch).",
            minimum=0,
            maximum=7,
            max_length=8,
        ),
    ),
    shape_rule=_permute_rule,
    count_saved=saves_view,
    torch_names=("permute",),
    onnx_ops=("Transpose",),
)
