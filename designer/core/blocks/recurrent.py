"""Recurrent blocks: RNN, LSTM and GRU over N×T×F sequences."""

from __future__ import annotations

import math
from typing import Any

from designer.core.blocks.spec import BlockSpec, Saved, Shape, ShapeContext
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


STEP_FLOATS = {"RNN": 1, "GRU": 7}
"""Values per sample and hidden unit that torch's step-by-step RNN and GRU keep at every step of every direction."""
_PAGE = 4096


def _saved_counter(kind: str):
    def count(p: dict[str, Any], inputs: list[Shape], outputs: list[Shape]) -> Saved:
        batch, steps, features = inputs[0]
        hidden, layers = p["hidden_size"], p["num_layers"]
        directions = 2 if p["bidirectional"] else 1
        # The input laid out time-major for the first layer; each later layer's input (and dropout mask).
        between = (layers - 1) * steps * batch * directions * hidden * (2 if p["dropout"] > 0 else 1)
        storage = layers * batch * hidden if p["output"] == LAST_STEP and directions == 1 else None
        if kind != "LSTM":
            floats = directions * steps * batch * features + between
            floats += layers * directions * steps * batch * hidden * STEP_FLOATS[kind]
            initial = layers * directions * batch * hidden if kind == "RNN" else 0
            return Saved(floats=floats + initial, storage=storage)
        # oneDNN's LSTM: initial states, first input, per layer and direction its output, final states, workspace.
        floats = 2 * layers * directions * batch * hidden + steps * batch * features + between
        floats += layers * directions * (steps * batch * hidden + 2 * batch * hidden)
        workspace = sum(
            directions * _lstm_workspace(steps, batch, features if layer == 0 else directions * hidden, hidden)
            for layer in range(layers)
        )
        own_output = p["output"] != LAST_STEP and directions == 1  # the last layer's output is the block's
        return Saved(
            output=own_output,
            floats=floats - (steps * batch * hidden if own_output else 0),
            bytes=workspace,
            storage=storage,
        )

    return count


def _lstm_workspace(steps: int, batch: int, inputs: int, hidden: int) -> int:
    """Bytes of the workspace oneDNN keeps for one LSTM layer and direction on the CPU, float32.

    Gates, three state buffers, hidden states and cell gates, each padded as oneDNN pads leading dimensions
    (to 16 values, 16 more on multiples of 256) and rounded up to whole 4 KiB pages; never under 7 pages.
    """

    def padded(width: int) -> int:
        width = -(-width // 16) * 16
        return width + 16 if width % 256 == 0 else width

    states = 2 * (steps + 1) * batch * padded(max(inputs, hidden))
    parts = (
        steps * batch * padded(4 * hidden),
        states,
        states,
        states,
        (steps + 1) * batch * padded(hidden),
        (steps + 1) * batch * 4 * hidden,
    )
    return max(7, sum(math.ceil(4 * part / _PAGE) for part in parts)) * _PAGE


def _recurrent_block(kind: str, help: str, recurrence: str, extra: tuple = ()) -> BlockSpec:
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
        formula=recurrence + _STACKING,
        params=params,
        shape_rule=_rule,
        count_params=_counter(kind),
        count_flops=_flop_counter(kind),
        count_saved=_saved_counter(kind),
        torch_names=(kind,),
        onnx_ops=(kind,),
    )


_STACKING = (
    "\nh₀ = 0 (and the LSTM's c₀ = 0); layer l > 1 reads layer l − 1's h_t through Dropout(dropout); "
    "bidirectional adds a second pass from t = T back to 1 in each layer and concatenates both h_t (2·H features)"
)

RNN = _recurrent_block(
    "RNN",
    "Elman recurrent network over N×T×F sequences.",
    "h_t = tanh(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh)   (ReLU in place of tanh when nonlinearity is relu)",
    (
        ChoiceParam(
            "nonlinearity",
            "tanh",
            "Activation of the hidden state.",
            choices=("tanh", "relu"),
        ),
    ),
)
LSTM = _recurrent_block(
    "LSTM",
    "Long short-term memory over N×T×F sequences: remembers over long spans.",
    "i_t = σ(W_ii·x_t + b_ii + W_hi·h_{t−1} + b_hi)\n"
    "f_t = σ(W_if·x_t + b_if + W_hf·h_{t−1} + b_hf)\n"
    "g_t = tanh(W_ig·x_t + b_ig + W_hg·h_{t−1} + b_hg)\n"
    "o_t = σ(W_io·x_t + b_io + W_ho·h_{t−1} + b_ho)\n"
    "c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t\n"
    "h_t = o_t ⊙ tanh(c_t)",
)
GRU = _recurrent_block(
    "GRU",
    "Gated recurrent unit over N×T×F sequences: an LSTM with fewer gates.",
    "r_t = σ(W_ir·x_t + b_ir + W_hr·h_{t−1} + b_hr)\n"
    "z_t = σ(W_iz·x_t + b_iz + W_hz·h_{t−1} + b_hz)\n"
    "n_t = tanh(W_in·x_t + b_in + r_t ⊙ (W_hn·h_{t−1} + b_hn))\n"
    "h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}",
)
