"""What this machine offers Designer: the rows ``designer doctor`` prints and the About dialog shows."""

from __future__ import annotations

import importlib
import os
import platform
import subprocess
import sys
from collections.abc import Callable

from designer import __version__

Row = tuple[str, str]


def environment_rows() -> list[Row]:
    """Designer, Python, the system, torch and the GPU, Qt, ONNX and the libraries, one (name, value) row each."""
    rows: list[Row] = [
        ("Designer", __version__),
        ("Python", f"{platform.python_version()} ({sys.executable})"),
        ("System", f"{platform.system()} {platform.release()} {platform.machine()}"),
    ]
    for check in (_torch, _qt, _onnx, _libraries):
        rows.extend(check())
    return rows


def format_rows(rows: list[Row]) -> str:
    """The rows as aligned lines of text, as ``designer doctor`` prints them."""
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def _version(module: str) -> str | None:
    """The version a module says it has (packaged apps carry no install metadata), or None when it is missing."""
    try:
        return str(importlib.import_module(module).__version__)
    except ImportError:
        return None


def _guarded(name: str, probe: Callable[[], list[Row]]) -> list[Row]:
    """``probe()``'s rows, or one row saying why ``name`` could not be examined."""
    try:
        return probe()
    except Exception as exc:  # a broken install must be reported, not crash the report
        return [(name, f"cannot be loaded: {type(exc).__name__}: {exc}")]


def _torch() -> list[Row]:
    def probe() -> list[Row]:
        import torch

        build = f"built for CUDA {torch.version.cuda}" if torch.version.cuda else "a CPU-only build"
        rows = [("torch", f"{torch.__version__} ({build})")]
        if torch.cuda.is_available():
            names = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
            bf16 = "with bf16" if torch.cuda.is_bf16_supported() else "without bf16"
            rows.append(("GPU", f"{len(names)} CUDA device(s), {bf16}: " + ", ".join(names)))
        elif torch.backends.mps.is_available():
            rows.append(("GPU", "Apple MPS is available"))
        else:
            rows.append(("GPU", "none found: training runs on the CPU"))
        rows.append(("CPU threads", str(torch.get_num_threads())))
        return rows

    return _guarded("torch", probe)


def _qt() -> list[Row]:
    """Qt's version, and the platform it would open windows on, found in a child process so a bad one can't hang us."""
    version = _version("PySide6")
    if version is None:
        return [("Qt", "PySide6 is not installed: the editor cannot open")]
    designer = [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "designer"]
    try:
        done = subprocess.run([*designer, "doctor", "--probe-qt"], capture_output=True, text=True, timeout=20)
    except subprocess.TimeoutExpired:
        return [("Qt", f"PySide6 {version}; starting Qt took over 20 s")]
    if done.returncode != 0:
        if not _has_display():
            why = "no display found (run the editor under xvfb-run, or set QT_QPA_PLATFORM=offscreen)"
        else:
            why = (done.stderr.strip().splitlines() or ["no message"])[0]
        return [("Qt", f"PySide6 {version}; Qt cannot open windows: {why}")]
    qt_version, platform_name = done.stdout.split()
    display = "" if _has_display() else " (no display: windows are not shown)"
    return [("Qt", f"PySide6 {version}, Qt {qt_version}, platform {platform_name}{display}")]


def _has_display() -> bool:
    return sys.platform in ("win32", "darwin") or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _onnx() -> list[Row]:
    def probe() -> list[Row]:
        import onnx
        import onnxruntime

        providers = ", ".join(onnxruntime.get_available_providers())
        return [("ONNX", onnx.__version__), ("ONNX Runtime", f"{onnxruntime.__version__} ({providers})")]

    return _guarded("ONNX", probe)


def _libraries() -> list[Row]:
    names = {"numpy": "numpy", "networkx": "networkx", "pyqtgraph": "pyqtgraph", "scikit-learn": "sklearn"}
    names |= {"Pillow": "PIL", "onnxscript": "onnxscript"}
    return [(name, _version(module) or "not installed") for name, module in names.items()]
