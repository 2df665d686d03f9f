"""Training settings: declared once, defaults filled in, every problem named by its place."""

from __future__ import annotations

import pytest

from designer.core.training_settings import (
    SETTINGS,
    TrainingSettingsError,
    applies,
    resolve_training_settings,
    validate_training_settings,
)


def test_defaults_fill_every_setting():
    resolved = resolve_training_settings({})
    assert resolved == {p.name: p.default for p in SETTINGS}
    assert resolved["optimizer"] == "adam" and resolved["early_stopping_patience"] is None


def test_values_are_normalised():
    resolved = resolve_training_settings({"learning_rate": 1, "epochs": 3.0, "early_stopping_patience": None})
    assert resolved["learning_rate"] == 1.0 and isinstance(resolved["learning_rate"], float)
    assert resolved["epochs"] == 3 and isinstance(resolved["epochs"], int)


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        ({"optimizer": "rmsprop"}, "training.optimizer: optimizer must be one of adam, adamw, sgd; not 'rmsprop'"),
        ({"batch_size": 0}, "training.batch_size: batch_size must be from 1 to 1000000, not 0"),
        ({"momentum": 1.0}, "training.momentum: momentum must be from 0 to below 1, not 1"),
        ({"schedule": "linear"}, "training.schedule: schedule must be one of none, step, cosine, one-cycle, plateau"),
        ({"early_stopping_patience": 0}, "training.early_stopping_patience: early_stopping_patience must be"),
        ({"learning_rate": float("nan")}, "training.learning_rate: learning_rate must be a number"),
        ({"epoch": 3}, "training.epoch: unknown setting"),
    ],
)
def test_each_problem_names_its_place(settings, problem):
    problems = validate_training_settings(settings)
    assert len(problems) == 1 and problems[0].startswith(problem)
    with pytest.raises(TrainingSettingsError) as caught:
        resolve_training_settings(settings)
    assert caught.value.problems == problems


def test_settings_that_are_not_an_object():
    assert validate_training_settings([1]) == ["training: must be an object, not list"]


def test_the_monitored_metric_must_be_one_the_task_reports():
    assert validate_training_settings({"monitor": "val_accuracy"}, "regression") == [
        "training.monitor: regression does not report val_accuracy; monitor val_loss instead"
    ]
    assert validate_training_settings({"monitor": "val_mae"}, "regression") == []
    assert validate_training_settings({"monitor": "val_accuracy"}, "multi-label") == []


def test_settings_that_depend_on_others_say_so():
    assert applies("momentum", {"optimizer": "sgd"}) and not applies("momentum", {})
    assert applies("step_every", {"schedule": "step"}) and not applies("step_every", {"schedule": "cosine"})
    assert applies("learning_rate", {})
