"""Input and Output: where data enters the network and what task its result answers."""

from __future__ import annotations

from designer.core.blocks.spec import BlockSpec, ShapeContext
from designer.core.params import BoolParam, ChoiceParam, IntListParam, IntParam
from designer.core.shapes import BATCH, SEQUENCE, Dim, TensorType

_LAYOUTS = {
    "features": ("F", 1),
    "image": ("C, H, W", 3),
    "sequence": ("T, F", 2),
    "tokens": ("T", 1),
}
TASKS = {
    "classification": "cross-entropy",
    "regression": "mean squared error",
    "multi-label": "BCE with logits",
}


def _input_shape(ctx: ShapeContext) -> list[TensorType]:
    data, shape = ctx.params["data"], ctx.params["shape"]
    layout, rank = _LAYOUTS[data]
    if len(shape) != rank:
        ctx.fail(
            f"{data} input needs a shape of {rank} number{'s' if rank > 1 else ''} ({layout}) but has {len(shape)}",
            f"give the per-sample shape as {layout}, without the batch",
        )
    dims: list[Dim] = [BATCH, *shape]
    if ctx.params["variable_length"]:
        if data not in ("sequence", "tokens"):
            ctx.fail(
                "only sequence and token inputs can have a varying length",
                "turn off variable_length",
            )
        dims[1] = SEQUENCE
    if data == "tokens":
        return [TensorType(tuple(dims), "int64", vocab_size=ctx.params["vocab_size"])]
    return [TensorType(tuple(dims))]


def _output_shape(ctx: ShapeContext) -> list[TensorType]:
    task = ctx.params["task"]
    if task == "regression":
        ctx.expect_rank((2, 3, 4, 5), "N×outputs")
        ctx.infer("units", ctx.x.shape[-1], "outputs")
        return []
    ctx.expect_rank(
        (2,),
        "N×classes scores",
        "reduce to one score per class: Flatten and Linear, or a recurrent block with output 'last step'",
    )
    ctx.expect_float()
    units = ctx.infer("units", ctx.x.shape[1], "classes")
    if task == "classification" and units < 2:
        ctx.fail(
            "classification needs at least 2 classes but receives 1",
            "give the last layer 2 or more outputs",
        )
    return []


INPUT = BlockSpec(
    kind="Input",
    category="Input / Output",
    help="Where samples enter the network. Declare one sample's shape; the batch dimension N is added.",
    params=(
        ChoiceParam(
            "data",
            "image",
            "What one sample is: features (F), image (C, H, W), sequence (T, F), or integer tokens (T).",
            choices=tuple(_LAYOUTS),
        ),
        IntListParam(
            "shape",
            [1, 8, 8],
            "Shape of one sample, without the batch.",
            minimum=1,
            maximum=1_000_000,
            max_length=3,
        ),
        BoolParam(
            "variable_length",
            False,
            "Sequences and tokens: the length T may differ between batches.",
        ),
        IntParam(
            "vocab_size",
            1000,
            "Tokens: how many distinct token values there are.",
            minimum=2,
            maximum=10_000_000,
        ),
    ),
    shape_rule=_input_shape,
    inputs=(),
)

OUTPUT = BlockSpec(
    kind="Output",
    category="Input / Output",
    help="The network's result and the task it is trained for: classification (cross-entropy on raw scores), "
    "regression (mean squared error) or multi-label (binary cross-entropy on raw scores).",
    params=(
        ChoiceParam(
            "task",
            "classification",
            "What the network predicts, which sets the loss.",
            choices=tuple(TASKS),
        ),
        IntParam(
            "units",
            None,
            "Number of classes or outputs.",
            inferred=True,
            minimum=1,
            maximum=10_000_000,
        ),
    ),
    shape_rule=_output_shape,
    outputs=(),
)
