"""Attention blocks: self-attention, Transformer encoder layers, positional encodings, embeddings."""

from __future__ import annotations

import math
from typing import Any

from designer.core.blocks.common import divisors
from designer.core.blocks.spec import NOTHING_SAVED, BlockSpec, Saved, Shape, ShapeContext, saves_input
from designer.core.params import BoolParam, ChoiceParam, FloatParam, IntParam
from designer.core.shapes import TensorType, is_fixed


def _embed_dim(name: str = "embed_dim") -> IntParam:
    return IntParam(
        name,
        None,
        "Width of each position's vector; follows from the input unless pinned.",
        inferred=True,
        minimum=1,
        maximum=1_000_000,
    )


def _dropout(default: float) -> FloatParam:
    return FloatParam(
        "dropout",
        default,
        "Fraction of values zeroed while training.",
        minimum=0.0,
        maximum=1.0,
        exclusive_maximum=True,
    )


def _sequence_width(ctx: ShapeContext, name: str) -> int:
    ctx.expect_rank(
        (3,),
        "N×T×E sequence",
        "lay the input out as N×T×E, e.g. with an Embedding or Linear block",
    )
    ctx.expect_float()
    return ctx.infer(name, ctx.x.shape[2], "features")


def _check_heads(ctx: ShapeContext, width: int, heads_param: str) -> None:
    heads = ctx.params[heads_param]
    if width % heads:
        ctx.fail(
            f"{width} features cannot be split evenly into {heads} heads",
            f"choose {heads_param} among {divisors(width)}, or change the width to a multiple of {heads}",
        )


def _attention_rule(ctx: ShapeContext) -> list[TensorType]:
    _check_heads(ctx, _sequence_width(ctx, "embed_dim"), "num_heads")
    return [ctx.x]


def _encoder_rule(ctx: ShapeContext) -> list[TensorType]:
    _check_heads(ctx, _sequence_width(ctx, "d_model"), "nhead")
    return [ctx.x]


def _positional_rule(ctx: ShapeContext) -> list[TensorType]:
    _sequence_width(ctx, "embed_dim")
    length, max_len = ctx.x.shape[1], ctx.params["max_len"]
    if is_fixed(length) and length > max_len:
        ctx.fail(
            f"sequences of {length} steps are longer than max_len {max_len}",
            f"set max_len to {length} or more",
        )
    return [ctx.x]


def _embedding_rule(ctx: ShapeContext) -> list[TensorType]:
    if ctx.x.dtype != "int64" or ctx.x.vocab_size is None:
        ctx.fail(
            f"expects integer tokens but receives values of {ctx.x}",
            "feed it from an Input block whose data is 'tokens'",
        )
    ctx.infer("num_embeddings", ctx.x.vocab_size, "token values")
    padding_idx = ctx.params["padding_idx"]
    if padding_idx is not None and padding_idx >= ctx.x.vocab_size:
        ctx.fail(
            f"padding_idx {padding_idx} is not a token value (0 to {ctx.x.vocab_size - 1})",
            "choose a token value below the vocabulary size, or leave padding_idx empty",
        )
    return [TensorType((*ctx.x.shape, ctx.params["embedding_dim"]))]


def _attention_count(p: dict[str, Any], _: list[TensorType]) -> int:
    width = p["embed_dim"]
    return 4 * width * width + (4 * width if p["bias"] else 0)


def _encoder_count(p: dict[str, Any], _: list[TensorType]) -> int:
    width, ff = p["d_model"], p["dim_feedforward"]
    return 4 * width * width + 4 * width + 2 * width * ff + ff + width + 4 * width


def _attention_flops(width: int, x: Shape) -> int:
    """Projections in (query, key, value) and out, then scores (Q·Kᵀ) and their weighted sum of values."""
    positions, steps = math.prod(x[:-1]), x[1]
    projections = 2 * positions * width * 4 * width
    return projections + 2 * 2 * positions * steps * width


def _encoder_flops(p: dict[str, Any], inputs: list[Shape], _: list[Shape]) -> int:
    x, width = inputs[0], p["d_model"]
    feed_forward = 2 * 2 * math.prod(x[:-1]) * width * p["dim_feedforward"]
    return _attention_flops(width, x) + feed_forward


def _attention_floats(x: Shape, heads: int, dropout: float, causal: bool) -> int:
    """Values torch's multi-head attention keeps: the input laid out time-major, query-key-value projections,
    the attention output; then either the fused kernel's log-sum-exp (and a causal mask made float) or, with
    dropout, the explicit scores path's query, key, weights, dropout mask and dropped weights."""
    batch, steps, width = x
    if dropout > 0:
        return 7 * batch * steps * width + 3 * batch * heads * steps * steps
    return 5 * batch * steps * width + batch * heads * steps + (steps * steps if causal else 0)


def _attention_saved(p: dict[str, Any], inputs: list[Shape], _: list[Shape]) -> Saved:
    return Saved(floats=_attention_floats(inputs[0], p["num_heads"], p["dropout"], p["causal"]))


def _encoder_saved(p: dict[str, Any], inputs: list[Shape], _: list[Shape]) -> Saved:
    """Attention, two layer norms (a mean and inverse deviation per position each), the feed-forward network
    (activation, and with dropout its mask and dropped values), dropout masks and the residual sums normalised.
    Pre-LN keeps the block's input for its first norm; post-LN keeps one more sum."""
    x, dropout = inputs[0], p["dropout"] > 0
    positions = x[0] * x[1]
    values = positions * x[2]
    feed_forward = positions * p["dim_feedforward"] * (1 + (dropout or p["activation"] == "gelu") + dropout)
    floats = _attention_floats(x, p["nhead"], p["dropout"], False) + 4 * positions + feed_forward
    floats += 2 * values * dropout
    if p["norm_first"]:
        return Saved(inputs=(0,), floats=floats + 2 * values)
    return Saved(floats=floats + 3 * values)


def _positional_saved(p: dict[str, Any], _: list[Shape], outputs: list[Shape]) -> Saved:
    """The sum needs nothing kept; dropout keeps its mask."""
    return Saved(floats=math.prod(outputs[0])) if p["dropout"] > 0 else NOTHING_SAVED


SELF_ATTENTION = BlockSpec(
    kind="SelfAttention",
    category="Attention",
    help="Multi-head self-attention over an N×T×E sequence: every position attends to every other "
    "(or only to earlier ones, with a causal mask). Output has the input's shape.",
    formula=(
        "Q = x·W_Qᵀ + b_Q,  K = x·W_Kᵀ + b_K,  V = x·W_Vᵀ + b_V, each split into h = num_heads heads "
        "of d_k = embed_dim / h\n"
        "head_i = Dropout(softmax(Q_i·K_iᵀ / √d_k + M))·V_i   (M: −∞ above the diagonal when causal, else 0)\n"
        "y = concat(head_1, …, head_h)·W_Oᵀ + b_O"
    ),
    params=(
        _embed_dim(),
        IntParam(
            "num_heads",
            4,
            "Attention heads; must divide embed_dim.",
            minimum=1,
            maximum=1024,
        ),
        _dropout(0.0),
        BoolParam(
            "causal",
            False,
            "Each position sees only itself and earlier positions (for generation).",
        ),
        BoolParam("bias", True, "Learn bias terms in the projections."),
    ),
    shape_rule=_attention_rule,
    count_params=_attention_count,
    count_flops=lambda p, inputs, _: _attention_flops(p["embed_dim"], inputs[0]),
    count_saved=_attention_saved,
    torch_names=("MultiheadAttention",),
    onnx_ops=("Attention",),
)

TRANSFORMER_ENCODER_LAYER = BlockSpec(
    kind="TransformerEncoderLayer",
    category="Attention",
    help="One Transformer encoder layer (Vaswani et al. 2017): self-attention then a feed-forward network, "
    "each with a residual connection and layer norm. Input and output are N×T×E.",
    formula=(
        "SA(x) = multi-head self-attention: concat_i(softmax(Q_i·K_iᵀ / √d_k)·V_i)·W_Oᵀ + b_O, d_k = d_model / nhead\n"
        "FF(x) = Linear₂(Dropout(activation(Linear₁(x)))),  Linear₁: d_model → dim_feedforward, "
        "Linear₂: dim_feedforward → d_model\n"
        "post-norm (norm_first off): z = LayerNorm₁(x + Dropout(SA(x))),  y = LayerNorm₂(z + Dropout(FF(z)))\n"
        "pre-norm (norm_first on):   z = x + Dropout(SA(LayerNorm₁(x))),  y = z + Dropout(FF(LayerNorm₂(z)))"
    ),
    params=(
        _embed_dim("d_model"),
        IntParam("nhead", 4, "Attention heads; must divide d_model.", minimum=1, maximum=1024),
        IntParam(
            "dim_feedforward",
            256,
            "Width of the feed-forward network.",
            minimum=1,
            maximum=1_000_000,
        ),
        _dropout(0.1),
        ChoiceParam(
            "activation",
            "relu",
            "Activation of the feed-forward network.",
            choices=("relu", "gelu"),
        ),
        BoolParam(
            "norm_first",
            False,
            "Normalise before attention and feed-forward (pre-LN), which trains deeper stacks more stably.",
        ),
    ),
    shape_rule=_encoder_rule,
    count_params=_encoder_count,
    count_flops=_encoder_flops,
    count_saved=_encoder_saved,
    torch_names=("TransformerEncoderLayer",),
)

POSITIONAL_ENCODING = BlockSpec(
    kind="PositionalEncoding",
    category="Attention",
    help="Adds each position's code to an N×T×E sequence so attention can tell order: the fixed sinusoids of "
    "Vaswani et al. 2017, or a learned vector per position.",
    formula=(
        "y = Dropout(x + PE[0:T])\n"
        "sinusoidal: PE(pos, 2i) = sin(pos / 10000^(2i/E)),  PE(pos, 2i+1) = cos(pos / 10000^(2i/E))\n"
        "learned: PE is a max_len × E table learned in training"
    ),
    params=(
        _embed_dim(),
        ChoiceParam(
            "encoding",
            "sinusoidal",
            "Fixed sinusoids, or one learned vector per position.",
            choices=("sinusoidal", "learned"),
        ),
        IntParam(
            "max_len",
            512,
            "Longest sequence the encoding covers.",
            minimum=1,
            maximum=1_000_000,
        ),
        _dropout(0.0),
    ),
    shape_rule=_positional_rule,
    count_params=lambda p, _: p["max_len"] * p["embed_dim"] if p["encoding"] == "learned" else 0,
    count_saved=_positional_saved,
)

EMBEDDING = BlockSpec(
    kind="Embedding",
    category="Attention",
    help="Turns integer tokens (N×T) into learned vectors (N×T×E), one per token value.",
    formula=(
        "y[n, t] = W[x[n, t]]   (W: num_embeddings × embedding_dim, learned; row padding_idx starts at zero "
        "and gets no gradient)"
    ),
    params=(
        IntParam(
            "num_embeddings",
            None,
            "Vocabulary size; follows from the token Input unless pinned.",
            inferred=True,
            minimum=1,
            maximum=100_000_000,
        ),
        IntParam(
            "embedding_dim",
            64,
            "Width of each token's vector.",
            minimum=1,
            maximum=1_000_000,
        ),
        IntParam(
            "padding_idx",
            None,
            "Token value whose vector stays zero and learns nothing.",
            minimum=0,
            maximum=100_000_000,
            optional=True,
            none_means="no padding token",
        ),
    ),
    shape_rule=_embedding_rule,
    count_params=lambda p, _: p["num_embeddings"] * p["embedding_dim"],
    count_saved=saves_input,
    torch_names=("Embedding",),
    onnx_ops=("Gather",),
)
