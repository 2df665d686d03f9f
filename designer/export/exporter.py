"""One entry point for every export format: prepare, export, verify, and report what was checked."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from designer.core.design import DesignGraph
from designer.export.formats import DEFAULT_OPSET, DEFAULT_TOLERANCE
from designer.export.onnx_export import check_onnx, export_onnx, onnx_parity
from designer.export.parity import ParityReport
from designer.export.preflight import preflight
from designer.export.prepare import ExportError, PreparedModel, prepare
from designer.export.torch_formats import save_code, save_program, save_weights

Progress = Callable[[str], None]
"""Told what the export is doing now, e.g. ``"comparing outputs in onnxruntime"``."""


def _silent(_: str) -> None:
    pass


@dataclass
class ExportResult:
    format: str
    files: list[Path] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    """Checks that passed, one line each (the parity report aside)."""
    parity: ParityReport | None = None
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.parity is None or self.parity.passed

    def lines(self) -> list[str]:
        written = ", ".join(str(f) for f in self.files)
        lines = [f"wrote {written} ({self.format}) in {self.seconds:.1f} s", *self.checks]
        return lines + (self.parity.lines() if self.parity else [])


def export_model(
    design: DesignGraph,
    format: str,
    path: Path,
    title: str = "Designed network",
    weights: Path | None = None,
    opset: int = DEFAULT_OPSET,
    tolerance: float = DEFAULT_TOLERANCE,
    progress: Progress | None = None,
) -> ExportResult:
    """Export ``design`` as ``format`` to ``path`` and verify what was written.

    Raises :class:`ExportError` when the design has errors, the weights do not fit, a block cannot be exported
    or a check fails; a parity run outside ``tolerance`` is reported in the result (``passed`` is False).
    """
    report = progress or _silent
    started = time.perf_counter()
    report("compiling the design" + (f" with the weights of {weights}" if weights else ""))
    model = prepare(design, weights)
    report("pre-flight check")
    problems = preflight(design, format, opset)
    if problems:
        raise ExportError(problems)
    result = ExportResult(format)
    if model.weights is not None:
        result.checks.append(f"weights: {model.weights}")
    try:
        _EXPORTERS[format](_Job(model, path, title, opset, tolerance, result, report))
    except ExportError:
        for written in result.files:  # a file that failed its checks must not pass for a good one
            written.unlink(missing_ok=True)
        raise
    result.seconds = time.perf_counter() - started
    return result


@dataclass
class _Job:
    model: PreparedModel
    path: Path
    title: str
    opset: int
    tolerance: float
    result: ExportResult
    progress: Progress


def _onnx(job: _Job) -> None:
    job.progress(f"exporting to ONNX opset {job.opset}")
    export_onnx(job.model, job.path, job.opset)
    job.result.files.append(job.path)  # only now is it ours to remove if a check fails
    job.progress("checking the ONNX file")
    job.result.checks += check_onnx(job.path, job.model)
    job.progress("comparing outputs in onnxruntime")
    job.result.parity = onnx_parity(job.path, job.model, job.tolerance)


def _pytorch(job: _Job) -> None:
    job.progress("writing the PyTorch code and its weights")
    job.result.parity = save_code(job.model, job.path, job.title, job.tolerance)
    job.result.files += [job.path, job.path.with_suffix(".pt")]


def _weights(job: _Job) -> None:
    job.progress("saving the weights")
    job.result.checks += save_weights(job.model, job.path)
    job.result.files.append(job.path)


def _pt2(job: _Job) -> None:
    job.progress("exporting with torch.export")
    checks, job.result.parity = save_program(job.model, job.path, job.tolerance)
    job.result.checks += checks
    job.result.files.append(job.path)


_EXPORTERS = {"onnx": _onnx, "pytorch": _pytorch, "weights": _weights, "pt2": _pt2}
