"""Export time per template and format, and Designer's activation estimate against what torch keeps for backward.

    python -m benchmarks.export_templates [--formats onnx pytorch pt2] [--batch-size 64]

Every export is verified as it is in the editor (full ONNX check, parity runs), and those checks are in the time.
The memory columns compare :mod:`designer.core.analysis`'s activation bytes (every block's output) with the bytes
of the distinct tensors autograd saves for the backward pass of one training step, counted with
``torch.autograd.graph.saved_tensors_hooks``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import torch

from designer.compiler.compile import compile_design
from designer.core.analysis import format_bytes
from designer.core.inference import infer
from designer.core.summary import summarize
from designer.core.templates import list_templates, load_template
from designer.export.exporter import export_model
from designer.export.formats import SUFFIXES
from designer.export.prepare import prepare


def saved_for_backward(name: str, batch: int) -> int:
    """Bytes of the distinct tensors autograd keeps for one backward pass of template ``name`` in training mode."""
    design = load_template(name).design
    module = compile_design(design).train()
    inputs = prepare(design).example_inputs(batch, None)
    storages: dict[int, int] = {}

    def pack(tensor: torch.Tensor) -> torch.Tensor:
        storage = tensor.untyped_storage()
        storages[storage.data_ptr()] = storage.nbytes()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        output = module(*inputs)
    output.float().sum().backward()
    parameters = {p.untyped_storage().data_ptr() for p in module.parameters()}
    return sum(size for pointer, size in storages.items() if pointer not in parameters)


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
            estimate = summarize(design, infer(design), batch_size=args.batch_size).analysis.activation_bytes
            measured = saved_for_backward(template.name, args.batch_size)
            print(
                f"{template.name:<24}"
                + "".join(f"{t:>10.1f}" for t in times)
                + f"  {format_bytes(estimate)} / {format_bytes(measured)} ({estimate / measured:.2f}×)"
            )


if __name__ == "__main__":
    main()
