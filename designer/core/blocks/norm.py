"""Normalisation and dropout blocks."""

from __future__ import annotations

import math
from typing import Any

from designer.core.blocks.common import divisors, expect_spatial
from designer.core.blocks.spec import BlockSpec, Saved, Shape, ShapeContext
from designer.core.params import BoolParam, FloatParam, IntParam
from designer.core.shapes import TensorType


def _features(
    help: str = "Channels normalised; follows from the input unless pinned.",
) -> IntParam:
    return IntParam("num_features", None, help, inferred=True, minimum=1, maximum=1_000_000)


def _eps() -> FloatParam:
    return FloatParam(
        "eps",
        1e-5,
        "Added to the variance for numerical stability.",
        minimum=1e-12,
        maximum=1.0,
    )


def _batch_norm_params() -> tuple:
    return (
        _features(),
        _eps(),
        FloatParam(
            "momentum",
            0.1,
            "Weight of each batch in the running statistics.",
            minimum=0.0,
            maximum=1.0,
        ),
        BoolParam("affine", True, "Learn a scale and shift per channel."),
    )


def _batch_norm1d_rule(ctx: ShapeContext) -> list[TensorType]:
    ctx.expect_rank((2, 3), "N×C or N×C×L", "use BatchNorm2d for images")
    ctx.expect_float()
    ctx.infer("num_features", ctx.x.shape[1], "channels")
    return [ctx.x]


def _batch_norm2d_rule(ctx: ShapeContext) -> list[TensorType]:
    expect_spatial(ctx, 2)
    ctx.infer("num_features", ctx.x.shape[1], "channels")
    return [ctx.x]


def _layer_norm_rule(ctx: ShapeContext) -> list[TensorType]:
    ctx.expect_float()
    ctx.infer("normalized_shape", ctx.x.shape[-1], "features", ctx.features_detail())
    return [ctx.x]


def _group_norm_rule(ctx: ShapeContext) -> list[TensorType]:
    ctx.expect_rank((3, 4, 5), "N×C×… (channels first)")
    ctx.expect_float()
    channels = ctx.infer("num_channels", ctx.x.shape[1], "channels")
    groups = ctx.params["num_groups"]
    if channels % groups:
        ctx.fail(
            f"{channels} channels cannot be split evenly into {groups} groups",
            f"choose num_groups among {divisors(channels, 64)}",
        )
    return [ctx.x]


def _local_response_norm_rule(ctx: ShapeContext) -> list[TensorType]:
    ctx.expect_rank((3, 4), "N×C×L or N×C×H×W (channels first)", "normalise across channels of images or sequences")
    ctx.expect_float()
    return [ctx.x]


def _dropout_rule(ctx: ShapeContext) -> list[TensorType]:
    ctx.expect_float()
    return [ctx.x]


def _dropout2d_rule(ctx: ShapeContext) -> list[TensorType]:
    expect_spatial(ctx, 2)
    return [ctx.x]


def _p() -> FloatParam:
    return FloatParam(
        "p",
        0.5,
        "Fraction of values zeroed while training.",
        minimum=0.0,
        maximum=1.0,
        exclusive_maximum=True,
    )


def _affine_count(key: str, flag: str):
    return lambda p, _: 2 * p[key] if p[flag] else 0


def _batch_norm_saved(p: dict[str, Any], _: list[Shape], __: list[Shape]) -> Saved:
    """The input, and per channel the batch's mean and inverse deviation and the two running statistics."""
    return Saved(inputs=(0,), floats=4 * p["num_features"])


def _layer_norm_saved(p: dict[str, Any], inputs: list[Shape], _: list[Shape]) -> Saved:
    """The input, and a mean and an inverse deviation per normalised vector."""
    return Saved(inputs=(0,), floats=2 * math.prod(inputs[0]) // p["normalized_shape"])


def _group_norm_saved(p: dict[str, Any], inputs: list[Shape], _: list[Shape]) -> Saved:
    """The input, and a mean and an inverse deviation per sample and group."""
    return Saved(inputs=(0,), floats=2 * inputs[0][0] * p["num_groups"])


def _local_response_norm_saved(p: dict[str, Any], inputs: list[Shape], _: list[Shape]) -> Saved:
    """The input; the squares padded by size − 1 channels that the window averages; and the denominator before
    and after its power."""
    batch, channels, *positions = inputs[0]
    per_channel = batch * math.prod(positions)
    return Saved(inputs=(0,), floats=per_channel * (channels + p["size"] - 1) + 2 * per_channel * channels)


def _dropout_saved(p: dict[str, Any], _: list[Shape], outputs: list[Shape]) -> Saved:
    """The scaled mask, one value per element; with p = 0 the input passes through untouched."""
    return Saved(floats=math.prod(outputs[0])) if p["p"] > 0 else Saved(view=True)


def _dropout2d_saved(p: dict[str, Any], inputs: list[Shape], _: list[Shape]) -> Saved:
    """The scaled mask, one value per sample and channel."""
    return Saved(floats=inputs[0][0] * inputs[0][1]) if p["p"] > 0 else Saved(view=True)


BATCH_NORM1D = BlockSpec(
    kind="BatchNorm1d",
    category="Normalisation",
    help="Normalises each channel over the batch (N×C or N×C×L); keeps running statistics for inference.",
    formula=(
        "y = (x − E[x]) / √(Var[x] + eps) · γ + β   (per channel; γ, β learned when affine)\n"
        "training: E and the biased Var over N (and L); running = (1 − momentum)·running + momentum·batch "
        "(unbiased Var)\n"
        "evaluation: E[x] = running_mean, Var[x] = running_var"
    ),
    params=_batch_norm_params(),
    shape_rule=_batch_norm1d_rule,
    count_saved=_batch_norm_saved,
    count_params=_affine_count("num_features", "affine"),
    torch_names=("BatchNorm1d",),
    onnx_ops=("BatchNormalization",),
)
BATCH_NORM2D = BlockSpec(
    kind="BatchNorm2d",
    category="Normalisation",
    help="Normalises each channel of images (N×C×H×W) over the batch; keeps running statistics for inference.",
    formula=(
        "y = (x − E[x]) / √(Var[x] + eps) · γ + β   (per channel; γ, β learned when affine)\n"
        "training: E and the biased Var over N, H and W; running = (1 − momentum)·running + momentum·batch "
        "(unbiased Var)\n"
        "evaluation: E[x] = running_mean, Var[x] = running_var"
    ),
    params=_batch_norm_params(),
    shape_rule=_batch_norm2d_rule,
    count_saved=_batch_norm_saved,
    count_params=_affine_count("num_features", "affine"),
    torch_names=("BatchNorm2d",),
    onnx_ops=("BatchNormalization",),
)
LAYER_NORM = BlockSpec(
    kind="LayerNorm",
    category="Normalisation",
    help="Normalises each position over its last dimension (the features), independent of the batch.",
    formula=(
        "y = (x − E[x]) / √(Var[x] + eps) · γ + β   (E and the biased Var over the last dimension of each "
        "position; γ, β per feature)"
    ),
    params=(
        IntParam(
            "normalized_shape",
            None,
            "Size of the last dimension; follows from the input unless pinned.",
            inferred=True,
            minimum=1,
            maximum=1_000_000,
        ),
        _eps(),
        BoolParam("elementwise_affine", True, "Learn a scale and shift per feature."),
    ),
    shape_rule=_layer_norm_rule,
    count_saved=_layer_norm_saved,
    count_params=_affine_count("normalized_shape", "elementwise_affine"),
    torch_names=("LayerNorm",),
    onnx_ops=("LayerNormalization",),
)
GROUP_NORM = BlockSpec(
    kind="GroupNorm",
    category="Normalisation",
    help="Normalises groups of channels per sample; works with any batch size, even 1.",
    formula=(
        "y = (x − E[x]) / √(Var[x] + eps) · γ + β   (E and the biased Var per sample over each group of "
        "C / num_groups channels and all their positions; γ, β per channel)"
    ),
    params=(
        IntParam(
            "num_groups",
            8,
            "Groups the channels are split into; must divide the channels.",
            minimum=1,
            maximum=1_000_000,
        ),
        IntParam(
            "num_channels",
            None,
            "Channels; follows from the input unless pinned.",
            inferred=True,
            minimum=1,
            maximum=1_000_000,
        ),
        _eps(),
        BoolParam("affine", True, "Learn a scale and shift per channel."),
    ),
    shape_rule=_group_norm_rule,
    count_saved=_group_norm_saved,
    count_params=_affine_count("num_channels", "affine"),
    torch_names=("GroupNorm",),
    onnx_ops=("GroupNormalization",),
)
LOCAL_RESPONSE_NORM = BlockSpec(
    kind="LocalResponseNorm",
    category="Normalisation",
    help="Divides each value by the energy of neighbouring channels at the same position (AlexNet, GoogLeNet); "
    "learns nothing.",
    formula=(
        "y[n, c] = x[n, c] / (k + alpha / size · Σ x[n, c′]²)^beta   (c′ from c − ⌊size/2⌋ to c + ⌊(size − 1)/2⌋, "
        "channels outside counted as 0)"
    ),
    params=(
        IntParam("size", 5, "Neighbouring channels summed over, the channel itself included.", minimum=1, maximum=4096),
        FloatParam("alpha", 1e-4, "Scale of the sum of squares.", minimum=0.0, maximum=1e6),
        FloatParam("beta", 0.75, "Power the denominator is raised to.", minimum=0.0, maximum=1e3),
        FloatParam("k", 1.0, "Added to the scaled sum; keeps the denominator away from 0.", minimum=0.0, maximum=1e6),
    ),
    shape_rule=_local_response_norm_rule,
    count_saved=_local_response_norm_saved,
    torch_names=("LocalResponseNorm",),
    onnx_ops=("LRN",),
)
DROPOUT = BlockSpec(
    kind="Dropout",
    category="Regularisation",
    help="Zeroes a random fraction p of values while training and scales the rest; does nothing in evaluation.",
    formula="training: y = x ⊙ m / (1 − p), m ~ Bernoulli(1 − p) per value; evaluation: y = x",
    params=(_p(),),
    shape_rule=_dropout_rule,
    count_saved=_dropout_saved,
    torch_names=("Dropout",),
    onnx_ops=("Dropout",),
)
DROPOUT2D = BlockSpec(
    kind="Dropout2d",
    category="Regularisation",
    help="Zeroes whole channels of images (N×C×H×W) at random while training.",
    formula="training: y[n, c] = x[n, c] · m[n, c] / (1 − p), m ~ Bernoulli(1 − p) per sample and channel; "
    "evaluation: y = x",
    params=(_p(),),
    shape_rule=_dropout2d_rule,
    count_saved=_dropout2d_saved,
    torch_names=("Dropout2d",),
)
