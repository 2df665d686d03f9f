"""Builders shared by the export tests: trained-looking weights, and the exported code loaded back."""

from __future__ import annotations

from pathlib import Path

import torch

from designer.compiler.compile import compile_design
from designer.core.design import DesignGraph
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
