"""Recurrent and attention blocks compile to exactly what hand-written torch computes with the same weights.

Same approach as test_equivalence_layers.py: ``Input → block → Output``, compiled, against the layer written by
hand with the compiled submodule's (randomized) weights copied in. The sinusoidal positional encoding is checked
against the formula of Vaswani et al. (2017), computed here independently.
"""

import math

import numpy as np
import pytest
import torch
from torch import nn
from torch.testing import assert_close

from designer.core.blocks import REGISTRY
from tests.compiler.harness import BLOCK, VOCAB, compile_block, copy_weights, run_both

CATEGORIES = {"Recurrent", "Attention"}
COVERED: set[str] = set()
RECURRENT = {"RNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}


def covers(*kinds):
    """Record that the decorated test compares ``kinds`` with hand-written torch."""
    COVERED.update(kinds)
    return lambda test: test


def test_these_tests_cover_every_kind_of_their_categories():
    assert {kind for kind, spec in REGISTRY.items() if spec.category in CATEGORIES} == COVERED


def test_a_wrong_reference_is_caught():
    x = torch.randn(2, 6, 3)
    params = {"hidden_size": 5, "num_layers": 2, "bidirectional": True, "output": "last step"}
    gm = compile_block("LSTM", params, x)
    module = copy_weights(gm.get_submodule(BLOCK), nn.LSTM(3, 5, 2, batch_first=True, bidirectional=True))

    def first_layer(x):  # the final states of the first layer instead of the last
        return torch.cat(list(module(x)[1][0][:2]), dim=1)

    with pytest.raises(AssertionError):
        assert_close(*run_both(gm, first_layer, x))


# ---- recurrent -------------------------------------------------------------------------------------
def recurrent_reference(kind, module, output, bidirectional):
    """The layer as one would write it: the whole sequence, or the last layer's final hidden state(s)."""

    def forward(x):
        sequence, hidden = module(x)
        if output == "sequence":
            return sequence
        h_n = hidden[0] if kind == "LSTM" else hidden  # LSTM returns (h_n, c_n)
        return torch.cat([h_n[-2], h_n[-1]], dim=1) if bidirectional else h_n[-1]

    return forward


RECURRENT_CASES = [
    (kind, layers, bidirectional, output, nonlinearity)
    for kind in RECURRENT
    for layers in (1, 2, 3)
    for bidirectional in (False, True)
    for output in ("sequence", "last step")
    for nonlinearity in (("tanh", "relu") if kind == "RNN" else (None,))
]


@covers(*RECURRENT)
@pytest.mark.parametrize(("kind", "layers", "bidirectional", "output", "nonlinearity"), RECURRENT_CASES)
def test_recurrent(kind, layers, bidirectional, output, nonlinearity):
    extra = {} if nonlinearity is None else {"nonlinearity": nonlinearity}
    params = {"hidden_size": 5, "num_layers": layers, "bidirectional": bidirectional, "output": output, **extra}
    x = torch.randn(2, 6, 3)
    gm = compile_block(kind, params, x)
    module = RECURRENT[kind](3, 5, num_layers=layers, batch_first=True, bidirectional=bidirectional, **extra)
    copy_weights(gm.get_submodule(BLOCK), module)
    module.eval()
    got, want = run_both(gm, recurrent_reference(kind, module, output, bidirectional), x)
    assert_close(got, want)


@pytest.mark.parametrize("kind", RECURRENT)
def test_last_step_is_the_sequence_read_to_its_end_in_each_direction(kind):
    x = torch.randn(2, 6, 3)
    gm = compile_block(kind, {"hidden_size": 5, "num_layers": 2, "bidirectional": True, "output": "last step"}, x)
    module = copy_weights(gm.get_submodule(BLOCK), RECURRENT[kind](3, 5, 2, batch_first=True, bidirectional=True))
    # forward direction: its state after the last step; backward direction: its state after the first step
    got, want = run_both(gm, lambda x: torch.cat([module(x)[0][:, -1, :5], module(x)[0][:, 0, 5:]], dim=1), x)
    assert_close(got, want)


@pytest.mark.parametrize("kind", RECURRENT)
@pytest.mark.parametrize("train", [False, True])
def test_recurrent_without_bias_and_with_dropout(kind, train):
    params = {"hidden_size": 4, "num_layers": 3, "dropout": 0.4, "bias": False}
    x = torch.randn(2, 5, 3)
    gm = compile_block(kind, params, x, variable_length=True)
    module = RECURRENT[kind](3, 4, num_layers=3, bias=False, batch_first=True, dropout=0.4)
    copy_weights(gm.get_submodule(BLOCK), module)
    module.train(train)
    got, want = run_both(gm, lambda x: module(x)[0], x, train=train)
    assert_close(got, want)
    longer = torch.randn(2, 9, 3)  # a variable-length input
    assert_close(*run_both(gm, lambda x: module(x)[0], longer, train=train))


# ---- attention -------------------------------------------------------------------------------------
def causal(length):
    return torch.triu(torch.ones(length, length, dtype=torch.bool), diagonal=1)


def attention_reference(module, is_causal):
    def forward(x):
        mask = causal(x.shape[1]) if is_causal else None
        return module(x, x, x, attn_mask=mask, need_weights=False)[0]

    return forward


@covers("SelfAttention")
@pytest.mark.parametrize("is_causal", [False, True])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("heads", [1, 2, 4])
def test_self_attention(is_causal, bias, heads):
    x = torch.randn(2, 5, 8)
    gm = compile_block(
        "SelfAttention", {"num_heads": heads, "causal": is_causal, "bias": bias}, x, variable_length=True
    )
    module = nn.MultiheadAttention(8, heads, bias=bias, batch_first=True)
    copy_weights(gm.get_submodule(BLOCK), module).eval()
    reference = attention_reference(module, is_causal)
    assert_close(*run_both(gm, reference, x))
    assert_close(*run_both(gm, reference, torch.randn(3, 7, 8)))  # the mask follows the length


@pytest.mark.parametrize("is_causal", [False, True])
def test_causal_attention_does_not_see_later_positions(is_causal):
    x = torch.randn(2, 6, 8)
    gm = compile_block("SelfAttention", {"num_heads": 2, "causal": is_causal}, x).eval()
    changed = x.clone()
    changed[:, 4:] += 1.0
    with torch.no_grad():
        before, after = gm(x), gm(changed)
    assert torch.equal(before[:, :4], after[:, :4]) == is_causal


def test_self_attention_dropout_in_training():
    x = torch.randn(2, 5, 8)
    gm = compile_block("SelfAttention", {"num_heads": 2, "dropout": 0.3, "causal": True}, x)
    module = nn.MultiheadAttention(8, 2, dropout=0.3, batch_first=True)
    copy_weights(gm.get_submodule(BLOCK), module).train()
    got, want = run_both(gm, attention_reference(module, True), x, train=True)
    assert_close(got, want)


@covers("TransformerEncoderLayer")
@pytest.mark.parametrize("train", [False, True])
@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
def test_transformer_encoder_layer(norm_first, activation, train):
    params = {"nhead": 2, "dim_feedforward": 16, "dropout": 0.2, "activation": activation, "norm_first": norm_first}
    x = torch.randn(2, 5, 8)
    gm = compile_block("TransformerEncoderLayer", params, x)
    module = nn.TransformerEncoderLayer(
        8, 2, dim_feedforward=16, dropout=0.2, activation=activation, batch_first=True, norm_first=norm_first
    )
    copy_weights(gm.get_submodule(BLOCK), module).train(train)
    assert_close(*run_both(gm, module, x, train=train))


# ---- positions and tokens --------------------------------------------------------------------------
def vaswani_table(length, width):
    """PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(pos / 10000^(2i/d)), in float64."""
    table = np.zeros((length, width))
    for pos in range(length):
        for feature in range(width):
            angle = pos / 10000 ** (2 * (feature // 2) / width)
            table[pos, feature] = math.sin(angle) if feature % 2 == 0 else math.cos(angle)
    return torch.tensor(table, dtype=torch.float32)


@covers("PositionalEncoding")
@pytest.mark.parametrize("width", [6, 7, 16])
@pytest.mark.parametrize("length", [1, 5, 12])
def test_sinusoidal_positional_encoding_is_the_vaswani_formula(width, length):
    x = torch.randn(2, length, width)
    gm = compile_block("PositionalEncoding", {"max_len": 12}, x).eval()
    assert sum(p.numel() for p in gm.parameters()) == 0
    got, want = run_both(gm, lambda x: x + vaswani_table(length, width), x)
    assert_close(got, want, atol=1e-5, rtol=1e-5)


def test_sinusoidal_encoding_follows_a_variable_length_and_drops_out_in_training():
    gm = compile_block(
        "PositionalEncoding", {"max_len": 40, "dropout": 0.25}, torch.randn(2, 3, 6), variable_length=True
    )
    dropout = nn.Dropout(0.25)
    for length in (4, 40):
        x = torch.randn(3, length, 6)
        assert_close(*run_both(gm, lambda x: x + vaswani_table(x.shape[1], 6), x), atol=1e-5, rtol=1e-5)
        got, want = run_both(gm, lambda x: dropout(x + vaswani_table(x.shape[1], 6)), x, train=True)
        assert_close(got, want, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("length", [3, 9])
def test_learned_positional_encoding_adds_one_trained_vector_per_position(length):
    x = torch.randn(2, length, 4)
    gm = compile_block("PositionalEncoding", {"encoding": "learned", "max_len": 9}, x).eval()
    table = copy_weights(gm.get_submodule(BLOCK), nn.ParameterDict({"table": torch.zeros(9, 4)}))["table"]
    assert_close(*run_both(gm, lambda x: x + table[:length], x))
    gm(x).sum().backward()  # every sample adds to the gradient of the positions it has, and only those
    grad = gm.get_submodule(BLOCK).table.grad
    assert_close(grad[:length], torch.full((length, 4), 2.0))
    assert not grad[length:].any()


@covers("Embedding")
@pytest.mark.parametrize("padding_idx", [None, 0, 7])
def test_embedding(padding_idx):
    tokens = torch.arange(2 * VOCAB).reshape(2, VOCAB) % VOCAB
    gm = compile_block("Embedding", {"embedding_dim": 4, "padding_idx": padding_idx}, tokens)
    compiled = gm.get_submodule(BLOCK)
    if padding_idx is not None:  # the padding token's vector starts at zero
        assert not compiled.weight[padding_idx].any()
    module = copy_weights(compiled, nn.Embedding(VOCAB, 4, padding_idx=padding_idx))
    assert_close(*run_both(gm, module, tokens))
    # the padding token learns nothing: the gradients agree, zero row included
    gm(tokens).pow(2).sum().backward()
    module(tokens).pow(2).sum().backward()
    assert_close(compiled.weight.grad, module.weight.grad)
    if padding_idx is not None:
        assert not compiled.weight.grad[padding_idx].any()
