"""PyTorch code export: a model.py that needs only torch and, with its weights, computes what the design does."""

import ast

import pytest
import torch

from designer.compiler.compile import compile_design
from designer.core.templates import load_template
from designer.export.exporter import export_model
from designer.export.preflight import NOT_TORCH
from designer.export.torch_formats import load_code
from designer.export.weights import read_state_dict
from tests.compiler.harness import randomize, real_inputs
from tests.compiler.test_inference_matches_torch import GENERATORS, draw


def imports_of(path):
    tree = ast.parse(path.read_text())
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    return names | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("kind", [kind for kind in GENERATORS if kind not in NOT_TORCH])
def test_every_block_kind_is_reproduced_exactly(tmp_path, kind):
    design, _ = draw(kind, 0)
    compiled = randomize(compile_design(design)).eval()
    torch.save(compiled.state_dict(), tmp_path / "trained.pt")
    result = export_model(design, "pytorch", tmp_path / "model.py", "test", weights=tmp_path / "trained.pt")
    assert result.passed and all(run.max_abs <= 1e-6 for run in result.parity.runs), result.lines()
    assert imports_of(tmp_path / "model.py") <= {"torch", "math"}
    network = load_code(tmp_path / "model.py")
    network.load_state_dict(read_state_dict(tmp_path / "model.pt"))
    network.eval()
    for run in result.parity.runs:
        xs = real_inputs(design, run.batch, run.length)
        with torch.no_grad():
            assert torch.equal(network(*xs), compiled(*xs))


def test_the_code_reads_like_hand_written_pytorch(tmp_path):
    export_model(load_template("resnet-mini").design, "pytorch", tmp_path / "resnet.py", "ResNet mini")
    code = (tmp_path / "resnet.py").read_text()
    assert code.startswith('"""ResNet mini: the network designed in Designer, as plain PyTorch.')
    assert 'torch.load("resnet.pt", weights_only=True)' in code
    assert "        self.stem = nn.Conv2d(1, 16, 3, padding=1, bias=False)\n" in code
    assert "        block1_add = block1_bn2 + stem_relu\n" in code
    assert "= None" not in code.split("def forward")[1]
