"""A PyTorch RNN → LSTM → GRU model exported to ONNX, imported as a design and exported again by Designer runs
with the original's outputs in onnxruntime, at lengths other than the one either export was traced at."""

import warnings

import numpy as np
import onnxruntime
import torch
from torch import nn

from designer.core.project_file import load_project
from designer.export.exporter import export_model
from designer.importers.onnx_import import import_onnx
from designer.importers.saving import save_import
from tests.importers.models import perturbed

TRACED_LENGTH = 7


class RecurrentStack(nn.Module):
    """Three recurrent kinds in sequence, a bidirectional one among them, and a Linear layer at every step."""

    def __init__(self) -> None:
        super().__init__()
        self.rnn = nn.RNN(4, 5, batch_first=True)
        self.lstm = nn.LSTM(5, 6, batch_first=True, bidirectional=True)
        self.gru = nn.GRU(12, 3, batch_first=True)
        self.fc = nn.Linear(3, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.gru(self.lstm(self.rnn(x)[0])[0])[0])


def run(path, x):
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: x})[0]


def test_import_then_export_keeps_outputs_at_other_lengths(tmp_path):
    torch.manual_seed(0)
    original = tmp_path / "original.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            perturbed(RecurrentStack()),
            (torch.randn(2, TRACED_LENGTH, 4),),
            str(original),
            dynamo=False,  # the TorchScript exporter: fast, and what many published recurrent models came from
            input_names=["x"],
            output_names=["y"],
            dynamic_axes={"x": {0: "batch", 1: "length"}, "y": {0: "batch", 1: "length"}},
        )
    imported = import_onnx(original)
    kinds = [b.kind for b in imported.project.design.blocks()]
    assert [k for k in kinds if k in ("RNN", "LSTM", "GRU", "OnnxOp")] == ["RNN", "LSTM", "GRU"]
    project_path, weights = save_import(imported, tmp_path / "stack.json")

    result = export_model(load_project(project_path).design, "onnx", tmp_path / "again.onnx", weights=weights)
    assert result.passed, result.lines()
    for batch, length in ((1, 3), (4, 11), (2, 1)):
        x = np.random.default_rng(length).normal(size=(batch, length, 4)).astype(np.float32)
        np.testing.assert_allclose(run(tmp_path / "again.onnx", x), run(original, x), atol=1e-4, rtol=1e-4)
