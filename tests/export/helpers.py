"""Builders shared by the export tests: trained-looking weights, and what torch keeps for a backward pass."""

from __future__ import annotations

from pathlib import Path

import torch

from designer.compiler.compile import compile_design
from designer.core.design import DesignGraph
from designer.export.prepare import prepare
from tests.compiler.harness import randomize


def initial_weights(design: DesignGraph, path: Path) -> Path:
    """The weights a freshly compiled design starts with, saved so that two exports can share them."""
    torch.save(compile_design(design).state_dict(), path)
    return path


def trained_weights(design: DesignGraph, path: Path) -> Path:
    """A state dict as training would leave it: every weight and running statistic moved off its initial value."""
    module = randomize(compile_design(design))
    with torch.no_grad():
        for parameter in module.parameters():
            parameter.mul_(0.5)  # keep deep stacks from saturating, so differences stay visible
    torch.save(module.state_dict(), path)
    return path


def saved_for_backward(design: DesignGraph, batch: int, length: int | None = None) -> int:
    """Bytes of the distinct tensors autograd keeps for one backward pass of ``design`` in training mode on the CPU.

    Every tensor handed to ``saved_tensors_hooks`` is counted by its storage, once however many views of it are
    kept; the weights are left out (the analysis counts them apart). The inputs are made at ``length``.
    """
    module = compile_design(design).train()
    inputs = prepare(design).example_inputs(batch, length)
    storages: dict[int, int] = {}

    def pack(tensor: torch.Tensor) -> torch.Tensor:
        storage = tensor.untyped_storage()
        storages[storage.data_ptr()] = storage.nbytes()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        output = module(*inputs)
    if output.requires_grad:
        output.float().sum().backward()
    parameters = {p.untyped_storage().data_ptr() for p in module.parameters()}
    return sum(size for pointer, size in storages.items() if pointer not in parameters)
