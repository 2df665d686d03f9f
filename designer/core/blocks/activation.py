"""Activation blocks: element-wise non-linearities and softmax."""

from __future__ import annotations

from collections.abc import Callable

from designer.core.blocks.spec import BlockSpec, Saved, ShapeContext, saves_input, saves_output
from designer.core.params import ChoiceParam, FloatParam, IntParam, Param
from designer.core.shapes import TensorType


def _elementwise(ctx: ShapeContext) -> list[TensorType]:
    ctx.expect_float()
    return [ctx.x]


def _softmax_rule(ctx: ShapeContext) -> list[TensorType]:
    ctx.expect_float()
    dim, rank = ctx.params["dim"], ctx.x.rank
    if not -rank <= dim < rank:
        ctx.fail(
            f"dim {dim} does not exist in {ctx.x}",
            f"choose dim from 1 to {rank - 1}, or -1 for the last",
        )
    if dim % rank == 0:
        ctx.fail(
            "softmax over the batch dimension mixes samples",
            "choose dim 1, or -1 for the last dimension",
        )
    return [ctx.x]


def _activation(
    kind: str,
    help: str,
    formula: str,
    params: tuple[Param, ...] = (),
    onnx_op: str | None = None,
    count_saved: Callable[..., Saved] = saves_input,
) -> BlockSpec:
    """``count_saved``: torch keeps most activations' input, or the output where the gradient follows from it."""
    return BlockSpec(
        kind=kind,
        category="Activation",
        help=help,
        formula=formula,
        params=params,
        shape_rule=_elementwise,
        count_saved=count_saved,
        torch_names=(kind,),
        onnx_ops=(onnx_op or kind,),
    )


RELU = _activation(
    "ReLU", "max(0, x): the default activation.", "y = max(0, x)", onnx_op="Relu", count_saved=saves_output
)
LEAKY_RELU = _activation(
    "LeakyReLU",
    "x for positive values, negative_slope·x otherwise: keeps a small gradient for negatives.",
    "y = x if x ≥ 0, else negative_slope·x",
    (
        FloatParam(
            "negative_slope",
            0.01,
            "Slope for negative inputs.",
            minimum=0.0,
            maximum=1.0,
        ),
    ),
)
GELU = _activation(
    "GELU",
    "Gaussian error linear unit, the smooth ReLU of Transformers.",
    "y = x·Φ(x) = x·½·(1 + erf(x / √2));  approximate tanh: y = ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))",
    (
        ChoiceParam(
            "approximate",
            "none",
            "Exact, or the faster tanh approximation.",
            choices=("none", "tanh"),
        ),
    ),
    onnx_op="Gelu",
)
SILU = _activation("SiLU", "x·sigmoid(x) (also called swish).", "y = x·σ(x) = x / (1 + e^(−x))", onnx_op="Silu")
TANH = _activation(
    "Tanh",
    "Hyperbolic tangent: squashes to (-1, 1).",
    "y = tanh(x) = (eˣ − e^(−x)) / (eˣ + e^(−x))",
    count_saved=saves_output,
)
SIGMOID = _activation(
    "Sigmoid", "Logistic function: squashes to (0, 1).", "y = σ(x) = 1 / (1 + e^(−x))", count_saved=saves_output
)
SOFTMAX = BlockSpec(
    kind="Softmax",
    category="Activation",
    help="Turns scores into probabilities along dim. Not needed before a classification Output, whose "
    "cross-entropy expects raw scores.",
    formula="y_i = exp(x_i) / Σ_j exp(x_j)   (along dim)",
    params=(IntParam("dim", -1, "Dimension that sums to 1.", minimum=-8, maximum=7),),
    shape_rule=_softmax_rule,
    count_saved=saves_output,
    torch_names=("Softmax",),
    onnx_ops=("Softmax",),
)
