"""Training throughput of a template with ``designer train --nproc N``, as each run's metrics record it.

    python -m benchmarks.data_parallel [--template lenet-digits] [--nproc 1 2] [--device cpu] [--epochs 5]
    python -m benchmarks.data_parallel --device cuda --precision bf16 --nproc 1     # on a GPU machine

Prints, per process count, the median training samples/s over the epochs after the first (which warms up),
the last epoch's validation metrics and the wall time of the whole command (process start-up included).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from designer.core.project_file import save_project
from designer.core.templates import load_template


def run(template: str, nproc: int, device: str, precision: str, epochs: int, folder: Path) -> dict:
    """Train ``template`` in ``nproc`` processes; its throughput, last validation metrics and wall seconds."""
    project = load_template(template)
    project.training = {**project.training, "epochs": epochs, "precision": precision}
    path = folder / f"{template}-{nproc}.json"
    save_project(project, path)
    command = [sys.executable, "-m", "designer", "train", str(path), "--out", str(folder / f"run-{nproc}")]
    command += ["--device", device, "--quiet", "--nproc", str(nproc)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    rows = [json.loads(line) for line in (folder / f"run-{nproc}" / "metrics.jsonl").read_text().splitlines()]
    speeds = [row["samples_per_s"] for row in rows[1:]] or [rows[0]["samples_per_s"]]
    return {"samples_per_s": statistics.median(speeds), "val": rows[-1]["val"], "wall_s": wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--template", default="lenet-digits")
    parser.add_argument("--nproc", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    parser.add_argument("--precision", default="auto", choices=("auto", "fp32", "bf16"))
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for nproc in args.nproc:
            result = run(args.template, nproc, args.device, args.precision, args.epochs, Path(folder))
            val = " ".join(f"{k} {v:.4f}" for k, v in result["val"].items())
            print(
                f"{args.template} --nproc {nproc} on {args.device} ({args.precision}): "
                f"{result['samples_per_s']:,.0f} samples/s, val {val}, {result['wall_s']:.1f} s in all"
            )


if __name__ == "__main__":
    main()
