"""ONNX export of each template with all of Designer's checks, against torch's export call alone.

    python -m benchmarks.export_templates [--quick] [--memory] [--batch-size 64]

Designer's export is timed as the editor runs it: compile, pre-flight, ``torch.onnx.export``, the full ONNX check
and parity runs in onnxruntime at several batch sizes (and lengths). The reference is the ``torch.onnx.export``
call inside that same export (the same module, inputs and dynamic sizes a plain export would be given), timed in
the same run, so that a busy machine slows both alike. The figure is the overhead, the whole over the call, median
of three exports; it is reported rather than held to a target: the checks are the point. A failed check stops the
benchmark with an error.

``--memory`` also compares :mod:`designer.core.analysis`'s activation bytes (what each block kind declares it keeps
for the backward pass) with the bytes of the distinct tensors autograd saves for one training step, counted with
``torch.autograd.graph.saved_tensors_hooks`` (``tests/export/helpers.saved_for_backward``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

from benchmarks.table import Row, print_table
from benchmarks.timing import timed
from designer.core.analysis import format_bytes
from designer.core.inference import infer
from designer.core.summary import summarize
from designer.core.templates import list_templates, load_template
from designer.export.exporter import export_model
from designer.export.formats import DEFAULT_OPSET
from designer.export.onnx_export import export_onnx
from designer.export.prepare import prepare

QUICK_TEMPLATES = ("seed-cnn",)


def overhead(template: str, folder: Path, rounds: int) -> Row:
    """Median over ``rounds`` exports of the whole checked export's time over that of the ``torch.onnx.export`` call
    inside it: the two are timed in the same export, so a busy machine slows both alike."""
    design = load_template(template).design
    totals, exports = [], []
    for _ in range(rounds):
        with timed(torch.onnx, "export") as export_ms:
            started = time.perf_counter()
            result = export_model(design, "onnx", folder / f"{template}.onnx")
            totals.append(time.perf_counter() - started)
        if not result.passed:
            raise SystemExit(f"{template}: the ONNX export failed its checks: {'; '.join(result.lines())}")
        if len(export_ms) != 1:
            raise SystemExit(f"{template}: Designer's export called torch.onnx.export {len(export_ms)} times, not once")
        exports.append(export_ms[0][0] / 1000)
    ratios = [total / export for total, export in zip(totals, exports, strict=True)]
    return Row(
        f"ONNX export with checks, {template}",
        "its torch.onnx.export call",
        statistics.median(ratios),
        "×",
        None,
        {"with_checks_s": totals, "torch_onnx_export_s": exports, "ratios": ratios},
    )


def run(quick: bool = False) -> list[Row]:
    """One row per template (one with ``quick``): the overhead of the checks over the export call."""
    names = QUICK_TEMPLATES if quick else tuple(t.name for t in list_templates())
    with tempfile.TemporaryDirectory() as folder:
        export_onnx(prepare(load_template(names[0]).design), Path(folder) / "warm-up.onnx", DEFAULT_OPSET)
        return [overhead(name, Path(folder), 1 if quick else 3) for name in names]


def print_memory(batch_size: int) -> None:
    """Designer's activation estimate of each template against the bytes torch keeps for backward."""
    from tests.export.helpers import saved_for_backward

    print(f"\n{'template':<24} activations: Designer / torch (batch {batch_size})")
    for template in list_templates():
        design = load_template(template.name).design
        analysis = summarize(design, infer(design), batch_size=batch_size).analysis
        estimate = analysis.activation_bytes
        measured = saved_for_backward(design, batch_size, analysis.sequence_length)
        print(f"{template.name:<24} {format_bytes(estimate)} / {format_bytes(measured)} ({estimate / measured:.2f}×)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="one template, one round")
    parser.add_argument("--memory", action="store_true", help="also compare activation memory estimates")
    parser.add_argument("--batch-size", type=int, default=64, help="batch of the memory comparison")
    args = parser.parse_args(argv)
    print_table(run(args.quick))
    if args.memory:
        print_memory(args.batch_size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
