"""Attention as torch's exporters write it out (MatMul, Transpose, Reshape, Softmax, …) imported as SelfAttention
blocks, and whole encoder layers as TransformerEncoderLayer blocks, with their weights: nothing left as ONNX
operators, the same outputs as onnxruntime, trainable, exportable."""

import pytest
import torch
from onnx import helper

from designer.importers import onnx_ops
from designer.importers.onnx_import import import_onnx
from tests.importers.attention_models import AttentionClassifier, Encoder, HandWritten
from tests.importers.models import perturbed
from tests.importers.onnx_builders import float_input, save
from tests.importers.written_out import (
    assert_computes_like_onnxruntime,
    assert_exports_again,
    export,
    kinds,
    train_one_step,
)

SAMPLE = (5, 4)


MODELS = {
    "multihead": (AttentionClassifier, "SelfAttention", 1),
    "encoder-post-norm": (lambda: Encoder(norm_first=False), "TransformerEncoderLayer", 2),
    "encoder-pre-norm": (lambda: Encoder(norm_first=True), "TransformerEncoderLayer", 2),
    "encoder-other-eps": (lambda: Encoder(norm_first=False, eps=1e-6), "SelfAttention", 2),  # no block has its eps
    "hand-written": (HandWritten, "SelfAttention", 1),
    "hand-written-causal": (lambda: HandWritten(causal=True), "SelfAttention", 1),
}


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("attention")
    files = {}
    for name, (build, _, _) in MODELS.items():
        torch.manual_seed(0)
        files[name] = export(perturbed(build()), SAMPLE, folder / f"{name}.onnx")
    return files


@pytest.mark.parametrize("name", MODELS)
def test_attention_becomes_attention_blocks(exported, name):
    _, kind, count = MODELS[name]
    result = import_onnx(exported[name])
    found = kinds(result)
    assert found[kind] == count and found["SelfAttention"] + found["TransformerEncoderLayer"] == count
    assert "OnnxOp" not in found and not result.report.kept
    assert_computes_like_onnxruntime(result, exported[name], SAMPLE)
    gradients = train_one_step(result, SAMPLE, kind)
    assert any(n.endswith("in_proj_weight") for n in gradients) and any("out_proj" in n for n in gradients)


def test_what_the_blocks_are_read_as(exported):
    design = import_onnx(exported["encoder-pre-norm"]).project.design
    layers = [b for b in design.blocks() if b.kind == "TransformerEncoderLayer"]
    assert [b.name for b in layers] == ["encoder_layers_0", "encoder_layers_1"]
    assert {(b.params["nhead"], b.params["dim_feedforward"], b.params["norm_first"]) for b in layers} == {(2, 32, True)}
    assert {b.kind for b in design.blocks()} == {"Input", "Linear", "TransformerEncoderLayer", "Flatten", "Output"}
    apart = import_onnx(exported["encoder-other-eps"]).project.design
    attention = [b for b in apart.blocks() if b.kind == "SelfAttention"]
    assert [b.name for b in attention] == ["encoder_layers_0_self_attn", "encoder_layers_1_self_attn"]
    assert {(b.params["num_heads"], b.params["causal"]) for b in attention} == {(2, False)}
    assert {"LayerNorm", "Add", "ReLU"} <= {b.kind for b in apart.blocks()}
    causal = import_onnx(exported["hand-written-causal"]).project.design
    assert [(b.params["num_heads"], b.params["causal"]) for b in causal.blocks() if b.kind == "SelfAttention"] == [
        (2, True)
    ]


def test_the_weights_are_those_of_the_model(exported):
    torch.manual_seed(0)
    model = perturbed(AttentionClassifier())
    result = import_onnx(exported["multihead"])
    for key, value in model.attention.state_dict().items():
        torch.testing.assert_close(result.weights[f"attention.{key}"], value)
    torch.manual_seed(0)
    encoder = perturbed(Encoder(norm_first=True))
    result = import_onnx(exported["encoder-pre-norm"])
    for index, layer in enumerate(encoder.encoder.layers):
        for key, value in layer.state_dict().items():
            torch.testing.assert_close(result.weights[f"encoder_layers_{index}.{key}"], value)


def test_the_import_exports_again_and_that_file_imports_back(exported, tmp_path):
    """Designer's export goes through torch's dynamo exporter, which writes attention out its own way."""
    again = assert_exports_again(import_onnx(exported["encoder-post-norm"]), tmp_path)
    result = import_onnx(again)
    assert kinds(result)["TransformerEncoderLayer"] == 2 and "OnnxOp" not in kinds(result)
    assert_computes_like_onnxruntime(result, again, SAMPLE)


class Masked(AttentionClassifier):
    """Each position sees only itself and its neighbours: a mask SelfAttention does not have."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.embed(x)
        band = torch.ones(5, 5, dtype=torch.bool).triu(2) | torch.ones(5, 5, dtype=torch.bool).tril(-2)
        attended, _ = self.attention(h, h, h, need_weights=False, attn_mask=band)
        return self.fc(torch.flatten(self.norm(h + attended), 1))


class WeightsUsed(AttentionClassifier):
    """The attention weights are used besides the attention's result."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.embed(x)
        attended, weights = self.attention(h, h, h)
        return self.fc(torch.flatten(self.norm(h + attended + weights[:, :, :1]), 1))


@pytest.mark.parametrize(
    ("build", "reason"),
    [
        (Masked, "its mask is not the causal one, the only mask SelfAttention has; largest difference"),
        (WeightsUsed, "its attention weights are used for more than weighing the values"),
    ],
)
def test_attention_without_a_block_is_kept_and_the_report_says_why(build, reason, tmp_path):
    torch.manual_seed(0)
    path = export(perturbed(build()), SAMPLE, tmp_path / "variant.onnx")
    result = import_onnx(path)
    assert "SelfAttention" not in kinds(result) and result.report.kept
    assert any(reason in line for line in result.report.lines())
    assert_computes_like_onnxruntime(result, path, SAMPLE)


def test_attention_without_projections_is_kept_and_said_why(tmp_path):
    """softmax(x·xᵀ)·x: attention's core, but no projections for a SelfAttention block's weights."""
    nodes = [
        helper.make_node("Transpose", ["x"], ["xt"], perm=[0, 2, 1]),
        helper.make_node("MatMul", ["x", "xt"], ["scores"]),
        helper.make_node("Softmax", ["scores"], ["weights"], axis=-1),
        helper.make_node("MatMul", ["weights", "x"], ["y"]),
    ]
    path = save(
        nodes, [float_input("x", ["batch", 5, 4])], [float_input("y", ["batch", 5, 4])], [], tmp_path / "bare.onnx"
    )
    result = import_onnx(path)
    assert kinds(result)["OnnxOp"] == 2 and "SelfAttention" not in kinds(result)
    assert any("not a linear projection of one tensor" in note for note in result.report.notes)
    assert_computes_like_onnxruntime(result, path, SAMPLE)


def test_a_finder_that_fails_leaves_the_nodes_as_they_are(exported, monkeypatch):
    def broken(importer, index):
        raise IndexError("list index out of range")

    monkeypatch.setitem(onnx_ops.COMPOSITES, "Softmax", broken)
    result = import_onnx(exported["multihead"])
    assert "SelfAttention" not in kinds(result) and result.report.kept
    assert any("could not be examined (IndexError: list index out of range)" in n for n in result.report.notes)
    assert_computes_like_onnxruntime(result, exported["multihead"], SAMPLE)
