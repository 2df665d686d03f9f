"""Convolution blocks: Conv1d, Conv2d and ConvTranspose2d."""

from __future__ import annotations

import math
from typing import Any

from designer.core.blocks.common import (
    bias,
    channels_in,
    check_positive,
    divisors,
    expect_spatial,
)
from designer.core.blocks.spec import BlockSpec, Shape, ShapeContext, saves_input
from designer.core.params import IntParam, PaddingParam
from designer.core.shapes import TensorType, sliding_size, transposed_size


def _common_params() -> tuple:
    return (
        channels_in(),
        IntParam(
            "out_channels",
            16,
            "Number of filters, which is the number of channels produced.",
            minimum=1,
            maximum=1_000_000,
        ),
        IntParam(
            "kernel_size",
            3,
            "Width (and height) of each filter.",
            minimum=1,
            maximum=1024,
        ),
        IntParam("stride", 1, "Step between filter positions.", minimum=1, maximum=1024),
    )


def _tail_params() -> tuple:
    return (
        IntParam("dilation", 1, "Spacing between filter taps.", minimum=1, maximum=1024),
        IntParam(
            "groups",
            1,
            "Split channels into this many independent groups.",
            minimum=1,
            maximum=1_000_000,
        ),
        bias(),
    )


def _check_groups(ctx: ShapeContext, in_channels: int) -> None:
    groups, out_channels = ctx.params["groups"], ctx.params["out_channels"]
    for count, what in ((in_channels, "in_channels"), (out_channels, "out_channels")):
        if count % groups:
            ctx.fail(
                f"groups {groups} does not divide {what} {count}",
                f"choose groups among {divisors(count)}",
            )


def _conv_rule(dims: int):
    def rule(ctx: ShapeContext) -> list[TensorType]:
        expect_spatial(ctx, dims)
        p = ctx.params
        in_channels = ctx.infer("in_channels", ctx.x.shape[1], "channels")
        _check_groups(ctx, in_channels)
        if p["padding"] == "same":
            if p["stride"] != 1:
                ctx.fail(
                    "padding 'same' needs stride 1",
                    "set stride to 1, or give padding as a number",
                )
            sizes = list(ctx.x.shape[2:])
        else:
            pad = 0 if p["padding"] == "valid" else p["padding"]
            sizes = [sliding_size(s, p["kernel_size"], p["stride"], pad, p["dilation"]) for s in ctx.x.shape[2:]]
        check_positive(
            ctx,
            sizes,
            f"the {p['kernel_size']}-wide kernel",
            "reduce kernel_size or add padding",
        )
        return [TensorType((ctx.x.shape[0], p["out_channels"], *sizes))]

    return rule


def _transposed_rule(ctx: ShapeContext) -> list[TensorType]:
    expect_spatial(ctx, 2)
    p = ctx.params
    in_channels = ctx.infer("in_channels", ctx.x.shape[1], "channels")
    _check_groups(ctx, in_channels)
    if p["output_padding"] >= max(p["stride"], p["dilation"]):
        ctx.fail(
            f"output_padding {p['output_padding']} must be smaller than stride or dilation",
            f"set output_padding below {max(p['stride'], p['dilation'])}",
        )
    sizes = [
        transposed_size(
            s,
            p["kernel_size"],
            p["stride"],
            p["padding"],
            p["output_padding"],
            p["dilation"],
        )
        for s in ctx.x.shape[2:]
    ]
    check_positive(ctx, sizes, f"padding {p['padding']}", "reduce padding")
    return [TensorType((ctx.x.shape[0], p["out_channels"], *sizes))]


def _conv_count(dims: int):
    def count(p: dict[str, Any], _: list[TensorType]) -> int:
        weights = p["out_channels"] * (p["in_channels"] // p["groups"]) * p["kernel_size"] ** dims
        return weights + (p["out_channels"] if p["bias"] else 0)

    return count


def _conv_flops(dims: int):
    def count(p: dict[str, Any], _: list[Shape], outputs: list[Shape]) -> int:
        taps = (p["in_channels"] // p["groups"]) * p["kernel_size"] ** dims
        return 2 * math.prod(outputs[0]) * taps

    return count


def _transposed_flops(p: dict[str, Any], inputs: list[Shape], _: list[Shape]) -> int:
    # Each input element is spread over a kernel_size² window of every output channel of its group.
    taps = (p["out_channels"] // p["groups"]) * p["kernel_size"] ** 2
    return 2 * math.prod(inputs[0]) * taps


_PADDING = PaddingParam(
    "padding",
    0,
    "Zeros added on each side: a number, 'same' (keep the size) or 'valid' (none).",
)

CONV1D = BlockSpec(
    kind="Conv1d",
    category="Convolution",
    help="1-D convolution over signals or sequences laid out N×C×L (channels before length).",
    formula=(
        "y[n, c_out] = bias[c_out] + Σ_k weight[c_out, k] ⋆ x[n, k]  (⋆: cross-correlation; k runs over the "
        "input channels of c_out's group)\n"
        "L_out = ⌊(L + 2·padding − dilation·(kernel_size − 1) − 1) / stride⌋ + 1\n"
        "(padding 'same' keeps the size, 'valid' is 0)"
    ),
    params=(*_common_params(), _PADDING, *_tail_params()),
    shape_rule=_conv_rule(1),
    count_params=_conv_count(1),
    count_flops=_conv_flops(1),
    count_saved=saves_input,
    torch_names=("Conv1d",),
    onnx_ops=("Conv",),
)

CONV2D = BlockSpec(
    kind="Conv2d",
    category="Convolution",
    help="2-D convolution over images laid out N×C×H×W: learns out_channels filters of kernel_size².",
    formula=(
        "y[n, c_out] = bias[c_out] + Σ_k weight[c_out, k] ⋆ x[n, k]  (⋆: cross-correlation; k runs over the "
        "input channels of c_out's group)\n"
        "H_out = ⌊(H + 2·padding − dilation·(kernel_size − 1) − 1) / stride⌋ + 1\n"
        "W_out = ⌊(W + 2·padding − dilation·(kernel_size − 1) − 1) / stride⌋ + 1\n"
        "(padding 'same' keeps the size, 'valid' is 0)"
    ),
    params=(*_common_params(), _PADDING, *_tail_params()),
    shape_rule=_conv_rule(2),
    count_params=_conv_count(2),
    count_flops=_conv_flops(2),
    count_saved=saves_input,
    torch_names=("Conv2d",),
    onnx_ops=("Conv",),
)

CONV_TRANSPOSE2D = BlockSpec(
    kind="ConvTranspose2d",
    category="Convolution",
    help="Transposed 2-D convolution (learned upsampling): grows H and W by about the stride.",
    formula=(
        "The gradient of a Conv2d with the same settings: each input value scatters a weighted kernel_size² "
        "patch into the output, stride apart\n"
        "H_out = (H − 1)·stride − 2·padding + dilation·(kernel_size − 1) + output_padding + 1 (W_out alike)"
    ),
    params=(
        *_common_params(),
        IntParam(
            "padding",
            0,
            "Rows and columns removed from each side of the output.",
            minimum=0,
            maximum=1024,
        ),
        IntParam(
            "output_padding",
            0,
            "Extra rows and columns added on one side to reach an exact size.",
            minimum=0,
            maximum=1024,
        ),
        *_tail_params(),
    ),
    shape_rule=_transposed_rule,
    count_params=_conv_count(2),
    count_flops=_transposed_flops,
    count_saved=saves_input,
    torch_names=("ConvTranspose2d",),
    onnx_ops=("ConvTranspose",),
)
