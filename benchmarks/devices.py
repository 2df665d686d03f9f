"""Where a benchmark's torch work runs: the CPU, or a CUDA GPU in the precision the engine would pick there (bf16)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from contextlib import AbstractContextManager

import torch

from designer.training.device import select_precision

DEVICES = ("cpu", "cuda")
Autocast = Callable[[], AbstractContextManager[object]]
"""Makes the context that runs code in a given precision."""


def missing_device(name: str) -> str | None:
    """Why ``name`` cannot be benchmarked on this machine, or ``None`` when it can."""
    if name == "cuda" and not torch.cuda.is_available():
        return (
            f"--device cuda: this machine has no CUDA GPU that torch {torch.__version__} can use; "
            "run on a machine with one, or use --device cpu"
        )
    return None


def torch_device(name: str) -> torch.device:
    """The torch device for ``name``; a missing GPU stops the benchmark with the reason."""
    problem = missing_device(name)
    if problem is not None:
        raise SystemExit(problem)
    return torch.device("cuda", torch.cuda.current_device()) if name == "cuda" else torch.device("cpu")


def precision(device: torch.device) -> str:
    """``"bf16"`` or ``"fp32"``: what the engine's ``precision: auto`` trains in on ``device``."""
    return select_precision("auto", device)


def autocast(device: torch.device) -> Autocast:
    """A context-manager factory running code in the engine's precision on ``device``."""
    if precision(device) == "bf16":
        return lambda: torch.autocast(device.type, dtype=torch.bfloat16)
    return contextlib.nullcontext


def synchronizer(device: torch.device) -> Callable[[], None]:
    """Waits for the work queued on ``device``, so that a clock reading counts it."""
    if device.type == "cuda":
        return lambda: torch.cuda.synchronize(device)
    return lambda: None
