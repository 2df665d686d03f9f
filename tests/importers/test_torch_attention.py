"""Attention in traced PyTorch modules: nn.TransformerEncoder as its layers, and hand-written attention around
F.scaled_dot_product_attention as one SelfAttention block; refusals name the attention and the reason."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from designer.compiler.compile import compile_design
from designer.importers.result import ModelImportError
from designer.importers.torch_import import import_module
from tests.importers.attention_models import Encoder, HandWritten
from tests.importers.models import perturbed
from tests.importers.written_out import train_one_step

SAMPLE = (5, 4)


def assert_computes_like(result, original):
    module = compile_design(result.project.design).eval()
    module.load_state_dict(result.weights)
    x = torch.randn(3, *SAMPLE, generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        expected = original(x)
        torch.testing.assert_close(module(x), expected, rtol=1e-5, atol=1e-5 * float(expected.abs().max()))


@pytest.mark.parametrize("causal", [False, True])
def test_hand_written_attention_becomes_one_block(causal):
    torch.manual_seed(0)
    original = perturbed(HandWritten(causal))
    result = import_module(original, list(SAMPLE))
    assert [b.kind for b in result.project.design.blocks()] == [
        "Input",
        "Linear",
        "SelfAttention",
        "Flatten",
        "Linear",
        "Output",
    ]
    (block,) = [b for b in result.project.design.blocks() if b.kind == "SelfAttention"]
    assert (block.name, block.params["num_heads"], block.params["causal"]) == ("attention", 2, causal)
    torch.testing.assert_close(
        result.weights["attention.in_proj_weight"],
        torch.cat([original.query.weight, original.key.weight, original.value.weight]),
    )
    assert_computes_like(result, original)
    train_one_step(result, SAMPLE, "SelfAttention")


@pytest.mark.parametrize("norm_first", [False, True])
def test_a_transformer_encoder_becomes_its_layers(norm_first):
    torch.manual_seed(0)
    original = perturbed(Encoder(norm_first))
    result = import_module(original, list(SAMPLE))
    layers = [b for b in result.project.design.blocks() if b.kind == "TransformerEncoderLayer"]
    assert [b.name for b in layers] == ["encoder_layers_0", "encoder_layers_1"]
    assert {b.params["norm_first"] for b in layers} == {norm_first}
    assert "encoder_layers_1.self_attn.in_proj_weight" in result.weights
    assert_computes_like(result, original)


class Interleaved(HandWritten):
    """Heads taken from every second feature rather than from consecutive features: not what SelfAttention does."""

    def heads(self, x: torch.Tensor) -> torch.Tensor:
        return x.view(x.shape[0], x.shape[1], 8, 2).permute(0, 3, 1, 2)


def test_attention_that_is_not_self_attention_is_refused_with_the_reason():
    with pytest.raises(ModelImportError, match=r"looks like attention, but a SelfAttention block computes something"):
        import_module(perturbed(Interleaved()), list(SAMPLE))


def test_a_transformer_encoder_without_a_block_is_refused():
    class Masked(Encoder):
        def forward(self, x):
            return self.encoder(self.embed(x), mask=torch.ones(5, 5, dtype=torch.bool).triu(1)).flatten(1)

    with pytest.raises(ModelImportError, match="only TransformerEncoder without a mask has blocks"):
        import_module(Masked(norm_first=False), list(SAMPLE))
    with pytest.raises(
        ModelImportError, match=r"layers\.0: TransformerEncoderLayer with these settings has no Designer"
    ):
        import_module(Encoder(norm_first=False, eps=1e-6), list(SAMPLE))  # the block's norms have torch's default eps


class HandWrittenLayer(nn.Module):
    """A pre-norm encoder layer written out by hand around hand-written attention."""

    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Linear(4, 16)
        self.norm1, self.norm2 = nn.LayerNorm(16), nn.LayerNorm(16)
        self.attention = HandWritten()
        self.linear1, self.linear2 = nn.Linear(16, 32), nn.Linear(32, 16)
        self.fc = nn.Linear(16 * 5, 3)

    def attend(self, x: torch.Tensor) -> torch.Tensor:
        a = self.attention
        q, k, v = a.heads(a.query(x)), a.heads(a.key(x)), a.heads(a.value(x))
        return a.out(F.scaled_dot_product_attention(q, k, v).transpose(1, 2).reshape(x.shape))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.embed(x)
        h = h + self.attend(self.norm1(h))
        h = h + self.linear2(F.gelu(self.linear1(self.norm2(h))))
        return self.fc(torch.flatten(h, 1))


def test_a_hand_written_encoder_layer_becomes_one_block():
    torch.manual_seed(0)
    original = perturbed(HandWrittenLayer())
    result = import_module(original, list(SAMPLE))
    assert [b.kind for b in result.project.design.blocks()] == [
        "Input", "Linear", "Flatten", "Linear", "Output", "TransformerEncoderLayer"
    ]  # fmt: skip
    (layer,) = [b for b in result.project.design.blocks() if b.kind == "TransformerEncoderLayer"]
    assert layer.params | {"d_model": None} == {
        "d_model": None, "nhead": 2, "dim_feedforward": 32, "dropout": 0.0, "activation": "gelu", "norm_first": True
    }  # fmt: skip
    assert_computes_like(result, original)
