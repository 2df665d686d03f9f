"""Networks exported by torch, imported, compiled and run: the same outputs as onnxruntime on the original file."""

import warnings

import numpy as np
import onnxruntime
import pytest
import torch

from designer.compiler.compile import compile_design
from designer.core.project_file import load_project
from designer.export.weights import load_weights
from designer.importers.onnx_import import import_onnx
from designer.importers.saving import save_import
from tests.importers.models import SAMPLES, export_legacy, perturbed

TOLERANCE = 1e-4


def reference(path, x):
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, {"x": x.numpy()})[0]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Every sample network exported once, with the inputs it is compared on."""
    folder = tmp_path_factory.mktemp("onnx")
    models = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, (build, sample) in SAMPLES.items():
            torch.manual_seed(0)
            path = export_legacy(perturbed(build()), sample, folder / f"{name}.onnx")
            x = torch.randn(3, *sample, generator=torch.Generator().manual_seed(1))
            models[name] = (path, x, reference(path, x))
    return models


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_imported_design_computes_what_the_model_computes(exported, name):
    path, x, expected = exported[name]
    result = import_onnx(path)
    module = compile_design(result.project.design).eval()
    module.load_state_dict(result.weights)
    with torch.no_grad():
        np.testing.assert_allclose(module(x).numpy(), expected, atol=TOLERANCE, rtol=TOLERANCE)


@pytest.mark.parametrize(
    ("name", "kinds"),
    [
        ("lenet", {"Conv2d": 2, "MaxPool2d": 2, "Linear": 2, "BatchNorm1d": 1, "Flatten": 1, "ReLU": 3}),
        ("resnet", {"Conv2d": 5, "Add": 2, "AdaptiveAvgPool2d": 1}),
        ("vgg", {"Conv2d": 3, "LeakyReLU": 1, "AvgPool2d": 1, "Tanh": 1}),
        ("mlp", {"Linear": 3, "GELU": 1, "Multiply": 1, "Concat": 1, "Softmax": 1, "Sigmoid": 1}),
        ("lstm", {"LSTM": 2, "Linear": 1}),
        ("gru", {"GRU": 2, "Linear": 1}),
        ("tagger", {"GRU": 1, "Linear": 1}),
        ("attention", {"LayerNorm": 1, "Linear": 2, "SelfAttention": 1}),
    ],
)
def test_standard_layers_become_designer_blocks(exported, name, kinds):
    result = import_onnx(exported[name][0])
    found = [b.kind for b in result.project.design.blocks()]
    assert {kind: found.count(kind) for kind in kinds} == kinds
    if name != "attention":
        assert "OnnxOp" not in found and not result.report.kept


def test_recurrent_blocks_give_the_result_the_model_uses(exported):
    design = import_onnx(exported["lstm"][0]).project.design
    first, second = (b for b in design.blocks() if b.kind == "LSTM")
    assert (first.params["output"], second.params["output"]) == ("sequence", "last step")
    assert first.params["bidirectional"] and second.params["hidden_size"] == 8
    tagger = next(b for b in import_onnx(exported["tagger"][0]).project.design.blocks() if b.kind == "GRU")
    assert tagger.params["output"] == "sequence"


def test_operators_without_a_block_are_kept_and_reported(exported):
    result = import_onnx(exported["attention"][0])
    kept = [b for b in result.project.design.blocks() if b.kind == "OnnxOp"]
    assert kept and len(kept) == len(result.report.kept)
    assert [b.params["op_type"] for b in kept] == ["ReduceMean"]  # the attention itself is a SelfAttention block
    text = "\n".join(result.report.lines())
    assert "kept as generic ONNX operators" in text and "ReduceMean" in text


def test_saved_import_runs_without_the_original_file(exported, tmp_path):
    path, x, expected = exported["resnet"]
    project_path, weights = save_import(import_onnx(path), tmp_path / "resnet.json")
    assert weights == tmp_path / "resnet.pt"
    compiled = compile_design(load_project(project_path).design)
    assert set(torch.load(weights, weights_only=True)) == set(compiled.state_dict())
    copy = tmp_path / "gone.onnx"
    copy.write_bytes(path.read_bytes())
    result = import_onnx(copy)
    copy.unlink()
    save_import(result, tmp_path / "again.json")
    module = compile_design(load_project(tmp_path / "again.json").design).eval()
    load_weights(module, tmp_path / "again.pt")
    with torch.no_grad():
        np.testing.assert_allclose(module(x).numpy(), expected, atol=TOLERANCE, rtol=TOLERANCE)


def test_shapes_are_checked_against_onnx(exported):
    notes = import_onnx(exported["lenet"][0]).report.notes
    assert any("checked against ONNX shape inference: all agree" in n for n in notes)


def test_a_sequence_length_left_open_stays_open(tmp_path):
    build, sample = SAMPLES["tagger"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = tmp_path / "tagger.onnx"
        torch.onnx.export(
            perturbed(build()),
            (torch.randn(2, *sample),),
            str(path),
            dynamo=False,
            input_names=["x"],
            output_names=["y"],
            dynamic_axes={"x": {0: "batch", 1: "length"}, "y": {0: "batch", 1: "length"}},
        )
    result = import_onnx(path)
    assert next(result.project.design.blocks()).params["variable_length"]
    module = compile_design(result.project.design).eval()
    module.load_state_dict(result.weights)
    for length in (3, 11):
        x = torch.randn(2, length, sample[1])
        with torch.no_grad():
            np.testing.assert_allclose(module(x).numpy(), reference(path, x), atol=TOLERANCE, rtol=TOLERANCE)
