"""Pooling blocks: max and average windows, and adaptive (global) average pooling."""

from __future__ import annotations

import math
from typing import Any

from designer.core.blocks.common import check_positive, expect_spatial
from designer.core.blocks.spec import BlockSpec, Saved, Shape, ShapeContext, saves_input
from designer.core.params import IntParam
from designer.core.shapes import TensorType, sliding_size


def _window_params() -> tuple:
    return (
        IntParam(
            "kernel_size",
            2,
            "Width (and height) of the pooling window.",
            minimum=1,
            maximum=1024,
        ),
        IntParam(
            "stride",
            None,
            "Step between windows.",
            minimum=1,
            maximum=1024,
            optional=True,
            none_means="the kernel size",
        ),
        IntParam(
            "padding",
            0,
            "Elements added on each side; at most half the kernel size.",
            minimum=0,
            maximum=512,
        ),
    )


def _window_rule(dims: int):
    def rule(ctx: ShapeContext) -> list[TensorType]:
        expect_spatial(ctx, dims)
        kernel, padding = ctx.params["kernel_size"], ctx.params["padding"]
        stride = ctx.params["stride"] or kernel
        if 2 * padding > kernel:
            ctx.fail(
                f"padding {padding} is more than half the kernel size {kernel}",
                f"set padding to {kernel // 2} or less",
            )
        sizes = [sliding_size(s, kernel, stride, padding) for s in ctx.x.shape[2:]]
        check_positive(
            ctx,
            sizes,
            f"the {kernel}-wide window",
            "reduce kernel_size, or remove an earlier pooling",
        )
        return [TensorType((*ctx.x.shape[:2], *sizes))]

    return rule


def _adaptive_rule(dims: int):
    def rule(ctx: ShapeContext) -> list[TensorType]:
        expect_spatial(ctx, dims)
        size = ctx.params["output_size"]
        return [TensorType((*ctx.x.shape[:2], *([size] * dims)))]

    return rule


def _max_pool_saved(_: dict[str, Any], __: list[Shape], outputs: list[Shape]) -> Saved:
    """The input, and the int64 position of each maximum."""
    return Saved(inputs=(0,), bytes=8 * math.prod(outputs[0]))


def _adaptive_saved(p: dict[str, Any], _: list[Shape], __: list[Shape]) -> Saved:
    """Global pooling is a mean, which keeps nothing; other sizes keep the input."""
    return Saved() if p["output_size"] == 1 else Saved(inputs=(0,))


def _window_block(kind: str, dims: int, help: str, onnx_op: str) -> BlockSpec:
    sizes = ("L",) if dims == 1 else ("H", "W")
    if kind.startswith("Max"):
        value = "y = the largest x in each kernel_size-wide window (padding counts as −∞)"
    else:
        value = "y = the mean of each kernel_size-wide window (padding zeros included in the count)"
    size = "\n".join(f"{d}_out = ⌊({d} + 2·padding − kernel_size) / stride⌋ + 1" for d in sizes)
    return BlockSpec(
        kind=kind,
        category="Pooling",
        help=help,
        formula=f"{value}, windows stride apart (stride defaults to kernel_size)\n{size}",
        params=_window_params(),
        shape_rule=_window_rule(dims),
        count_saved=_max_pool_saved if kind.startswith("Max") else saves_input,
        torch_names=(kind,),
        onnx_ops=(onnx_op,),
    )


def _adaptive_block(kind: str, dims: int, help: str) -> BlockSpec:
    size = "L" if dims == 1 else "H (and W alike)"
    return BlockSpec(
        kind=kind,
        category="Pooling",
        help=help,
        formula=f"y[i] = mean of x[⌊i·{size[0]} / output_size⌋ : ⌈(i + 1)·{size[0]} / output_size⌉] along {size}\n"
        f"{size[0]}_out = output_size",
        params=(
            IntParam(
                "output_size",
                1,
                "Size of the result along each pooled dimension; 1 is global pooling.",
                minimum=1,
                maximum=4096,
            ),
        ),
        shape_rule=_adaptive_rule(dims),
        count_saved=_adaptive_saved,
        torch_names=(kind,),
        onnx_ops=("GlobalAveragePool", "AveragePool"),
    )


MAX_POOL1D = _window_block("MaxPool1d", 1, "Keeps the largest value of each window along L (N×C×L).", "MaxPool")
MAX_POOL2D = _window_block(
    "MaxPool2d",
    2,
    "Keeps the largest value of each window; halves H and W with the default 2×2 window.",
    "MaxPool",
)
AVG_POOL1D = _window_block("AvgPool1d", 1, "Averages each window along L (N×C×L).", "AveragePool")
AVG_POOL2D = _window_block("AvgPool2d", 2, "Averages each window of an image (N×C×H×W).", "AveragePool")
ADAPTIVE_AVG_POOL1D = _adaptive_block(
    "AdaptiveAvgPool1d",
    1,
    "Averages L down to output_size, whatever the input length; output_size 1 is global average pooling.",
)
ADAPTIVE_AVG_POOL2D = _adaptive_block(
    "AdaptiveAvgPool2d",
    2,
    "Averages H×W down to output_size×output_size, whatever the input size; 1 is global average pooling.",
)
