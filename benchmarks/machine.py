"""What a benchmark run ran on: processor, cores, GPU, the versions that matter, the load, the date and commit."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any


def now() -> str:
    """The date and time in UTC, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def describe_machine(device: str) -> dict[str, Any]:
    """The machine as results.json records it; ``gpu`` names the GPU of a CUDA run."""
    return {
        "device": device,
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "gpu": gpu_name() if device == "cuda" else None,
        "precision": gpu_precision() if device == "cuda" else "fp32",  # the engine trains in fp32 on the CPU
        "python": platform.python_version(),
        "torch": _version("torch"),
        "pyside6": _version("PySide6", "PySide6-Essentials"),
        "os": platform.platform(terse=True),
        "load_average": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        "date": now(),
        "commit": _commit(),
    }


def cpu_model() -> str:
    """The processor's model name, as the system reports it."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def gpu_name() -> str:
    import torch

    return torch.cuda.get_device_name(torch.cuda.current_device())


def gpu_precision() -> str:
    """What the engine trains in on this GPU: bf16 where it has it."""
    import torch

    from benchmarks.devices import precision

    return precision(torch.device("cuda", torch.cuda.current_device()))


def _version(*distributions: str) -> str | None:
    for name in distributions:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return None


def _commit() -> str | None:
    """The checked-out commit, short; ``None`` outside git."""
    root = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True)
    except OSError:
        return None
    return head.stdout.strip() or None
