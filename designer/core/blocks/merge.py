"""Merge blocks: element-wise Add (residual connections), Multiply (gating), and Concat."""

from __future__ import annotations

import math
from typing import Any

from designer.core.blocks.spec import BlockSpec, Saved, Shape, ShapeContext
from designer.core.params import IntParam
from designer.core.shapes import TensorType


def _inputs_param() -> IntParam:
    return IntParam("inputs", 2, "How many tensors are merged.", minimum=2, maximum=16)


def _elementwise_rule(ctx: ShapeContext) -> list[TensorType]:
    first = ctx.inputs[0]
    for i, other in enumerate(ctx.inputs[1:], start=2):
        if other.shape != first.shape:
            ctx.fail(
                f"in{i} is {other} but in1 is {first}; the shapes must match",
                "make both branches produce the same shape (e.g. a 1×1 Conv2d or a Linear to match widths)",
            )
        if other.dtype != first.dtype:
            ctx.fail(f"in{i} holds {other.dtype} values but in1 holds {first.dtype}")
    return [TensorType(first.shape, first.dtype)]


def _concat_rule(ctx: ShapeContext) -> list[TensorType]:
    first, dim = ctx.inputs[0], ctx.params["dim"]
    rank = first.rank
    if not -rank <= dim < rank:
        ctx.fail(f"dim {dim} does not exist in {first}", f"choose dim from 1 to {rank - 1}")
    dim %= rank
    if dim == 0:
        ctx.fail(
            "concatenating along the batch dimension mixes samples",
            "choose dim 1 (channels or features)",
        )
    size = first.shape[dim]
    for i, other in enumerate(ctx.inputs[1:], start=2):
        rest = [d for j, d in enumerate(other.shape) if j != dim]
        if other.rank != rank or rest != [d for j, d in enumerate(first.shape) if j != dim]:
            ctx.fail(
                f"in{i} is {other} but in1 is {first}; all dimensions except dim {dim} must match",
                "make the branches agree in every other dimension, or concatenate along another dim",
            )
        if other.dtype != first.dtype:
            ctx.fail(f"in{i} holds {other.dtype} values but in1 holds {first.dtype}")
        size = (
            size + other.shape[dim]
            if isinstance(size, int) and isinstance(other.shape[dim], int)
            else (f"{size}+{other.shape[dim]}")
        )
    shape = list(first.shape)
    shape[dim] = size
    return [TensorType(tuple(shape), first.dtype)]


def _product_saved(p: dict[str, Any], _: list[Shape], outputs: list[Shape]) -> Saved:
    """Each factor, for the others' gradients; beyond two, each partial product on the way (kept when the next
    factor needs a gradient, as inside a network; counted always, one output too many per raw-data factor)."""
    partials = (p["inputs"] - 2) * math.prod(outputs[0])
    return Saved(inputs=tuple(range(p["inputs"])), floats=partials, for_the_others=True)


ADD = BlockSpec(
    kind="Add",
    category="Merge",
    help="Adds tensors of the same shape element by element: the residual (skip) connection.",
    formula="y = x₁ + x₂ + … + x_n   (element by element)",
    params=(_inputs_param(),),
    shape_rule=_elementwise_rule,
    input_count_param="inputs",
    torch_names=("add",),
    onnx_ops=("Add", "Sum"),
)
MULTIPLY = BlockSpec(
    kind="Multiply",
    category="Merge",
    help="Multiplies tensors of the same shape element by element: gating.",
    formula="y = x₁ ⊙ x₂ ⊙ … ⊙ x_n   (element by element)",
    params=(_inputs_param(),),
    shape_rule=_elementwise_rule,
    count_saved=_product_saved,
    input_count_param="inputs",
    torch_names=("mul",),
    onnx_ops=("Mul",),
)
CONCAT = BlockSpec(
    kind="Concat",
    category="Merge",
    help="Joins tensors along dim (1: channels of images, features of vectors); other dimensions must match.",
    formula="y = cat(x₁, …, x_n, dim): size along dim = Σ sizes along dim; other sizes equal",
    params=(
        _inputs_param(),
        IntParam("dim", 1, "Dimension to join along.", minimum=-8, maximum=7),
    ),
    shape_rule=_concat_rule,
    input_count_param="inputs",
    torch_names=("cat",),
    onnx_ops=("Concat",),
)
