"""Trained weights: found in a run folder or a ``.pt`` file, read without running code, checked against a design."""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from designer.compiler.weights_file import WeightsError, read_state_dict, shape_text, weights_file

__all__ = ["WeightsError", "load_weights", "read_state_dict", "weights_file"]


def load_weights(module: nn.Module, source: Path) -> Path:
    """Put the weights of ``source`` (a run folder or a file) into ``module``; return the file used."""
    path = weights_file(source)
    state, own = read_state_dict(path), module.state_dict()
    missing = sorted(set(own) - set(state))
    unexpected = sorted(set(state) - set(own))
    wrong = [
        f"{k} is {shape_text(state[k])} but the design needs {shape_text(own[k])}"
        for k in own
        if _mismatch(k, state, own)
    ]
    problems = [f"{len(missing)} missing, e.g. {', '.join(missing[:3])}"] if missing else []
    problems += [f"{len(unexpected)} not in the design, e.g. {', '.join(unexpected[:3])}"] if unexpected else []
    problems += wrong[:3]
    if problems:
        raise WeightsError(f"{path} does not fit this design: " + "; ".join(problems))
    module.load_state_dict(state)
    return path


def _mismatch(key: str, state: dict[str, torch.Tensor], own: dict[str, torch.Tensor]) -> bool:
    return key in state and state[key].shape != own[key].shape
