"""Every block kind says what it computes, in the terms its parameters use."""

import pytest

from designer.core.blocks import REGISTRY

WITHOUT_FORMULA = {"Input", "Output", "OnnxOp"}


@pytest.mark.parametrize("kind", sorted(set(REGISTRY) - WITHOUT_FORMULA))
def test_every_block_kind_has_a_formula(kind: str) -> None:
    assert REGISTRY[kind].formula.strip(), f"{kind} has no formula"


def test_the_convolution_formula_gives_the_output_size_rule() -> None:
    formula = REGISTRY["Conv2d"].formula
    assert "H_out = ⌊(H + 2·padding − dilation·(kernel_size − 1) − 1) / stride⌋ + 1" in formula
    assert "W_out" in formula


def test_the_lstm_formula_has_every_gate_and_the_cell() -> None:
    formula = REGISTRY["LSTM"].formula
    for line in ("i_t = σ(", "f_t = σ(", "g_t = tanh(", "o_t = σ(", "c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t"):
        assert line in formula


def test_attention_and_positional_encoding_formulas() -> None:
    assert "softmax(Q_i·K_iᵀ / √d_k" in REGISTRY["SelfAttention"].formula
    encoder = REGISTRY["TransformerEncoderLayer"].formula
    assert "post-norm" in encoder and "pre-norm" in encoder
    assert "PE(pos, 2i) = sin(pos / 10000^(2i/E))" in REGISTRY["PositionalEncoding"].formula


def test_formulas_name_only_parameters_the_block_has() -> None:
    """A formula written in terms of a parameter the block lacks would mislead (say, dilation on pooling)."""
    for kind, spec in REGISTRY.items():
        names = {p.name for p in spec.params}
        for word in ("dilation", "output_padding", "negative_slope", "num_groups", "momentum", "padding_idx"):
            if word in spec.formula:
                assert word in names, f"{kind}'s formula names {word}, which it has no parameter for"
