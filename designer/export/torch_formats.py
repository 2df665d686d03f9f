"""Exports for users who deploy with torch: the state dict, a torch.export program, and ``model.py`` with weights."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from pathlib import Path

import torch
from torch import nn
from torch.export import Dim

from designer.export.code import CLASS_NAME, model_source
from designer.export.onnx_export import BATCH_DIM, LENGTH_DIM, quiet
from designer.export.parity import ParityReport, compare
from designer.export.prepare import EXPORT_BATCH, ExportError, PreparedModel, first_line
from designer.export.recurrent import recurrent_loops
from designer.export.weights import read_state_dict


def save_weights(model: PreparedModel, path: Path) -> list[str]:
    """The state dict, saved so that ``torch.load(path, weights_only=True)`` reads it back unchanged."""
    state = model.module.state_dict()
    torch.save(state, path)
    again = read_state_dict(path)
    if again.keys() != state.keys() or not all(torch.equal(again[k], v) for k, v in state.items()):
        raise ExportError([f"{path} does not read back as the weights that were saved"])
    return [f"{len(state)} tensors read back with weights_only=True: identical"]


def save_program(model: PreparedModel, path: Path, tolerance: float) -> tuple[list[str], ParityReport]:
    """A ``torch.export`` program with a dynamic batch, and a dynamic length where torch can keep one, saved and
    loaded back for a parity run. Returns what was checked and the parity report."""
    inputs = model.example_inputs(EXPORT_BATCH, model.declared_length)  # the length kept if torch fixes it
    batch = Dim(BATCH_DIM, min=1)
    dynamic = {i.name: {0: batch, 1: Dim.AUTO} if i.declared_length is not None else {0: batch} for i in model.inputs}
    try:
        with quiet(), recurrent_loops():
            program = torch.export.export(model.module, inputs, dynamic_shapes=dynamic)
    except Exception as exc:  # torch.export raises many kinds; each becomes one clear message
        raise ExportError([f"torch.export could not export the model: {first_line(exc)}"]) from None
    torch.export.save(program, path)
    with quiet():  # torch logs a line per unbacked size it does not find again in the loaded graph
        loaded = torch.export.load(path).module()
    varies = model.varies and _accepts_other_lengths(loaded, model)
    checks = [f"dynamic sizes: {BATCH_DIM}" + (f", {LENGTH_DIM}" if varies else "")]
    if model.varies and not varies:
        checks.append(
            f"note: the sequence length is fixed at {model.declared_length} in this program: torch.export cannot "
            "keep it varying through every block of this design"
        )
    against = f"the program loaded from {path.name}"
    return checks, compare(model, lambda xs: _as_list(loaded(*xs)), against, tolerance, varies)


def _accepts_other_lengths(program: nn.Module, model: PreparedModel) -> bool:
    """Whether ``program`` runs at a sequence length other than the one it was traced at."""
    if model.other_length is None:
        return False
    inputs = model.example_inputs(EXPORT_BATCH, model.other_length)
    try:
        with torch.no_grad():
            program(*inputs)
    except (AssertionError, RuntimeError):  # torch.export guards on a length it fixed
        return False
    return True


def save_code(model: PreparedModel, path: Path, title: str, tolerance: float) -> ParityReport:
    """``model.py`` and its weights beside it; both loaded back as a user would, and compared with the design."""
    weights = path.with_suffix(".pt")
    path.write_text(model_source(model.module, title, weights.name), encoding="utf-8")
    torch.save(model.module.state_dict(), weights)
    network = load_code(path)
    try:
        network.load_state_dict(torch.load(weights, weights_only=True))
    except RuntimeError as exc:
        raise ExportError([f"{weights.name} does not fit {path.name}: {first_line(exc)}"]) from None
    network.eval()
    return compare(model, lambda xs: _as_list(network(*xs)), f"{path.name} with {weights.name}", tolerance)


def load_code(path: Path) -> nn.Module:
    """A new ``DesignedNetwork`` from a written ``model.py``, imported under a private module name."""
    name = f"_designer_export_{abs(hash(str(path)))}"
    loader = importlib.machinery.SourceFileLoader(name, str(path))  # whatever the file's suffix
    spec = importlib.util.spec_from_loader(name, loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling look classes up by module
    try:
        loader.exec_module(module)
        return getattr(module, CLASS_NAME)()
    finally:
        del sys.modules[name]


def _as_list(result: torch.Tensor | tuple[torch.Tensor, ...]) -> list[torch.Tensor]:
    return list(result) if isinstance(result, tuple) else [result]
