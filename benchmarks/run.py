"""The benchmark suite: every benchmark of the speed table, one table printed, ``benchmarks/results.json`` written.

    python -m benchmarks [--quick] [--only NAME ...] [--device cpu|cuda] [--out PATH]
    python -m benchmarks --write-readme          # the README's speed section from results.json

Each benchmark runs in a child process of its own (``python -m benchmarks.run --child MODULE``). A Qt application
lives until its process ends and the 2,000-block editor keeps its memory; torch keeps its thread pools, allocator
caches and the engine's thread setting; a crash in one benchmark (a segfault in Qt, an out-of-memory kill) must not
lose the others' figures. The cost is one interpreter start-up each, a few seconds in all. Children run torch on one
thread (``OMP_NUM_THREADS=1``): on a shared machine more threads measure the neighbours' load, and for the small
designs measured here the engine picks one thread itself.

Exit status: 0 when every benchmark ran, even where a target was missed (the table and the json say which); 1 when
a benchmark is broken (it measured something wrong, failed or took too long); 2 for a usage problem.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.machine import describe_machine, now
from benchmarks.table import Row, print_table

RESULTS = Path(__file__).with_name("results.json")
README = Path(__file__).resolve().parents[1] / "README.md"
DEVICES = ("cpu", "cuda")
EXIT_BROKEN, EXIT_USAGE = 1, 2
TIMEOUT_S = {True: 300, False: 900}
"""Seconds a child may take, quick or full, before it counts as broken."""
LOG_CHARS = 4000
"""How much of a broken child's output results.json keeps."""


@dataclass(frozen=True)
class Benchmark:
    """One benchmark module, whose ``run(quick[, device])`` returns rows."""

    name: str
    module: str
    devices: str
    """``"chosen"``: runs on ``--device``; ``"cpu"``: on the CPU only (skipped on a GPU run); ``"none"``: no torch
    device involved (the editor, exports), so it runs as it is."""


SUITE = (
    Benchmark("model_step", "benchmarks.model_step", "chosen"),
    Benchmark("training_throughput", "benchmarks.training_throughput", "cpu"),
    Benchmark("time_to_accuracy", "benchmarks.time_to_accuracy", "chosen"),
    Benchmark("editor_scale", "benchmarks.editor_scale", "none"),
    Benchmark("gui_latency", "benchmarks.gui_latency", "none"),
    Benchmark("export_templates", "benchmarks.export_templates", "none"),
    Benchmark("import_scale", "benchmarks.import_scale", "none"),
)


@dataclass
class Outcome:
    """What one benchmark gave: its rows, or why it is broken or was not run."""

    name: str
    rows: list[Row] = field(default_factory=list)
    broken: str | None = None
    skipped: str | None = None
    seconds: float = 0.0
    log: str = ""
    """The end of the child's output, kept when it broke."""

    def to_json(self, quick: bool, machine: dict[str, Any]) -> dict[str, Any]:
        entry: dict[str, Any] = {"date": now(), "quick": quick, "seconds": round(self.seconds, 1)}
        entry |= {"commit": machine["commit"], "load_average": machine["load_average"]}
        if self.skipped is not None:
            return {**entry, "skipped": self.skipped}
        if self.broken is not None:
            return {**entry, "broken": self.broken, "log": self.log}
        return {**entry, "rows": [row.to_json() for row in self.rows]}


# ---- in the child ---------------------------------------------------------------------------------------------
def run_child(module: str, quick: bool, device: str | None, rows_to: Path) -> int:
    """Import ``module``, call its ``run``, and write its rows (or why it broke) to ``rows_to`` as JSON."""
    try:
        runner = importlib.import_module(module).run
        rows = runner(quick) if device is None else runner(quick, device)
        result: dict[str, Any] = {"rows": [row.to_json() for row in rows]}
    except SystemExit as exc:  # the benchmarks' way to say that what they measure is broken
        result = {"broken": str(exc.code)}
    except Exception as exc:
        traceback.print_exc()
        first = (str(exc).strip().splitlines() or [""])[0]
        result = {"broken": f"{type(exc).__name__}: {first}" if first else type(exc).__name__}
    rows_to.write_text(json.dumps(result, allow_nan=False), encoding="utf-8")
    return EXIT_BROKEN if "broken" in result else 0


# ---- in the parent --------------------------------------------------------------------------------------------
def run_benchmark(benchmark: Benchmark, quick: bool, device: str) -> Outcome:
    """Run ``benchmark`` in a child process and read back what it measured."""
    if benchmark.devices == "cpu" and device != "cpu":
        return Outcome(benchmark.name, skipped=f"measures the CPU only; not run with --device {device}")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        rows_to = Path(folder) / "rows.json"
        command = [sys.executable, "-m", "benchmarks.run", "--child", benchmark.module, "--rows-to", str(rows_to)]
        command += ["--quick"] * quick + (["--device", device] if benchmark.devices == "chosen" else [])
        status, output = _run_child_process(command, TIMEOUT_S[quick])
        seconds, log = time.perf_counter() - started, output[-LOG_CHARS:]
        if status is None:
            return Outcome(benchmark.name, broken=f"took longer than {TIMEOUT_S[quick]} s", seconds=seconds, log=log)
        try:
            result = json.loads(rows_to.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            last = (output.strip().splitlines() or ["no output"])[-1]
            broken = f"its process ended (exit status {status}) without results: {last}"
            return Outcome(benchmark.name, broken=broken, seconds=seconds, log=log)
    if "broken" in result:
        return Outcome(benchmark.name, broken=result["broken"], seconds=seconds, log=log)
    return Outcome(benchmark.name, [Row.from_json(r) for r in result["rows"]], seconds=seconds)


def _run_child_process(command: list[str], timeout: float) -> tuple[int | None, str]:
    """The command's exit status (``None`` when it ran out of time) and its output, stdout and stderr together."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)
    child = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, start_new_session=True
    )
    try:
        output, _ = child.communicate(timeout=timeout)
        return child.returncode, output
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)  # its own session: the fake engines a GUI benchmark started go with it
        return None, child.communicate()[0]
    except BaseException:  # Ctrl+C: its own session does not get it, so end it here
        os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        raise


def run_suite(benchmarks: list[Benchmark], quick: bool, device: str) -> list[Outcome]:
    outcomes = []
    for benchmark in benchmarks:
        print(f"running {benchmark.name}…", end="", file=sys.stderr, flush=True)
        outcomes.append(run_benchmark(benchmark, quick, device))
        print(f" {outcomes[-1].seconds:.0f} s", file=sys.stderr)
    return outcomes


def report(outcomes: list[Outcome]) -> None:
    """One table of every row, then what broke, what was not run, and the count of each verdict."""
    rows = [row for outcome in outcomes for row in outcome.rows]
    print_table(rows)
    for outcome in outcomes:
        if outcome.broken is not None:
            print(f"BROKEN {outcome.name}: {outcome.broken}")
        elif outcome.skipped is not None:
            print(f"not run {outcome.name}: {outcome.skipped}")
    verdicts = [row.verdict for row in rows]
    broken = sum(outcome.broken is not None for outcome in outcomes)
    print(
        f"{verdicts.count('pass')} targets met, {verdicts.count('fail')} missed, {verdicts.count('report')} reported; "
        f"{broken} benchmark{'' if broken == 1 else 's'} broken"
    )


def earlier_results(path: Path) -> dict[str, Any]:
    """What ``path`` holds, to be added to; a new, empty record when there is no such file."""
    if not path.exists():
        return {"format": "designer-benchmarks", "version": 1, "runs": {}}
    return read_results(path)


def save_results(
    path: Path, results: dict[str, Any], outcomes: list[Outcome], quick: bool, machine: dict[str, Any]
) -> None:
    """Record this run under its device in ``results`` and write them to ``path``, keeping the other benchmarks'
    entries of an earlier run."""
    entry = results.setdefault("runs", {}).setdefault(machine["device"], {})
    entry["machine"] = machine
    entry["benchmarks"] = {
        **entry.get("benchmarks", {}),
        **{outcome.name: outcome.to_json(quick, machine) for outcome in outcomes},
    }
    text = json.dumps(results, indent=1, ensure_ascii=False, allow_nan=False) + "\n"
    partial = path.with_name(f".{path.name}.tmp")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


class ResultsError(Exception):
    """A results file that cannot be read or is not one."""


def read_results(path: Path) -> dict[str, Any]:
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ResultsError(f"cannot read {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise ResultsError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(results, dict) or results.get("format") != "designer-benchmarks":
        raise ResultsError(f'{path} is not a benchmark results file (no "format": "designer-benchmarks")')
    return results


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split("\n\n")[0], epilog=f"benchmarks: {_names()}"
    )
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and smaller sizes, same code paths")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these benchmarks")
    parser.add_argument("--device", choices=DEVICES, help="cpu (default) or cuda: torch on a GPU, bf16")
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"results file (default {RESULTS.name})")
    parser.add_argument("--write-readme", action="store_true", help="write README.md's section from --out; no run")
    parser.add_argument("--readme", type=Path, default=README, help=argparse.SUPPRESS)
    parser.add_argument("--child", metavar="MODULE", help=argparse.SUPPRESS)
    parser.add_argument("--rows-to", type=Path, help=argparse.SUPPRESS)
    return parser


def _names() -> str:
    return ", ".join(b.name for b in SUITE)


def fail(message: str, status: int = EXIT_USAGE) -> int:
    print(f"benchmarks: {message}", file=sys.stderr)
    return status


def main(argv: list[str] | None = None, suite: tuple[Benchmark, ...] = SUITE) -> int:
    args = _parser().parse_args(argv)
    if args.child is not None:
        return run_child(args.child, args.quick, args.device, args.rows_to)
    if args.write_readme:
        from benchmarks.readme import ReadmeError, write_readme

        try:
            write_readme(args.readme, read_results(args.out))
        except (ResultsError, ReadmeError) as exc:
            return fail(str(exc))
        except OSError as exc:
            return fail(f"cannot write {args.readme}: {exc.strerror or exc}")
        print(f"wrote the benchmark section of {args.readme} from {args.out}")
        return 0
    unknown = sorted(set(args.only or ()) - {b.name for b in suite})
    if unknown:
        return fail(f"no benchmark named {', '.join(unknown)}; choose from {', '.join(b.name for b in suite)}")
    device = args.device or "cpu"
    if device == "cuda":
        from benchmarks.devices import missing_device

        problem = missing_device(device)
        if problem is not None:
            return fail(problem)
    try:
        results = earlier_results(args.out)  # a file that is not one is refused now, not after the run
    except ResultsError as exc:
        return fail(f"{exc}; move it away or choose another --out")
    chosen = [b for b in suite if args.only is None or b.name in args.only]
    machine = describe_machine(device)  # before the run: its load average is the neighbours', not ours
    try:
        outcomes = run_suite(chosen, args.quick, device)
    except KeyboardInterrupt:
        return fail(f"stopped; {args.out} is as it was", 130)
    report(outcomes)
    try:
        save_results(args.out, results, outcomes, args.quick, machine)
    except OSError as exc:
        return fail(f"cannot write the results to {args.out}: {exc.strerror or exc}")
    print(f"results in {args.out}")
    return EXIT_BROKEN if any(o.broken is not None for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
