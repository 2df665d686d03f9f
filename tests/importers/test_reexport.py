"""An unedited import exported again with Designer's own ONNX export means what the original file meant."""

import warnings

import numpy as np
import onnxruntime
import torch

from designer.core.project_file import load_project
from designer.export.exporter import export_model
from designer.importers.onnx_import import import_onnx
from designer.importers.saving import save_import
from tests.importers.models import SAMPLES, export_legacy, perturbed


def run(path, x):
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: x})[0]


def test_import_then_export_gives_the_same_outputs_in_onnxruntime(tmp_path):
    """…and importing that export again gives the same layers under the same names (the exporter folds the batch
    norm into the layer before it and names pooling after its function, so those differ)."""
    build, sample = SAMPLES["lenet"]
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        original = export_legacy(perturbed(build()), sample, tmp_path / "original.onnx")
    project_path, weights = save_import(import_onnx(original), tmp_path / "lenet.json")
    result = export_model(load_project(project_path).design, "onnx", tmp_path / "again.onnx", weights=weights)
    assert result.passed
    first = import_onnx(original).project.design
    second = import_onnx(tmp_path / "again.onnx").project.design
    layers = [(b.kind, b.name) for b in first.blocks() if b.kind in ("Conv2d", "Linear")]
    assert layers == [(b.kind, b.name) for b in second.blocks() if b.kind in ("Conv2d", "Linear")]
    assert "OnnxOp" not in {b.kind for b in second.blocks()}
    for batch in (1, 5):
        x = np.random.default_rng(batch).normal(size=(batch, *sample)).astype(np.float32)
        np.testing.assert_allclose(run(tmp_path / "again.onnx", x), run(original, x), atol=1e-4, rtol=1e-4)
