"""Every way a run can fail ends in one error event of the right kind, with a message and the last good weights."""

from __future__ import annotations

import io
import json

import pytest
import torch

from designer.compiler.compile import compile_design
from designer.training import loop, session
from designer.training.engine import RunRequest, train
from designer.training.event_log import json_lines
from designer.training.metrics import Tally
from designer.training.stopping import StopRequest
from tests.training.engine.helpers import digits_project, of_kind, run


def test_a_loss_that_explodes_is_diverged_and_keeps_the_last_good_weights(tmp_path):
    project = digits_project(epochs=3, optimizer="sgd", learning_rate=1e10, seed=5)
    events = run(project, tmp_path / "run")
    error = events[-1]
    assert error["event"] == "error" and error["kind"] == "diverged" and error["epoch"] == 1
    assert "at epoch 1, step 3" in error["message"] and "lower learning_rate" in error["message"]
    assert "weights the run started with" in error["message"]
    weights = torch.load(tmp_path / "run" / "last.pt", weights_only=True)
    torch.manual_seed(5)
    initial = compile_design(project.design).state_dict()
    assert weights.keys() == initial.keys() and all(torch.equal(weights[k], initial[k]) for k in weights)
    assert json.loads((tmp_path / "run" / "summary.json").read_text())["kind"] == "diverged"
    assert all(e["event"] != "done" for e in events)


@pytest.mark.parametrize(
    ("event_interval", "held_values"),
    [(0.0, 1 << 22), (1e9, 1 << 22), (1e9, 100)],
    ids=["read at a step event", "found at the epoch's end", "found at a chunk's flush"],
)
def test_divergence_names_its_exact_step_however_it_is_found(tmp_path, monkeypatch, event_interval, held_values):
    monkeypatch.setattr(loop, "STEP_EVENT_INTERVAL", event_interval)
    monkeypatch.setattr(Tally, "HELD_VALUES", held_values)
    project = digits_project(epochs=3, optimizer="sgd", learning_rate=1e10, seed=5)
    error = run(project, tmp_path / "run")[-1]
    assert error["kind"] == "diverged" and "at epoch 1, step 3" in error["message"]
    weights = torch.load(tmp_path / "run" / "last.pt", weights_only=True)
    torch.manual_seed(5)
    initial = compile_design(project.design).state_dict()
    assert all(torch.equal(weights[k], initial[k]) for k in initial)


def test_bad_settings_name_their_place(tmp_path):
    error = run(digits_project(learning_rate=-1, batch_size="big"), tmp_path / "run")[-1]
    assert error["kind"] == "settings"
    assert "training.learning_rate: learning_rate must be" in error["message"] and "not -1" in error["message"]
    assert "training.batch_size:" in error["message"]


def test_a_monitored_metric_the_task_does_not_report_is_a_settings_error(tmp_path):
    error = run(digits_project(monitor="val_rmse"), tmp_path / "run")[-1]
    assert (
        error["kind"] == "settings" and "training.monitor: classification does not report val_rmse" in error["message"]
    )


def test_a_design_with_errors_gives_its_messages(tmp_path):
    project = digits_project()
    project.design.set_param(project.design.find("linear_1"), "in_features", 7)
    error = run(project, tmp_path / "run")[-1]
    assert error["kind"] == "design"
    assert "linear_1: expects 7 features but receives 64" in error["message"]


def test_a_design_with_two_outputs_is_refused_by_name(tmp_path):
    project = digits_project()
    extra = project.design.add_block("Output", "second", {"task": "classification"})
    assert extra
    error = run(project, tmp_path / "run")[-1]
    assert error["kind"] == "design" and "2 Output (output_1, second)" in error["message"]


def test_data_that_cannot_be_read_is_a_data_error(tmp_path):
    project = digits_project()
    project.dataset = {"source": "csv", "path": str(tmp_path / "missing.csv")}
    error = run(project, tmp_path / "run")[-1]
    assert error["kind"] == "data" and "missing.csv" in error["message"]


def test_an_unexpected_failure_is_one_line_with_the_traceback_in_the_log(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("something inside broke\nsecond line")

    monkeypatch.setattr(session, "make_optimizer", broken)
    error = run(digits_project(), tmp_path / "run")[-1]
    assert error["kind"] == "internal"
    assert error["message"].startswith("ValueError: something inside broke (details in ")
    assert "\n" not in error["message"] and "Traceback" not in error["message"]
    assert "Traceback" in (tmp_path / "run" / "run.log").read_text()


def test_running_out_of_memory_advises_a_smaller_batch(tmp_path, monkeypatch):
    def no_memory(*args, **kwargs):
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")

    monkeypatch.setattr(session, "make_optimizer", no_memory)
    error = run(digits_project(batch_size=32), tmp_path / "run")[-1]
    assert error["kind"] == "out of memory"
    assert "ran out of memory on cpu with batch_size 32; lower batch_size" in error["message"]


def test_a_device_that_is_not_there_is_a_settings_error(tmp_path, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    error = run(digits_project(device="cuda"), tmp_path / "run")[-1]
    assert error["kind"] == "settings" and "training.device: cuda is not available" in error["message"]
    assert of_kind(run(digits_project(precision="bf16"), tmp_path / "cpu")[-1:], "error")[0]["kind"] == "settings"


def test_a_run_folder_that_cannot_be_made_is_a_settings_error(tmp_path):
    (tmp_path / "file").write_text("")
    error = run(digits_project(), tmp_path / "file" / "run")[-1]
    assert error["kind"] == "settings" and "cannot write the run folder" in error["message"]


def test_a_reader_that_went_away_stops_the_run(tmp_path):
    class ClosedPipe(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    stop = StopRequest()
    listener = json_lines(ClosedPipe(), on_closed=stop.set)
    result = train(RunRequest(digits_project(epochs=50), None, tmp_path / "run"), [listener], stop)
    assert result["event"] == "done" and result["reason"] == "stopped"
    assert (tmp_path / "run" / "summary.json").exists()
