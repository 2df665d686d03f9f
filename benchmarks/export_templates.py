"""ONNX export of each template with all of Designer's checks, against torch's export call alone.

    python -m benchmarks.export_templates [--quick] [--memory] [--batch-size 64]

Designer's export is timed as the editor runs it: compile, pre-flight, ``torch.onnx.export``, the full ONNX check
and parity runs in onnxruntime at several batch sizes (and lengths). The reference is the export call alone, with
the same module, inputs and dynamic sizes. The figure is the overhead, Designer's processor time over the call's
(each twice, either first once), reported rather than held to a target: the checks are the point. A failed check
stops the benchmark with an error.

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
from collections.abc import Callable
from pathlib import Path

from benchmarks.table import Row, print_table
from designer.core.analysis import format_bytes
from designer.core.inference import infer
from designer.core.summary import summarize
from designer.core.templates import list_templates, load_template
from designer.export.exporter import export_model
from designer.export.formats import DEFAULT_OPSET
from designer.export.onnx_export import export_onnx
from designer.export.prepare import prepare

QUICK_TEMPLATES = ("seed-cnn",)


def _seconds(action: Callable[[], object]) -> float:
    """Processor seconds of ``action``: on a shared machine wall time would also count the neighbours' turns."""
    started = time.process_time()
    action()
    return time.process_time() - started


def overhead(template: str, folder: Path, rounds: int) -> Row:
    """Median processor seconds of the checked export and of the export call alone, alternating which goes first."""
    design = load_template(template).design
    model = prepare(design)

    def checked() -> None:
        result = export_model(design, "onnx", folder / f"{template}.onnx")
        if not result.passed:
            raise SystemExit(f"{template}: the ONNX export failed its checks: {'; '.join(result.lines())}")

    def alone() -> None:
        export_onnx(model, folder / f"{template}-alone.onnx", DEFAULT_OPSET)

    times: dict[Callable[[], None], list[float]] = {checked: [], alone: []}
    for turn in range(rounds):
        for action in (checked, alone) if turn % 2 == 0 else (alone, checked):
            times[action].append(_seconds(action))
    ours, reference = statistics.median(times[checked]), statistics.median(times[alone])
    return Row(
        f"ONNX export with checks, {template} (CPU time)",
        "torch.onnx.export alone",
        ours / reference,
        "×",
        None,
        {"with_checks_s": ours, "export_alone_s": reference, "rounds": rounds},
    )


def run(quick: bool = False) -> list[Row]:
    """One row per template (one with ``quick``): the overhead of the checks over the export call."""
    names = QUICK_TEMPLATES if quick else tuple(t.name for t in list_templates())
    with tempfile.TemporaryDirectory() as folder:
        export_onnx(prepare(load_template(names[0]).design), Path(folder) / "warm-up.onnx", DEFAULT_OPSET)
        return [overhead(name, Path(folder), 1 if quick else 2) for name in names]


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
