"""Recurrent blocks (RNN, LSTM, GRU) through torch's exporters with the sequence length kept a variable.

torch works out the shape of a recurrent op's output by running a decomposition of it on symbolic sizes. Its
default decompositions loop over the steps in Python, which fixes the length at the traced one. torch.export has
loop-op (``while_loop``) decompositions of LSTM and GRU that keep it a variable, but the ONNX exporter swaps
them in only while it captures the graph, not while it decomposes it afterwards: there the default fixed the
length again, and the ONNX optimizer folded it into a Reshape before the next recurrent block, so an LSTM
followed by a GRU refused every other length. torch has no loop decomposition of the Elman RNN at all.

:func:`recurrent_loops` holds loop decompositions of all three over a whole export. They are Designer's own,
not torch's: torch's compile each loop with dynamo first, which made a chain of six recurrent blocks take 1.8×
the processor time to export (the ONNX exporter still puts torch's in for LSTM and GRU while it captures).
The ONNX exporter has no translation of the Elman RNN op either, so :data:`ONNX_TRANSLATIONS` writes it as
ONNX's RNN operator.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterable, Iterator, Sequence

import torch
from onnxscript import opset18 as op
from onnxscript.function_libs.torch_lib.tensor_typing import TFloat
from torch.nn import functional as F

State = tuple[torch.Tensor, ...]
Cell = Callable[[torch.Tensor, State, torch.Tensor, torch.Tensor | None], State]
"""One step: (input projected by W_ih plus b_ih, state, W_hh, b_hh) → the next state, hidden state first."""


@contextlib.contextmanager
def recurrent_loops() -> Iterator[None]:
    """Within this, torch traces RNN, LSTM and GRU as a loop over the steps, so the length stays a variable."""
    try:
        from torch.export._patches import _register_rnn_while_loop_decomposition as register
    except ImportError:  # an older torch cannot swap them in: it unrolls them, whatever is done here
        yield
        return
    loops = {
        torch.ops.aten.rnn_tanh.input: _loop(functools.partial(_elman_cell, nonlinearity=torch.tanh)),
        torch.ops.aten.rnn_relu.input: _loop(functools.partial(_elman_cell, nonlinearity=torch.relu)),
        torch.ops.aten.gru.input: _loop(_gru_cell),
        torch.ops.aten.lstm.input: _loop(_lstm_cell, states=2),
    }
    _forget_dispatch(loops)
    try:
        with contextlib.ExitStack() as stack:
            for recurrent_op, decomposition in loops.items():
                stack.enter_context(register(recurrent_op, decomposition))
            yield
    finally:
        _forget_dispatch(loops)  # eager recurrent blocks must not keep running the loop decompositions


def _forget_dispatch(ops: Iterable[torch._ops.OpOverload]) -> None:
    """torch swaps decompositions in by editing the ops' kernels without clearing their dispatch caches, so
    once a recurrent op has run in this process, the cached kernel would win over the swap (and the swap over
    the restored kernel afterwards)."""
    for recurrent_op in ops:
        cache = getattr(recurrent_op, "_dispatch_cache", None)
        if cache is not None:
            cache.clear()


def _elman_cell(
    x: torch.Tensor,
    state: State,
    w_hh: torch.Tensor,
    b_hh: torch.Tensor | None,
    nonlinearity: Callable[[torch.Tensor], torch.Tensor],
) -> State:
    return (nonlinearity(F.linear(state[0], w_hh, b_hh) + x),)


def _gru_cell(x: torch.Tensor, state: State, w_hh: torch.Tensor, b_hh: torch.Tensor | None) -> State:
    from torch._decomp.decompositions import gru_cell

    return (gru_cell(x, state[0], None, None, w_hh, b_hh),)


def _lstm_cell(x: torch.Tensor, state: State, w_hh: torch.Tensor, b_hh: torch.Tensor | None) -> State:
    from torch._decomp.decompositions import lstm_cell

    return lstm_cell(x, state[0], state[1], w_hh, b_hh, None, chunk_dim=2)


def _loop(cell: Cell, states: int = 1) -> Callable[..., tuple[torch.Tensor, ...]]:
    """A decomposition of ``aten.rnn_*``, ``aten.gru`` or ``aten.lstm`` (``states`` 2: h and c), layer by layer."""
    from torch._decomp.decompositions import _rnn_helper, gather_params

    layer = functools.partial(_loop_layer, cell=cell, states=states)

    def run(
        input: torch.Tensor,
        hx: torch.Tensor | list[torch.Tensor],
        params: list[torch.Tensor],
        has_biases: bool,
        *options: object,
    ) -> tuple[torch.Tensor, ...]:
        initial = list(zip(*hx, strict=True)) if states == 2 else list(hx.unbind(0))
        out, finals = _rnn_helper(input, initial, gather_params(params, has_biases, False), has_biases, *options, layer)
        if states == 1:
            return out, torch.stack(finals, 0)
        return out, *(torch.stack(per_state, 0) for per_state in zip(*finals, strict=True))

    return run


def _loop_layer(
    steps: torch.Tensor,
    hidden: torch.Tensor | State,
    params: Sequence[torch.Tensor],
    has_biases: bool,
    reverse: bool = False,
    *,
    cell: Cell,
    states: int,
) -> tuple[torch.Tensor, torch.Tensor | State]:
    """One direction of one layer over a steps-first input, as one loop op whose step count is the input's."""
    from torch._higher_order_ops.while_loop import while_loop_op

    inputs = F.linear(steps, params[0], params[2] if has_biases else None)
    inputs = inputs.flip(0) if reverse else inputs
    weights = (params[1], params[3]) if has_biases else (params[1],)
    state = tuple(h.unsqueeze(0) for h in (hidden if states == 2 else (hidden,)))
    outputs = state[0].new_empty(inputs.size(0), *state[0].shape[1:])

    def more(step: torch.Tensor, outputs: torch.Tensor, *rest: torch.Tensor) -> torch.Tensor:
        return step < rest[states].size(0)  # the inputs read, after the state

    def advance(step: torch.Tensor, outputs: torch.Tensor, *rest: torch.Tensor) -> tuple[torch.Tensor, ...]:
        state, (read_inputs, w_hh, *b_hh) = rest[:states], rest[states:]
        t = step.item()
        torch._check_is_size(t, max=read_inputs.size(0) - 1)
        state = cell(read_inputs.select(0, t), state, w_hh, b_hh[0] if b_hh else None)
        outputs = outputs.clone()
        outputs.select(0, t).copy_(state[0].squeeze(0))
        return step + 1, outputs, *state

    # The counter is made by an op, not torch.tensor: a constant made while decomposing has nowhere to live.
    # The loop op is called directly: torch's while_loop would compile the two functions with dynamo first.
    start = torch.zeros((), dtype=torch.int64, device=outputs.device)
    _, outputs, *state = while_loop_op(more, advance, (start, outputs, *state), (inputs, *weights))
    outputs = outputs.flip(0) if reverse else outputs
    finals = tuple(s.squeeze(0) for s in state)
    return outputs, finals if states == 2 else finals[0]


def _onnx_elman(activation: str) -> Callable[..., tuple[TFloat, TFloat]]:
    """``aten.rnn_tanh`` or ``aten.rnn_relu`` written as one ONNX RNN operator per layer."""

    def translate(
        input: TFloat,
        hx: TFloat,
        params: Sequence[TFloat],
        has_biases: bool,
        num_layers: int,
        dropout: float,
        train: bool,
        bidirectional: bool,
        batch_first: bool,
    ) -> tuple[TFloat, TFloat]:
        directions = 2 if bidirectional else 1
        per_direction = 4 if has_biases else 2
        x = op.Transpose(input, perm=[1, 0, 2]) if batch_first else input
        finals = []
        for layer in range(num_layers):
            first = layer * directions
            groups = [params[(first + d) * per_direction :][:per_direction] for d in range(directions)]
            w = op.Concat(*[op.Unsqueeze(g[0], [0]) for g in groups], axis=0)
            r = op.Concat(*[op.Unsqueeze(g[1], [0]) for g in groups], axis=0)
            # ONNX takes both biases of a direction as one row: [b_ih, b_hh]
            rows = [op.Unsqueeze(op.Concat(g[2], g[3], axis=0), [0]) for g in groups] if has_biases else None
            y, y_h = op.RNN(
                x,
                w,
                r,
                op.Concat(*rows, axis=0) if rows else None,
                None,
                op.Slice(hx, [first], [first + directions], axes=[0]),
                activations=[activation] * directions,
                direction="bidirectional" if bidirectional else "forward",
                hidden_size=hx.shape[2],
            )
            # steps × directions × batch × hidden → steps × batch × (directions · hidden)
            y = op.Transpose(y, perm=[0, 2, 1, 3])
            x = op.Reshape(y, op.Concat(op.Shape(y, start=0, end=2), op.Constant(value_ints=[-1]), axis=0))
            finals.append(y_h)
        out = op.Transpose(x, perm=[1, 0, 2]) if batch_first else x
        return out, op.Concat(*finals, axis=0)

    return translate


ONNX_TRANSLATIONS = {
    torch.ops.aten.rnn_tanh.input: _onnx_elman("Tanh"),
    torch.ops.aten.rnn_relu.input: _onnx_elman("Relu"),
}
"""torch ops the dynamo exporter cannot write with a varying length, and how Designer writes them."""
