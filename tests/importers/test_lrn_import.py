"""Local response norm imported as LocalResponseNorm blocks: ONNX's LRN operator, the Pow/AveragePool/Div chain
torch's exporters write for nn.LocalResponseNorm, and nn.LocalResponseNorm in a traced module."""

import pytest
import torch
from onnx import helper
from torch import nn

from designer.compiler.compile import compile_design
from designer.importers.onnx_import import import_onnx
from designer.importers.torch_import import import_module
from tests.importers.models import perturbed
from tests.importers.onnx_builders import float_input, save
from tests.importers.written_out import (
    assert_computes_like_onnxruntime,
    assert_exports_again,
    export,
    kinds,
    train_one_step,
)

SAMPLE = (3, 16, 16)


class AlexNetStyle(nn.Module):
    """Convolutions each followed by ReLU, local response norm and max pooling, as in AlexNet."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1),
            nn.ReLU(),
            nn.LocalResponseNorm(5, alpha=1e-3, beta=0.75, k=2.0),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 12, 3, padding=1),
            nn.ReLU(),
            nn.LocalResponseNorm(3, alpha=0.01, beta=0.5, k=1.0),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(12 * 4 * 4, 5))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


@pytest.fixture(scope="module")
def alexnet(tmp_path_factory):
    torch.manual_seed(0)
    return export(perturbed(AlexNetStyle()), SAMPLE, tmp_path_factory.mktemp("lrn") / "alexnet.onnx")


def test_torch_local_response_norm_becomes_blocks(alexnet):
    result = import_onnx(alexnet)
    assert kinds(result)["LocalResponseNorm"] == 2 and "OnnxOp" not in kinds(result) and not result.report.kept
    blocks = [b for b in result.project.design.blocks() if b.kind == "LocalResponseNorm"]
    assert [b.name for b in blocks] == ["features_2", "features_6"]
    first, second = (b.params for b in blocks)
    assert first["size"] == 5 and first["beta"] == 0.75 and first["k"] == 2.0 and first["alpha"] == pytest.approx(1e-3)
    assert second["size"] == 3 and second["beta"] == 0.5 and second["alpha"] == pytest.approx(0.01)
    assert_computes_like_onnxruntime(result, alexnet, SAMPLE)
    train_one_step(result, SAMPLE, "LocalResponseNorm")


def test_the_import_exports_again_and_that_file_imports_back(alexnet, tmp_path):
    """Designer's export goes through torch's dynamo exporter, which writes the norm out its own way."""
    again = assert_exports_again(import_onnx(alexnet), tmp_path)
    result = import_onnx(again)
    assert kinds(result)["LocalResponseNorm"] == 2 and "OnnxOp" not in kinds(result)
    assert_computes_like_onnxruntime(result, again, SAMPLE)


def lrn_file(path, size):
    node = helper.make_node("LRN", ["x"], ["y"], size=size, alpha=0.02, beta=0.6, bias=1.5)
    return save([node], [float_input("x", ["batch", 6, 4, 4])], [float_input("y", ["batch", 6, 4, 4])], [], path)


def test_the_onnx_operator_becomes_a_block(tmp_path):
    path = lrn_file(tmp_path / "lrn.onnx", 5)
    result = import_onnx(path)
    (block,) = [b for b in result.project.design.blocks() if b.kind == "LocalResponseNorm"]
    assert block.params == {"size": 5, "alpha": pytest.approx(0.02), "beta": pytest.approx(0.6), "k": 1.5}
    assert_computes_like_onnxruntime(result, path, (6, 4, 4))


def test_an_even_window_is_kept_because_onnx_centres_it_otherwise(tmp_path):
    result = import_onnx(lrn_file(tmp_path / "even.onnx", 4))
    assert kinds(result)["OnnxOp"] == 1 and "LocalResponseNorm" not in kinds(result)
    assert any("even size (4)" in note for note in result.report.notes)


def test_a_traced_module_maps_its_local_response_norm():
    torch.manual_seed(0)
    original = perturbed(AlexNetStyle())
    result = import_module(original, list(SAMPLE))
    blocks = {b.name: b for b in result.project.design.blocks() if b.kind == "LocalResponseNorm"}
    assert blocks["features_2"].params == {"size": 5, "alpha": 1e-3, "beta": 0.75, "k": 2.0}
    module = compile_design(result.project.design).eval()
    module.load_state_dict(result.weights)
    x = torch.randn(2, *SAMPLE)
    with torch.no_grad():
        torch.testing.assert_close(module(x), original(x))
