"""The events a run sends keep to the protocol in designer.training.events, which the GUI reads."""

from __future__ import annotations

import json
import math

import pytest
import torch

from designer.training import loop
from designer.training.events import DONE_REASONS, EVENT_KINDS, REQUIRED_FIELDS
from tests.training.engine.helpers import digits_project, of_kind, run


@pytest.fixture(scope="module")
def events(tmp_path_factory):
    return run(digits_project(epochs=2, batch_size=16), tmp_path_factory.mktemp("events") / "run")


def test_every_event_has_its_kind_s_fields_and_is_plain_json(events):
    for event in events:
        assert event["event"] in EVENT_KINDS
        assert isinstance(event["time"], float)
        assert set(REQUIRED_FIELDS[event["event"]]) <= set(event), event["event"]
        assert json.loads(json.dumps(event, allow_nan=False)) == event


def test_a_run_starts_steps_reports_epochs_and_finishes(events):
    kinds = [e["event"] for e in events]
    assert kinds[0] == "start" and kinds[-1] == "done"
    assert events[-1]["reason"] in DONE_REASONS
    assert [e["epoch"] for e in of_kind(events, "epoch")] == [1, 2]
    assert [(e["epoch"], e["kind"]) for e in of_kind(events, "checkpoint")][:1] == [(1, "last")]
    times = [e["time"] for e in events]
    assert times == sorted(times)


def test_the_last_step_of_every_epoch_is_reported(events):
    steps_per_epoch = events[0]["steps_per_epoch"]
    reported = {e["step"] for e in of_kind(events, "step")}
    assert {steps_per_epoch, 2 * steps_per_epoch} <= reported


def test_classification_epochs_carry_the_confusion_matrix(events):
    epoch = of_kind(events, "epoch")[-1]
    matrix = epoch["confusion"]
    assert len(matrix) == 10 and all(len(row) == 10 for row in matrix)
    assert sum(map(sum, matrix)) == events[0]["val_samples"]
    correct = sum(matrix[i][i] for i in range(10))
    assert correct / events[0]["val_samples"] == pytest.approx(epoch["val"]["accuracy"])
    for c in range(10):
        column = sum(row[c] for row in matrix)
        assert epoch["precision"][c] == pytest.approx(matrix[c][c] / column if column else 0.0)
        assert epoch["recall"][c] == pytest.approx(matrix[c][c] / sum(matrix[c]))


def test_gradients_are_reported_for_blocks_with_weights(events):
    reports = of_kind(events, "gradients")
    assert reports
    for report in reports:
        assert set(report["blocks"]) == {"linear_1", "linear_2"}
        for numbers in report["blocks"].values():
            assert numbers["grad_norm"] > 0 and numbers["weight_norm"] > 0


def test_gradients_come_on_the_first_and_last_step_of_a_run_and_between_at_most_every_interval(tmp_path, monkeypatch):
    monkeypatch.setattr(loop, "GRADIENT_REPORT_INTERVAL", math.inf)
    events = run(digits_project(epochs=3, batch_size=64), tmp_path / "run")
    steps = 3 * events[0]["steps_per_epoch"]
    assert [(e["epoch"], e["step"]) for e in of_kind(events, "gradients")] == [(1, 1), (3, steps)]


def test_with_no_interval_every_step_reports_its_gradients(tmp_path, monkeypatch):
    monkeypatch.setattr(loop, "GRADIENT_REPORT_INTERVAL", 0.0)
    events = run(digits_project(epochs=2, batch_size=128), tmp_path / "run")
    steps = 2 * events[0]["steps_per_epoch"]
    assert [e["step"] for e in of_kind(events, "gradients")] == list(range(1, steps + 1))


def test_a_resumed_run_reports_gradients_on_its_first_step(tmp_path, monkeypatch):
    monkeypatch.setattr(loop, "GRADIENT_REPORT_INTERVAL", math.inf)
    first = run(digits_project(epochs=1, batch_size=128), tmp_path / "run")
    steps = first[0]["steps_per_epoch"]
    resumed = run(None, tmp_path / "run", resume=tmp_path / "run", epochs=3)
    assert [e["step"] for e in of_kind(resumed, "gradients")] == [steps + 1, 3 * steps]


def test_the_start_event_describes_the_run(events):
    start = events[0]
    assert start["device"] == "cpu" and start["precision"] == "fp32" and start["task"] == "classification"
    assert start["train_samples"] + start["val_samples"] == 1797
    assert start["blocks"][0] == "input_1" and start["blocks"][-1] == "output_1"
    assert start["parameters"] == 64 * 32 + 32 + 32 * 10 + 10
    assert start["config"]["batch_size"] == 16


def test_an_unfinished_loss_is_sent_as_null(tmp_path):
    events = run(digits_project(optimizer="sgd", learning_rate=1e10), tmp_path / "run")
    text = (tmp_path / "run" / "events.jsonl").read_text()
    assert "NaN" not in text and "Infinity" not in text
    assert events[-1]["event"] == "error"


def test_gradient_norms_are_those_of_the_block_s_parameters(tmp_path):
    import numpy as np

    from designer.compiler.compile import compile_design
    from designer.core.training_settings import resolve_training_settings
    from designer.training.dataset import Dataset
    from designer.training.event_log import EventLog
    from designer.training.loop import DeviceData, Trainer
    from designer.training.optimization import Schedule, make_optimizer
    from designer.training.stopping import StopRequest

    project = digits_project()
    model = compile_design(project.design)
    x = torch.randn(8, 1, 8, 8)
    y = torch.randint(0, 10, (8,))
    dataset = Dataset("t", "classification", "image", x.numpy(), y.numpy(), x.numpy(), y.numpy(), tuple("0123456789"))
    settings = resolve_training_settings({})
    optimizer = make_optimizer(settings, model.parameters())
    trainer = Trainer(
        model, dataset, DeviceData(x, y, x, y), optimizer, Schedule(settings, optimizer, 1), settings,
        precision="fp32", augmentation=None, events=EventLog(), stop=StopRequest(),
    )  # fmt: skip
    torch.nn.functional.cross_entropy(model(x), y).backward()
    stats = trainer.gradient_stats()
    layer = model.get_submodule("linear_1")
    expected = torch.sqrt(layer.weight.grad.square().sum() + layer.bias.grad.square().sum())
    assert stats["linear_1"]["grad_norm"] == pytest.approx(expected.item(), rel=1e-5)
    weights = np.sqrt((layer.weight.detach() ** 2).sum().item() + (layer.bias.detach() ** 2).sum().item())
    assert stats["linear_1"]["weight_norm"] == pytest.approx(weights, rel=1e-5)
