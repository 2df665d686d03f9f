"""``designer doctor`` reports this machine truthfully."""

from __future__ import annotations

import builtins
import platform

import onnxruntime
import pytest
import torch

from designer.cli import main


def _report(capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    assert main(["doctor"]) == 0
    rows = {}
    for line in capsys.readouterr().out.splitlines():
        name, _, value = line.partition("  ")
        rows[name.strip()] = value.strip()
    return rows


def test_doctor_reports_the_installed_versions(capsys: pytest.CaptureFixture[str]) -> None:
    rows = _report(capsys)
    assert rows["Python"].startswith(platform.python_version())
    assert rows["torch"].startswith(torch.__version__)
    assert rows["ONNX Runtime"].startswith(onnxruntime.__version__)
    for provider in onnxruntime.get_available_providers():
        assert provider in rows["ONNX Runtime"]


def test_doctor_says_plainly_whether_there_is_a_gpu(capsys: pytest.CaptureFixture[str]) -> None:
    gpu = _report(capsys)["GPU"]
    if torch.cuda.is_available():
        assert torch.cuda.get_device_name(0) in gpu
    elif not torch.backends.mps.is_available():
        assert gpu == "none found: training runs on the CPU"


def test_doctor_names_qt_and_its_platform(capsys: pytest.CaptureFixture[str]) -> None:
    qt = _report(capsys)["Qt"]  # tests run with QT_QPA_PLATFORM=offscreen
    assert qt.startswith("PySide6 ") and "platform offscreen" in qt


def test_a_broken_torch_is_reported_not_raised(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def failing_import(name: str, *args: object, **kwargs: object) -> object:
        if name == "torch":
            raise ImportError("libtorch_cpu.so: cannot open shared object file")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", failing_import)
    assert _report(capsys)["torch"] == "cannot be loaded: ImportError: libtorch_cpu.so: cannot open shared object file"
