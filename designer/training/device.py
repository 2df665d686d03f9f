"""Where a run trains and in what precision: CUDA, then Apple MPS, then the CPU; bf16 where the GPU has it."""

from __future__ import annotations

import torch

from designer.core.training_settings import TrainingSettingsError


def select_device(requested: str) -> torch.device:
    """The device for the ``device`` setting; one that is asked for but missing is a settings error."""
    cuda, mps = torch.cuda.is_available(), _mps_available()
    if requested == "auto":
        return torch.device("cuda", torch.cuda.current_device()) if cuda else torch.device("mps" if mps else "cpu")
    if (requested == "cuda" and not cuda) or (requested == "mps" and not mps):
        raise TrainingSettingsError([f"training.device: {requested} is not available on this machine; use auto or cpu"])
    if requested == "cuda":
        return torch.device("cuda", torch.cuda.current_device())
    return torch.device(requested)


def select_precision(requested: str, device: torch.device) -> str:
    """``"bf16"`` (autocast) or ``"fp32"``: auto takes bf16 only on a CUDA device that supports it."""
    bf16_ok = device.type == "cuda" and torch.cuda.is_bf16_supported()
    if requested == "bf16" and not bf16_ok:
        raise TrainingSettingsError(
            [f"training.precision: bf16 needs a CUDA GPU that supports it, not {device}; use auto or fp32"]
        )
    if requested == "auto":
        return "bf16" if bf16_ok else "fp32"
    return requested


SMALL_STEP_FLOPS = 1_000_000_000
"""Forward work per training step (FLOPs) under which automatic CPU threads means one thread."""


def select_cpu_threads(requested: int | None, step_flops: int) -> int:
    """Threads per operation on the CPU: as asked, or one for a small step and torch's default otherwise.

    Measured on a busy 2-core machine: the LSTM template trained at 217 samples/s on one thread and 9 on two.
    """
    if requested is not None:
        return requested
    return 1 if step_flops < SMALL_STEP_FLOPS else torch.get_num_threads()


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend and backend.is_available())
