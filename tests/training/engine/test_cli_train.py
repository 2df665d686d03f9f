"""``designer train``: exit statuses, the plain-text progress and summary, JSON lines on stdout with ``--events -``."""

from __future__ import annotations

import json

from designer.cli import main
from designer.core.project_file import save_project
from tests.training.engine.helpers import digits_project


def _project(tmp_path, **training):
    path = tmp_path / "digits.json"
    save_project(digits_project(**training), path)
    return path


def _train(capsys, *args):
    code = main(["train", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_a_run_prints_progress_and_a_summary_and_exits_0(tmp_path, capsys):
    path = _project(tmp_path)
    code, out, err = _train(capsys, path, "--epochs", "2")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("training small digits on cpu (fp32): 1,438 training and 359 validation samples")
    assert lines[1].startswith("epoch 1/2  train loss ") and "val loss " in lines[1] and "samples/s" in lines[1]
    assert lines[3].startswith("finished: 2 epochs in ")
    assert lines[4].startswith("best epoch ") and "accuracy" in lines[4]
    run_folder = lines[5].removeprefix("run folder: ")
    assert run_folder.startswith(str(tmp_path / "runs" / "digits-"))
    assert (tmp_path / "runs").is_dir() and json.loads(
        (tmp_path / "runs" / run_folder.split("/")[-1] / "summary.json").read_text()
    )["epochs"] == 2
    assert "\r" not in out, "no progress bar when stdout is not a terminal"


def test_events_to_stdout_are_json_lines_and_nothing_else(tmp_path, capsys):
    code, out, _ = _train(capsys, _project(tmp_path), "--epochs", "1", "--events", "-", "--out", tmp_path / "run")
    assert code == 0
    events = [json.loads(line) for line in out.splitlines()]
    assert events[0]["event"] == "start" and events[-1]["event"] == "done"


def test_events_to_a_file_and_quiet(tmp_path, capsys):
    log = tmp_path / "events.jsonl"
    code, out, _ = _train(
        capsys, _project(tmp_path), "--epochs", "1", "--events", log, "--quiet", "--out", tmp_path / "r"
    )
    assert (code, out) == (0, "")
    assert json.loads(log.read_text().splitlines()[-1])["event"] == "done"


def test_a_failed_run_exits_1_with_its_message(tmp_path, capsys):
    path = _project(tmp_path, optimizer="sgd", learning_rate=1e10)
    code, _, err = _train(capsys, path, "--out", tmp_path / "run")
    assert code == 1
    assert err.startswith("designer: training failed (diverged): the loss became ")


def test_a_file_that_cannot_be_read_exits_2(tmp_path, capsys):
    (tmp_path / "broken.json").write_text("{")
    code, _, err = _train(capsys, tmp_path / "broken.json")
    assert code == 2 and "broken.json" in err and "not valid JSON" in err
    code, _, err = _train(capsys, tmp_path / "missing.json")
    assert code == 2 and "missing.json" in err


def test_resuming_a_folder_that_is_not_there_exits_2(tmp_path, capsys):
    code, _, err = _train(capsys, _project(tmp_path), "--resume", tmp_path / "nowhere")
    assert code == 2 and "nowhere" in err


def test_a_run_never_writes_over_a_folder_that_holds_files(tmp_path, capsys):
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "notes.txt").write_text("mine")
    code, _, err = _train(capsys, _project(tmp_path), "--out", tmp_path / "run")
    assert code == 2 and "already holds files" in err
    assert [p.name for p in (tmp_path / "run").iterdir()] == ["notes.txt"]


def test_resume_from_the_command_line(tmp_path, capsys):
    path = _project(tmp_path)
    assert _train(capsys, path, "--epochs", "1", "--out", tmp_path / "run", "--quiet")[0] == 0
    code, out, _ = _train(capsys, path, "--epochs", "2", "--resume", tmp_path / "run")
    assert code == 0 and "resuming after epoch 1" in out and "epoch 2/2" in out and "epoch 1/2" not in out
