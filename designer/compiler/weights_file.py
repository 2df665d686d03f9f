"""Weights files of a compiled design: found in a run folder or a ``.pt`` file, read without running code.

Export (weights into a module to export) and training (weights to start a run from) both read them.
"""

from __future__ import annotations

import pickle
import zipfile
from pathlib import Path

import torch

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
    except (pickle.UnpicklingError, KeyError, IndexError, ValueError, TypeError):
        # Torch's message for these advises loading unsafely; a file of other bytes fails in the unpickler itself.
        raise WeightsError(
            f"{path} is not a weights file torch can read safely: it is not a state dict saved with torch.save, "
            "or it holds objects besides tensors, which could run code when read"
        ) from None
    except (zipfile.BadZipFile, RuntimeError, EOFError, OSError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise WeightsError(f"{path} is not a weights file torch can read safely: {first}") from None
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise WeightsError(f"{path} does not hold a state dict (names to tensors)")
    return state


def shape_text(tensor: torch.Tensor) -> str:
    """``16×1×3×3``, or ``a scalar``."""
    return "×".join(map(str, tensor.shape)) or "a scalar"
