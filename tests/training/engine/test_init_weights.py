"""Fine-tuning: a run that starts from saved weights, such as those ``designer import`` writes beside a project."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from torch import nn
from torch.nn import functional

from designer.cli import main
from designer.core.design import Connection
from designer.core.project_file import load_project, save_project
from designer.core.training_settings import resolve_training_settings
from designer.training import loop
from designer.training.data import load_dataset
from designer.training.starting_weights import load_starting_weights
from tests.importers.models import export_legacy
from tests.training.engine.helpers import of_kind


class SmallCnn(nn.Module):
    """Conv → ReLU → max-pool → Linear on the 8×8 digits, with no dropout or batch norm, so that a step's loss
    depends on the weights and the batch alone."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.fc = nn.Linear(4 * 4 * 4, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(torch.flatten(functional.max_pool2d(torch.relu(self.conv(x)), 2), 1))


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> tuple[Path, SmallCnn]:
    """A CNN trained by hand on digits, exported to ONNX and imported: the project file and the trained model."""
    folder = tmp_path_factory.mktemp("imported")
    project = folder / "small.json"
    dataset = load_dataset({"source": "digits"})
    x, y = torch.from_numpy(dataset.x_train), torch.from_numpy(dataset.y_train).long()
    torch.manual_seed(1)
    model = SmallCnn()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    for start in range(0, 640, 64):
        optimizer.zero_grad()
        functional.cross_entropy(model(x[start : start + 64]), y[start : start + 64]).backward()
        optimizer.step()
    assert main(["import", str(export_legacy(model.eval(), (1, 8, 8), folder / "small.onnx")), "-o", str(project)]) == 0
    return project, model


def events_of(run: Path) -> list[dict]:
    return [json.loads(line) for line in (run / "events.jsonl").read_text().splitlines()]


def test_the_first_step_s_loss_is_the_imported_model_s_loss_on_that_batch(imported, tmp_path, monkeypatch):
    project_path, model = imported
    monkeypatch.setattr(loop, "STEP_EVENT_INTERVAL", 0.0)  # every step reported
    run = tmp_path / "run"
    args = ["train", str(project_path), "--init-weights", str(project_path.with_suffix(".pt")), "--epochs", "1"]
    assert main([*args, "--out", str(run), "--quiet"]) == 0
    events = events_of(run)
    first_step = of_kind(events, "step")[0]
    assert first_step["step"] == 1

    settings = resolve_training_settings(load_project(project_path).training)
    dataset = load_dataset(load_project(project_path).dataset)
    x, y = torch.from_numpy(dataset.x_train), torch.from_numpy(dataset.y_train).long()
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(settings["seed"]))
    batch = order[: settings["batch_size"]]
    with torch.no_grad():
        expected = functional.cross_entropy(model(x[batch]), y[batch]).item()
    assert first_step["loss"] == pytest.approx(expected, rel=1e-5)

    start = events[0]
    assert start["init_weights"]["path"] == str(project_path.with_suffix(".pt").resolve())
    assert start["init_weights"]["loaded"] == ["conv", "fc"] and start["init_weights"]["fresh"] == {}
    config = json.loads((run / "config.json").read_text())
    assert config["init_weights"] == start["init_weights"]
    assert len(config["init_weights"]["sha256"]) == 64


def test_a_fine_tuned_run_resumes_without_its_weights_file_to_the_numbers_of_an_unbroken_one(imported, tmp_path):
    project_path, _ = imported
    project = load_project(project_path)
    project.training = {"init_weights": "weights.pt", "batch_size": 128}
    save_project(project, tmp_path / "tuned.json")
    (tmp_path / "weights.pt").write_bytes(project_path.with_suffix(".pt").read_bytes())
    for name, epochs in (("whole", "2"), ("part", "1")):
        assert main(["train", str(tmp_path / "tuned.json"), "--epochs", epochs, "--out", str(tmp_path / name)]) == 0
    (tmp_path / "weights.pt").unlink()
    assert main(["train", str(tmp_path / "tuned.json"), "--resume", str(tmp_path / "part"), "--epochs", "2"]) == 0
    whole, part = (json.loads((tmp_path / n / "metrics.jsonl").read_text().splitlines()[-1]) for n in ("whole", "part"))
    assert part["epoch"] == 2 and part["train"] == whole["train"] and part["val"] == whole["val"]
    resumed_start = of_kind(events_of(tmp_path / "part"), "start")[-1]
    assert resumed_start["resumed_from_epoch"] == 1
    assert resumed_start["init_weights"]["path"] == str((tmp_path / "weights.pt").resolve())


def test_a_design_edited_after_import_keeps_fresh_weights_where_they_do_not_fit(imported, tmp_path, capsys):
    project_path, _ = imported
    project = load_project(project_path)
    design = project.design
    conv = next(b for b in design.blocks() if b.name == "conv")
    design.set_param(conv.id, "out_channels", 8)  # conv's weights no longer fit, nor do fc's (its input grew)
    save_project(project, tmp_path / "edited.json")
    run = tmp_path / "run"
    weights = str(project_path.with_suffix(".pt"))
    assert main(["train", str(tmp_path / "edited.json"), "--init-weights", weights, "--epochs", "1", "--out", str(run)])
    err = capsys.readouterr().err
    assert "fits no block of this design" in err and "conv.weight is 4×1×3×3 in small.pt" in err
    assert "Traceback" not in err


def test_a_block_added_after_import_keeps_fresh_weights_and_the_run_says_so(imported, tmp_path):
    project_path, _ = imported
    project = load_project(project_path)
    design = project.design
    flatten, fc = design.find("flatten"), design.find("fc")
    (feed,) = design.incoming(fc).values()
    design.disconnect(feed)
    extra = design.add_block("Linear", "extra", {"out_features": 64})
    design.connect(Connection(flatten, feed.source_port, extra, "in"))
    design.connect(Connection(extra, "out", fc, feed.target_port))
    save_project(project, tmp_path / "edited.json")
    weights = str(project_path.with_suffix(".pt"))
    args = [str(tmp_path / "edited.json"), "--init-weights", weights, "--epochs", "1", "--out", str(tmp_path / "run")]
    assert main(["train", *args, "--quiet"]) == 0
    events = events_of(tmp_path / "run")
    assert events[0]["init_weights"]["loaded"] == ["conv", "fc"]
    assert events[0]["init_weights"]["fresh"] == {"extra": "small.pt has no weights for it"}
    assert "starting from small.pt: extra keeps fresh weights: small.pt has no weights for it" in [
        e["message"] for e in of_kind(events, "warning")
    ]


def test_blocks_the_file_lacks_or_the_design_lacks_are_listed_in_warnings(imported, tmp_path, capsys):
    project_path, _ = imported
    weights = {k: v for k, v in torch.load(project_path.with_suffix(".pt")).items() if not k.startswith("fc.")}
    weights["gone.weight"] = torch.zeros(3)
    torch.save(weights, tmp_path / "partial.pt")
    run = tmp_path / "run"
    args = [str(project_path), "--init-weights", str(tmp_path / "partial.pt"), "--epochs", "1", "--out", str(run)]
    assert main(["train", *args]) == 0
    assert "parameters, starting from partial.pt" in capsys.readouterr().out
    events = events_of(run)
    assert events[0]["init_weights"]["loaded"] == ["conv"]
    assert events[0]["init_weights"]["fresh"] == {"fc": "partial.pt has no weights for it"}
    assert events[0]["init_weights"]["unused"] == ["gone"]
    warnings = [e["message"] for e in of_kind(events, "warning")]
    assert "starting from partial.pt: fc keeps fresh weights: partial.pt has no weights for it" in warnings
    assert "starting from partial.pt: partial.pt also holds weights for gone, which the design lacks" in warnings


def test_a_fresh_run_says_that_the_imported_weights_beside_it_go_unused(imported, tmp_path):
    project_path, _ = imported
    run = tmp_path / "run"
    assert main(["train", str(project_path), "--epochs", "1", "--out", str(run), "--quiet"]) == 0
    events = events_of(run)
    assert events[0]["init_weights"] is None
    (warning,) = [e["message"] for e in of_kind(events, "warning")]
    assert "fresh weights; small.pt beside the project is not used" in warning and "--init-weights" in warning


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "does not exist"),
        (b"not weights", "is not a weights file torch can read safely"),
        ({"other.weight": torch.zeros(2)}, "fits no block of this design"),
    ],
)
def test_weights_that_cannot_be_used_fail_the_run_with_what_and_where(tmp_path, capsys, imported, content, message):
    project_path, _ = imported
    path = tmp_path / "w.pt"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        torch.save(content, path)
    args = ["train", str(project_path), "--init-weights", str(path), "--out", str(tmp_path / "run")]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert f"training failed (settings): training.init_weights: {path}" in err and message in err
    assert "Traceback" not in err
    assert of_kind(events_of(tmp_path / "run"), "error")[0]["kind"] == "settings"


def test_init_weights_and_resume_together_are_refused(imported, tmp_path, capsys):
    project_path, _ = imported
    (tmp_path / "run").mkdir()
    args = ["train", str(project_path), "--resume", str(tmp_path / "run"), "--init-weights", "w.pt"]
    assert main(args) == 2
    assert "--init-weights cannot be given with --resume" in capsys.readouterr().err


def test_a_block_whose_tensors_changed_shape_keeps_fresh_weights_and_says_which(tmp_path):
    torch.manual_seed(0)
    saved = SmallCnn()
    torch.save(saved.state_dict(), tmp_path / "w.pt")
    model = SmallCnn()
    model.fc = nn.Linear(64, 3)
    fresh_fc = model.fc.weight.detach().clone()
    starting = load_starting_weights(model, tmp_path / "w.pt")
    assert starting.loaded == ["conv"]
    assert starting.fresh == {"fc": "fc.weight is 10×64 in w.pt, the design needs 3×64"}
    assert torch.equal(model.conv.weight, saved.conv.weight) and torch.equal(model.fc.weight, fresh_fc)
