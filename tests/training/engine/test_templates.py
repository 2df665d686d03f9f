"""Every template trains with its own settings: one short epoch each, on less data than the real run uses."""

from __future__ import annotations

import numpy as np
import pytest

import designer
from designer.core.project_file import save_project
from designer.core.templates import list_templates, load_template
from tests.training.data.helpers import write_idx

GENERATED_SAMPLES = 200


@pytest.mark.parametrize("name", [t.name for t in list_templates() if t.name != "seed-cnn"])
def test_a_template_trains_one_epoch_with_its_settings(tmp_path, name):
    project = load_template(name)
    assert project.training, "every template says how to train it"
    if "source" in project.dataset and project.dataset["source"] not in ("digits", "iris"):
        project.dataset["samples"] = GENERATED_SAMPLES
    result = designer.train(project, epochs=1, out=tmp_path / "run")
    assert result["event"] == "done", result
    assert result["best"]["epoch"] == 1


def test_the_mnist_cnn_trains_on_idx_files_beside_the_project(tmp_path):
    rng = np.random.default_rng(0)
    (tmp_path / "mnist").mkdir()
    write_idx(tmp_path / "mnist" / "train-images-idx3-ubyte", rng.integers(0, 256, (40, 28, 28)))
    write_idx(tmp_path / "mnist" / "train-labels-idx1-ubyte", np.arange(40) % 10)
    project = load_template("seed-cnn")
    save_project(project, tmp_path / "seed.json")
    events: list[dict] = []
    result = designer.train(tmp_path / "seed.json", epochs=1, on_event=events.append)
    assert result["event"] == "done", result
    assert events[0]["train_samples"] + events[0]["val_samples"] == 40


def test_image_augmentation_runs_in_the_engine(tmp_path):
    project = load_template("lenet-digits")
    project.dataset.update(augment_flip=True, augment_crop_padding=1)
    assert designer.train(project, epochs=1, out=tmp_path / "run")["event"] == "done"
