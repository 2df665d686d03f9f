"""Recurrent blocks: RNN, LSTM and GRU over N×T×F sequences."""

from __future__ import annotations

from typing import Any

from designer.core.blocks.spec import BlockSpec, Shape, ShapeContext
from designer.core.params import BoolParam, ChoiceParam, FloatParam, IntParam
from designer.core.shapes import TensorType

GATES = {"RNN": 1, "LSTM": 4, "GRU": 3}
SEQUENCE_OUTPUT, LAST_STEP = "sequence", "last step"


def _rule(ctx: ShapeContext) -> list[TensorType]:
    ctx.expect_rank(
        (3,),
        "N×T×F sequence",
        "add a Reshape or Permute block to lay the input out as N×T×F",
    )
    ctx.expect_float()
    p = ctx.params
    ctx.infer("input_size", ctx.x.shape[2], "features")
    if p["dropout"] > 0 and p["num_layers"] == 1:
        ctx.warn(
            "dropout acts only between stacked layers, so it does nothing with num_layers 1",
            "set num_layers to 2 or more, or dropout to 0",
        )
    width = p["hidden_size"] * (2 if p["bidirectional"] else 1)
    if p["output"] == LAST_STEP:
        return [TensorType((ctx.x.shape[0], width))]
    return [TensorType((*ctx.x.shape[:2], width))]


def _counter(kind: str):
    def count(p: dict[str, Any], _: list[TensorType]) -> int:
        hidden, directions = p["hidden_size"], 2 if p["bidirectional"] else 1
        total = 0
        for layer in range(p["num_layers"]):
            inputs = p["input_size"] if layer == 0 else hidden * directions
            total += directions * GATES[kind] * hidden * (inputs + hidden + (2 if p["bias"] else 0))
        return total

    return count


def _flop_counter(kind: str):
    def count(p: dict[str, Any], inputs: list[Shape], _: list[Shape]) -> int:
        batch, steps = inputs[0][0], inputs[0][1]
        hidden, directions = p["hidden_size"], 2 if p["bidirectional"] else 1
        total = 0
        for layer in range(p["num_layers"]):
            width = p["input_size"] if layer == 0 else hidden * directions
            # Every step multiplies the input and the previous hidden state by the weights of every gate.
            total += directions * 2 * batch * steps * GATES[kind] * hidden * (width + hidden)
        return total

    return count


def _recurrent_block(kind: str, help: str, extra: tuple = ()) -> BlockSpec:
    params = (
        IntParam(
            "input_size",
            None,
            "Features per time step; follows from the input unless pinned.",
            inferred=True,
            minimum=1,
            maximum=1_000_000,
        ),
        IntParam("hidden_size", 64, "Size of the hidden state.", minimum=1, maximum=100_000),
        IntParam("num_layers", 1, "Stacked recurrent layers.", minimum=1, maximum=64),
        BoolParam(
            "bidirectional",
            False,
            "Also read the sequence backwards; doubles the output width.",
        ),
        FloatParam(
            "dropout",
            0.0,
            "Dropout between stacked layers.",
            minimum=0.0,
            maximum=1.0,
            exclusive_maximum=True,
        ),
        ChoiceParam(
            "output",
            SEQUENCE_OUTPUT,
            "'sequence' gives N×T×H (every step, for stacking or attention); "
            "'last step' gives N×H, the final hidden state (both directions when bidirectional), "
            "for classifying or forecasting from the whole sequence.",
            choices=(SEQUENCE_OUTPUT, LAST_STEP),
        ),
        *extra,
        BoolParam("bias", True, "Learn bias terms."),
    )
    return BlockSpec(
        kind=kind,
        category="Recurrent",
        help=help,
        params=params,
        shape_rule=_rule,
        count_params=_counter(kind),
        count_flops=_flop_counter(kind),
        torch_names=(kind,),
        onnx_ops=(kind,),
    )


RNN = _recurrent_block(
    "RNN",
    "Elman recurrent network over N×T×F sequences.",
    (
        ChoiceParam(
            "nonlinearity",
            "tanh",
            "Activation of the hidden state.",
            choices=("tanh", "relu"),
        ),
    ),
)
LSTM = _recurrent_block("LSTM", "Long short-term memory over N×T×F sequences: remembers over long spans.")
GRU = _recurrent_block("GRU", "Gated recurrent unit over N×T×F sequences: an LSTM with fewer gates.")
