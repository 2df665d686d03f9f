"""The dataset settings declaration: defaults, checks with their places, and the loader refusing bad settings."""

from __future__ import annotations

import pytest

from designer.core.dataset_settings import (
    APPLIES,
    SETTINGS,
    SOURCES,
    resolve_dataset_settings,
    validate_dataset_settings,
)
from designer.training.data import DataError, load_dataset


def test_defaults_fill_in_what_a_project_leaves_out() -> None:
    resolved = resolve_dataset_settings({"source": "iris"})
    assert resolved["source"] == "iris" and resolved["validation_fraction"] == 0.2 and resolved["normalize"] is True
    assert set(resolved) == {p.name for p in SETTINGS}


def test_every_problem_is_reported_with_its_place() -> None:
    problems = validate_dataset_settings(
        {"source": "mnist", "seed": -1, "validation_fraction": 1.5, "colour": "red", "normalize": "yes"}
    )
    assert sorted(p.split(":")[0] for p in problems) == [
        "dataset.colour",
        "dataset.normalize",
        "dataset.seed",
        "dataset.source",
        "dataset.validation_fraction",
    ]
    assert any("one of digits" in p for p in problems)


def test_user_sources_need_a_path() -> None:
    assert validate_dataset_settings({"source": "csv"}) == [
        "dataset.path: the csv source needs a file or folder; choose one"
    ]


def test_every_source_says_which_settings_apply() -> None:
    names = {p.name for p in SETTINGS}
    assert set(APPLIES) == set(SOURCES)
    assert all(set(keys) <= names and keys[0] == "source" for keys in APPLIES.values())


def test_loader_refuses_bad_settings_with_the_place() -> None:
    with pytest.raises(DataError, match=r"dataset\.seed: seed must be a whole number"):
        load_dataset({"source": "digits", "seed": "x"})
