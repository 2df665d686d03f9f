"""The benchmark runner: rows and verdicts, the table, results.json, the README section and every failure path.

The runner is driven with tiny fake benchmark modules written into a temporary folder; the real suite is not run.
"""

import inspect
import json
import sys
import textwrap

import pytest
import torch

from benchmarks import run as runner
from benchmarks import time_to_accuracy, training_throughput
from benchmarks.readme import END, START, ReadmeError, replace_section, section
from benchmarks.run import SUITE, Benchmark, main, run_suite
from benchmarks.table import Row, Target, print_table
from benchmarks.timing import compare, percentile
from designer.core.templates import load_template

FAKES = {
    "fake_ok": """
        from benchmarks.table import Row, Target

        def run(quick=False, device="cpu"):
            return [
                Row("step, tiny", "by hand", 1.01, "×", Target("≤", 1.02), {"quick": quick, "device": device}),
                Row("repaint | big", "", 72.5, "ms", Target("<", 50.0), {"median_ms": 72.5}),
                Row("export", "torch alone", 1.8, "×"),
            ]
    """,
    "fake_cpu": """
        from benchmarks.table import Row

        def run(quick=False):
            return [Row("cpu loop", "", 3.0, "s")]
    """,
    "fake_broken": """
        def run(quick=False):
            raise SystemExit("the design has 12 blocks, fewer than the 2000 asked for")
    """,
    "fake_crash": """
        def run(quick=False):
            return {}["missing"]
    """,
    "fake_dies": """
        import os

        def run(quick=False):
            os._exit(3)
    """,
    "fake_slow": """
        import time

        def run(quick=False):
            time.sleep(60)
    """,
}
OK, CPU_ONLY = Benchmark("ok", "fake_ok", "chosen"), Benchmark("cpu_only", "fake_cpu", "cpu")
BROKEN, CRASH = Benchmark("broken", "fake_broken", "none"), Benchmark("crash", "fake_crash", "none")


@pytest.fixture
def fakes(tmp_path, monkeypatch):
    """The fake benchmark modules, importable by the runner's child processes."""
    folder = tmp_path / "fakes"
    folder.mkdir()
    for name, source in FAKES.items():
        (folder / f"{name}.py").write_text(textwrap.dedent(source))
    monkeypatch.setenv("PYTHONPATH", str(folder))
    return tmp_path


def run_main(capsys, suite, *args):
    code = main(list(args), suite=suite)
    out = capsys.readouterr()
    return code, out.out, out.err


# ---- rows and the table -----------------------------------------------------------------------------------------
def test_targets_give_verdicts_and_rows_without_one_are_reported():
    assert Row("a", "", 1.02, "×", Target("≤", 1.02)).verdict == "pass"
    assert Row("a", "", 1.03, "×", Target("≤", 1.02)).verdict == "fail"
    assert Row("a", "", 0.94, "×", Target("≥", 0.95)).verdict == "fail"
    assert Row("a", "", 50.0, "ms", Target("<", 50.0)).verdict == "fail"
    assert Row("a", "", 49.9, "ms", Target("<", 50.0)).verdict == "pass"
    assert Row("a", "", 9.0, "s").verdict == "report"


def test_rows_refuse_unknown_units_and_relations():
    with pytest.raises(ValueError, match="unit"):
        Row("a", "", 1.0, "minutes")
    with pytest.raises(ValueError, match="relation"):
        Target("=", 1.0)


def test_a_row_survives_json_with_its_verdict_and_raw_numbers():
    row = Row("step", "by hand", 0.97, "×", Target("≥", 0.95), {"ours_ms": 3.2})
    data = json.loads(json.dumps(row.to_json()))
    assert data["verdict"] == "pass" and data["raw"] == {"ours_ms": 3.2}
    assert Row.from_json(data) == row


def test_the_table_has_one_line_per_row_under_aligned_headings(capsys):
    print_table([Row("fwd+bwd step, seed-cnn", "by hand", 0.97, "×", Target("≤", 1.02)), Row("open", "", 2.5, "s")])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["what", "compared", "against", "figure", "target", "verdict"]
    assert lines[1].split()[-4:] == ["0.970×", "≤", "1.02×", "pass"]
    assert lines[2].split()[-4:] == ["2.50", "s", "—", "report"]
    assert len({line.index(word) for line, word in zip(lines, ("figure", "0.970×", "2.50"), strict=True)}) == 1


def test_compare_alternates_and_takes_the_median_ratio_within_rounds():
    now, order = [0.0], []
    load = iter([1, 1, 5, 5, 1, 1, 1, 1, 9, 9])  # how busy the machine is, from one timing to the next

    def contender(name: str, cost: float):
        def call() -> None:
            order.append(name)
            now[0] += cost * factor[0]

        return call

    factor = [1]

    def clock() -> float:
        return now[0]

    def sync() -> None:
        factor[0] = next(load, 1)

    result = compare(contender("ours", 2.0), contender("theirs", 1.0), rounds=4, calls=1, sync=sync, clock=clock)
    assert order[2:] == ["ours", "theirs", "theirs", "ours", "ours", "theirs", "theirs", "ours"]
    assert result.ratio == 2.0 and len(result.ours_rounds) == 4
    assert result.ours_rounds == [2.0, 10.0, 2.0, 2.0] and result.reference_rounds == [1.0, 5.0, 1.0, 1.0]
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0 and percentile([0.0, 10.0], 99) == pytest.approx(9.9)


# ---- the runner -------------------------------------------------------------------------------------------------
def test_a_run_prints_one_table_and_writes_results_with_the_machine(fakes, capsys):
    out = fakes / "results.json"
    code, printed, _ = run_main(capsys, (OK,), "--quick", "--out", str(out))
    assert code == 0  # a missed target is reported, not an error
    assert "step, tiny" in printed and "repaint | big" in printed and "fail" in printed
    assert "1 targets met, 1 missed, 1 reported; 0 benchmarks broken" in printed
    run = json.loads(out.read_text())["runs"]["cpu"]
    machine = run["machine"]
    assert machine["device"] == "cpu" and machine["cores"] >= 1 and machine["cpu"]
    assert machine["python"] == f"{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}"
    assert machine["torch"] and machine["pyside6"] and machine["date"]
    entry = run["benchmarks"]["ok"]
    assert entry["quick"] is True
    rows = entry["rows"]
    assert [r["verdict"] for r in rows] == ["pass", "fail", "report"]
    assert rows[0]["raw"] == {"quick": True, "device": "cpu"}
    assert rows[1]["target"] == {"relation": "<", "bound": 50.0} and rows[1]["figure"] == 72.5


def test_a_broken_benchmark_is_reported_and_sets_the_exit_status(fakes, capsys):
    out = fakes / "results.json"
    code, printed, _ = run_main(capsys, (BROKEN, OK, CRASH), "--out", str(out))
    assert code == 1
    assert "BROKEN broken: the design has 12 blocks, fewer than the 2000 asked for" in printed
    assert "BROKEN crash: KeyError: 'missing'" in printed
    assert "step, tiny" in printed  # the others still ran
    entries = json.loads(out.read_text())["runs"]["cpu"]["benchmarks"]
    assert entries["broken"]["broken"].startswith("the design has 12 blocks")
    assert "Traceback" in entries["crash"]["log"]
    assert "rows" in entries["ok"]


def test_a_child_that_dies_or_hangs_is_broken(fakes, monkeypatch):
    monkeypatch.setattr(runner, "TIMEOUT_S", {True: 2, False: 2})
    dies, slow = Benchmark("dies", "fake_dies", "none"), Benchmark("slow", "fake_slow", "none")
    outcomes = run_suite([dies, slow], quick=True, device="cpu")
    assert outcomes[0].broken.startswith("its process ended (exit status 3) without results")
    assert outcomes[1].broken == "took longer than 2 s"


def test_a_gpu_run_passes_the_device_and_skips_cpu_only_benchmarks(fakes):
    ok, cpu_only = run_suite([OK, CPU_ONLY], quick=False, device="cuda")
    assert ok.rows[0].raw == {"quick": False, "device": "cuda"}
    assert cpu_only.skipped == "measures the CPU only; not run with --device cuda" and not cpu_only.rows


def test_only_runs_the_named_benchmark_and_keeps_the_others_results(fakes, capsys):
    out = fakes / "results.json"
    assert run_main(capsys, (OK, CPU_ONLY), "--out", str(out))[0] == 0
    before = json.loads(out.read_text())["runs"]["cpu"]["benchmarks"]
    code, printed, _ = run_main(capsys, (OK, CPU_ONLY), "--only", "cpu_only", "--quick", "--out", str(out))
    assert code == 0 and "cpu loop" in printed and "step, tiny" not in printed
    after = json.loads(out.read_text())["runs"]["cpu"]["benchmarks"]
    assert after["ok"] == before["ok"] and after["cpu_only"]["quick"] is True


def test_an_unknown_name_is_refused_with_the_choices(fakes, capsys):
    code, _, err = run_main(capsys, (OK, CPU_ONLY), "--only", "nope")
    assert code == 2 and "no benchmark named nope; choose from ok, cpu_only" in err


def test_cuda_is_refused_clearly_where_there_is_none(fakes, capsys, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    out = fakes / "results.json"
    code, _, err = run_main(capsys, (OK,), "--device", "cuda", "--out", str(out))
    assert code == 2 and "--device cuda: this machine has no CUDA GPU" in err and "--device cpu" in err
    assert not out.exists()


def test_a_results_file_that_is_not_one_is_refused_before_the_run(fakes, capsys):
    out = fakes / "results.json"
    out.write_text("{not json")
    code, printed, err = run_main(capsys, (OK,), "--out", str(out))
    assert code == 2 and "is not valid JSON" in err and "move it away" in err
    assert out.read_text() == "{not json" and "step, tiny" not in printed
    out.write_text('{"runs": {}}')
    code, _, err = run_main(capsys, (OK,), "--out", str(out))
    assert code == 2 and "is not a benchmark results file" in err


# ---- the README section -----------------------------------------------------------------------------------------
README = f"""# Designer

## Speed

Intro kept.

{START} (old) -->
old table
{END}

## Packaging
"""


def test_the_readme_section_is_replaced_and_nothing_else(fakes, capsys):
    out, readme = fakes / "results.json", fakes / "README.md"
    readme.write_text(README)
    run_main(capsys, (OK, BROKEN), "--out", str(out))
    code, printed, _ = run_main(capsys, (), "--write-readme", "--out", str(out), "--readme", str(readme))
    assert code == 0 and "wrote the benchmark section" in printed
    text = readme.read_text()
    assert text.startswith("# Designer\n\n## Speed\n\nIntro kept.\n\n") and text.endswith(f"{END}\n\n## Packaging\n")
    assert "old table" not in text
    assert "### On the CPU: " in text and "torch " in text and "Python " in text and "PySide6 " in text
    assert "| step, tiny | by hand | 1.010× | ≤ 1.02× | ✓ |" in text
    commit = json.loads(out.read_text())["runs"]["cpu"]["benchmarks"]["ok"]["commit"]
    assert commit and f"commit {commit};" in text
    assert "| repaint \\| big | — | 72.5 ms | < 50 ms | ✗ |" in text
    assert "- **broken is broken:** the design has 12 blocks" in text


def test_the_readme_needs_its_markers(fakes, capsys):
    readme = fakes / "README.md"
    readme.write_text("# Designer\n")
    out = fakes / "results.json"
    run_main(capsys, (OK,), "--out", str(out))
    code, _, err = run_main(capsys, (), "--write-readme", "--out", str(out), "--readme", str(readme))
    assert code == 2 and "needs one line starting" in err and readme.read_text() == "# Designer\n"
    with pytest.raises(ReadmeError):
        replace_section(f"{END}\n{START} -->\n", "x\n", readme)


def test_a_gpu_run_gets_its_own_heading_naming_the_gpu():
    machine = {
        "device": "cuda", "gpu": "NVIDIA H200", "cpu": "Xeon", "cores": 16, "torch": "2.13.0", "python": "3.11.7",
        "pyside6": "6.11.3", "os": "Linux", "date": "2026-11-29T17:00:00+00:00", "commit": "abc1234",
        "load_average": 0.1, "precision": "bf16",
    }  # fmt: skip
    row = Row("fwd+bwd step, seed-cnn", "by hand", 0.99, "×", Target("≤", 1.02)).to_json()
    cpu = {**machine, "device": "cpu", "gpu": None, "precision": "fp32"}
    results = {
        "runs": {
            "cuda": {"machine": machine, "benchmarks": {"model_step": {"quick": False, "rows": [row]}}},
            "cpu": {
                "machine": cpu,
                "benchmarks": {
                    "model_step": {"quick": True, "commit": "abc1234", "rows": [row]},
                    "editor_scale": {"quick": False, "commit": "def5678", "rows": []},
                },
            },
        }
    }
    text = section(results)
    assert text.index("### On the CPU: Xeon, 16 cores") < text.index("### On a GPU: NVIDIA H200 (bf16)")
    assert text.count("a --quick run") == 1
    assert "commits abc1234, def5678;" in text and "commit abc1234;" in text  # the GPU run's, from its machine


# ---- the real suite ---------------------------------------------------------------------------------------------
def test_every_benchmark_of_the_suite_has_a_run_entry():
    for benchmark in SUITE:
        parameters = inspect.signature(__import__(benchmark.module, fromlist=["run"]).run).parameters
        assert "quick" in parameters, benchmark.name
        assert ("device" in parameters) == (benchmark.devices == "chosen"), benchmark.name


def test_time_to_accuracy_uses_the_engines_data_and_initial_weights():
    time_to_accuracy.check_same_recipe(load_template("lenet-digits"), seed=3)  # raises SystemExit otherwise


def test_time_to_accuracy_clocks_both_until_the_accuracy_is_reached(tmp_path, monkeypatch):
    monkeypatch.setattr(time_to_accuracy, "ACCURACY", 0.0)  # reached at the first validation pass
    project = load_template("lenet-digits")
    engine = time_to_accuracy.engine(project, "cpu", 0, tmp_path / "run")
    script = time_to_accuracy.hand_written(project.training, torch.device("cpu"), 0)
    assert engine.epoch == 1 and script.epoch == 1 and engine.seconds > 0 and script.seconds > 0
    metrics = (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()
    assert len(metrics) == 1  # the engine was stopped there


def test_time_to_accuracy_fails_loudly_when_the_accuracy_is_never_reached(monkeypatch):
    monkeypatch.setattr(time_to_accuracy, "engine", lambda *args, **kwargs: None)
    monkeypatch.setattr(time_to_accuracy, "hand_written", lambda *args: None)
    with pytest.raises(SystemExit, match="the engine never reached 97% validation accuracy in 15 epochs"):
        time_to_accuracy.measure(range(1), 1, "cpu")


def test_training_throughput_fails_loudly_when_the_engine_s_model_does_not_learn(monkeypatch):
    row = training_throughput.measure("mlp-tabular", rounds=2)
    assert row.figure > 0 and row.raw["rounds"] == 2 and "CPU time" in row.what
    monkeypatch.setattr(training_throughput, "LEARNT", {"mlp-tabular": 1.01})  # more than any model reaches
    with pytest.raises(SystemExit, match="mlp-tabular: the engine's model reached only"):
        training_throughput.measure("mlp-tabular", rounds=2)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_a_benchmark_asked_for_cuda_without_one_stops_with_the_reason():
    with pytest.raises(SystemExit, match="no CUDA GPU"):
        time_to_accuracy.run(quick=True, device="cuda")
