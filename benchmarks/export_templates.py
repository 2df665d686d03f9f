"""Export time per template and format, and Designer's activation estimate against what torch keeps for backward.

    python -m benchmarks.export_templates [--formats onnx pytorch pt2] [--batch-size 64]

Every export is verified as it is in the editor (full ONNX check, parity runs), and those checks are in the time.
The memory columns compare :mod:`designer.core.analysis`'s activation bytes (what each block kind declares it keeps
for the backward pass) with the bytes of the distinct tensors autograd saves for one training step, counted with
``torch.autograd.graph.saved_tensors_hooks`` (``tests/export/helpers.saved_for_backward``).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from designer.core.analysis import format_bytes
from designer.core.inference import infer
from designer.core.summary import summarize
from designer.core.templates import list_templates, load_template
from designer.export.exporter import export_model
from designer.export.formats import SUFFIXES
from tests.export.helpers import saved_for_backward


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--formats", nargs="+", default=["onnx", "pytorch", "pt2"], choices=list(SUFFIXES))
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()
    print(f"{'template':<24}" + "".join(f"{f + ' s':>10}" for f in args.formats) + "  activations: Designer / torch")
    with tempfile.TemporaryDirectory() as folder:
        for template in list_templates():
            design = load_template(template.name).design
            times = []
            for format in args.formats:
                started = time.perf_counter()
                result = export_model(design, format, Path(folder) / f"m{SUFFIXES[format]}")
                assert result.passed, result.lines()
                times.append(time.perf_counter() - started)
            analysis = summarize(design, infer(design), batch_size=args.batch_size).analysis
            estimate = analysis.activation_bytes
            measured = saved_for_backward(design, args.batch_size, analysis.sequence_length)
            print(
                f"{template.name:<24}"
                + "".join(f"{t:>10.1f}" for t in times)
                + f"  {format_bytes(estimate)} / {format_bytes(measured)} ({estimate / measured:.2f}×)"
            )


if __name__ == "__main__":
    main()
