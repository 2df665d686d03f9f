"""Trained weights: found in a run folder or a ``.pt`` file, read without running code, checked against a design."""

from __future__ import annotations

import pickle
import zipfile
from pathlib import Path

import torch
from torch import nn

RUN_WEIGHTS = ("best.pt", "last.pt")
"""What a run folder holds, in the order they are preferred."""


class WeightsError(Exception):
    """Weights that cannot be used; the message says which file and why."""


def weights_file(source: Path) -> Path:
    """The weights file ``source`` stands for: itself, or the best (else last) weights of a run folder."""
    if source.is_dir():
        for name in RUN_WEIGHTS:
            if (source / name).is_file():
                return source / name
        raise WeightsError(f"{source} is a folder without {' or '.join(RUN_WEIGHTS)}; give a run folder or a .pt file")
    if not source.is_file():
        raise WeightsError(f"{source} does not exist")
    return source


def read_state_dict(path: Path) -> dict[str, torch.Tensor]:
    """The tensors saved in ``path``, loaded with ``weights_only=True`` so that no code in the file runs."""
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, zipfile.BadZipFile, RuntimeError, EOFError, OSError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise WeightsError(f"{path} is not a weights file torch can read safely: {first}") from None
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise WeightsError(f"{path} does not hold a state dict (names to tensors)")
    return state


def load_weights(module: nn.Module, source: Path) -> Path:
    """Put the weights of ``source`` (a run folder or a file) into ``module``; return the file used."""
    path = weights_file(source)
    state, own = read_state_dict(path), module.state_dict()
    missing = sorted(set(own) - set(state))
    unexpected = sorted(set(state) - set(own))
    wrong = [
        f"{k} is {_shape(state[k])} but the design needs {_shape(own[k])}" for k in own if _mismatch(k, state, own)
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


def _shape(tensor: torch.Tensor) -> str:
    return "×".join(map(str, tensor.shape)) or "a scalar"
