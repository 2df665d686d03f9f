"""Checks shared by the tests of layers that exporters write out as many nodes (attention, local response norm)."""

from __future__ import annotations

import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import onnxruntime
import torch
from torch import nn

from designer.compiler.compile import compile_design
from designer.core.project_file import load_project
from designer.export.exporter import export_model
from designer.importers.result import ImportResult
from designer.importers.saving import save_import
from tests.importers.models import export_legacy


def export(module: nn.Module, sample: tuple[int, ...], path: Path, dynamo: bool = False) -> Path:
    """``module`` exported by torch with a dynamic batch, as one file, by the TorchScript or the dynamo exporter."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if dynamo:
            batch = torch.export.Dim("batch", min=1)
            torch.onnx.export(
                module,
                (torch.randn(2, *sample),),
                str(path),
                dynamo=True,
                external_data=False,
                input_names=["x"],
                output_names=["y"],
                dynamic_shapes=({0: batch},),
                verbose=False,
            )
        else:
            export_legacy(module, sample, path)
    return path


def kinds(result: ImportResult) -> Counter:
    return Counter(b.kind for b in result.project.design.blocks())


def assert_computes_like_onnxruntime(result: ImportResult, path: Path, sample: tuple[int, ...]) -> None:
    """The compiled import against onnxruntime on the original file, to 1e-4 of the largest output."""
    module = compile_design(result.project.design).eval()
    module.load_state_dict(result.weights)
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    x = np.random.default_rng(3).normal(size=(3, *sample)).astype(np.float32)
    expected = session.run(None, {"x": x})[0]
    with torch.no_grad():
        ours = module(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-4 * np.abs(expected).max())


def train_one_step(result: ImportResult, sample: tuple[int, ...], kind: str) -> dict[str, torch.Tensor]:
    """One SGD step of the compiled import; the gradients of every block of ``kind`` (or, for a block without
    weights, of the blocks before it), each checked to be finite and not all zero."""
    module = compile_design(result.project.design).train()
    module.load_state_dict(result.weights)
    x = torch.randn(4, *sample, generator=torch.Generator().manual_seed(5))
    optimiser = torch.optim.SGD(module.parameters(), lr=0.01)
    loss = module(x).square().mean()
    loss.backward()
    names = {b.name for b in result.project.design.blocks() if b.kind == kind}
    gradients = {n: p.grad for n, p in module.named_parameters() if n.partition(".")[0] in names}
    if not gradients:  # a block without weights passes the gradient on to those before it
        gradients = {n: p.grad for n, p in module.named_parameters()}
    for name, gradient in gradients.items():
        assert gradient is not None and torch.isfinite(gradient).all() and gradient.abs().sum() > 0, name
    optimiser.step()
    return gradients


def assert_exports_again(result: ImportResult, folder: Path) -> Path:
    """The import saved and exported to ONNX by Designer, its parity check passed; the file written."""
    project, weights = save_import(result, folder / "imported.json")
    exported = export_model(load_project(project).design, "onnx", folder / "again.onnx", weights=weights)
    assert exported.passed, exported.lines()
    return folder / "again.onnx"
