"""Parity between an exported model and the torch module it came from, at several input sizes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import torch

from designer.export.prepare import PreparedModel, first_line

Runner = Callable[[tuple[torch.Tensor, ...]], Sequence[torch.Tensor]]
"""Runs the exported model on some inputs and returns its outputs, in the design's order."""


@dataclass(frozen=True)
class ParityRun:
    batch: int
    length: int | None
    max_abs: float
    max_rel: float
    """The largest difference over the largest reference value, so that it reads as a fraction of the outputs."""
    passed: bool

    def __str__(self) -> str:
        at = f"batch {self.batch}" + ("" if self.length is None else f", length {self.length}")
        verdict = "pass" if self.passed else "FAIL"
        return f"{at:<22} max abs error {self.max_abs:.2e}  max rel error {self.max_rel:.2e}  {verdict}"


@dataclass(frozen=True)
class ParityReport:
    against: str
    """What ran the exported model, e.g. ``onnxruntime 1.32.0``."""
    tolerance: float
    runs: list[ParityRun] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Sizes that could not be compared because torch itself cannot run the design at them."""

    @property
    def passed(self) -> bool:
        return bool(self.runs) and all(r.passed for r in self.runs)

    def lines(self) -> list[str]:
        verdict = "passed" if self.passed else "FAILED"
        head = f"parity with torch in {self.against} (tolerance {self.tolerance:g}): {verdict}"
        return [head, *(f"  {r}" for r in self.runs), *(f"  note: {n}" for n in self.notes)]


def compare(
    model: PreparedModel, run: Runner, against: str, tolerance: float, vary_length: bool = True
) -> ParityReport:
    """Run the torch module and the exported model on the same random inputs at every parity size
    (at the traced length only, unless ``vary_length``)."""
    report = ParityReport(against, tolerance)
    for batch, length in model.parity_sizes(vary_length):
        inputs = model.example_inputs(batch, length, seed=batch)
        with torch.no_grad():
            try:
                expected = model.outputs_of(inputs)
            except RuntimeError as exc:
                report.notes.append(f"torch cannot run the design at batch {batch}: {first_line(exc)}")
                continue
            report.runs.append(_measure(batch, length, expected, run(inputs), tolerance))
    return report


def _measure(
    batch: int, length: int | None, expected: list[torch.Tensor], got: Sequence[torch.Tensor], tolerance: float
) -> ParityRun:
    max_abs, scale, shapes_match = 0.0, 0.0, len(got) == len(expected)
    for want, have in zip(expected, got, strict=False):
        have = torch.as_tensor(have)
        if have.shape != want.shape:
            shapes_match = False
            continue
        if want.numel():
            max_abs = max(max_abs, float((have.double() - want.double()).abs().max()))
            scale = max(scale, float(want.double().abs().max()))
    max_rel = max_abs / scale if scale > 0 else max_abs
    passed = shapes_match and max_abs <= tolerance * max(1.0, scale)
    return ParityRun(batch, length, max_abs if shapes_match else float("inf"), max_rel, passed)
