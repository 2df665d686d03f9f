"""The frozen copy of a project that a run trains, so that editing may go on while it does."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from designer.core.project import Project
from designer.core.training_settings import starting_weights_path


def frozen_project(project: Project, project_path: Path | None) -> Project:
    """An independent copy of ``project``; relative data and weights paths are made absolute, as the copy lives
    elsewhere."""
    dataset = copy.deepcopy(project.dataset)
    if "path" in dataset:
        dataset["path"] = _absolute(dataset["path"], project_path)
    return Project(
        design=project.design.snapshot(),
        name=project.name,
        description=project.description,
        dataset=dataset,
        training=frozen_training(project.training, project_path),
    )


def frozen_training(training: dict[str, Any], project_path: Path | None) -> dict[str, Any]:
    """A copy of a project's training settings with a relative ``init_weights`` made absolute."""
    frozen = copy.deepcopy(training)
    if "init_weights" in frozen:
        frozen["init_weights"] = _absolute(frozen["init_weights"], project_path)
    return frozen


def same_training(project: Project, snapshot: Project, project_path: Path | None) -> bool:
    """Whether ``project`` (saved at ``project_path``) would still train what ``snapshot`` trains (positions aside)."""
    ours, theirs = project.design, snapshot.design
    blocks = [(b.id, b.kind, b.name, b.params) for b in ours.blocks()]
    frozen = [(b.id, b.kind, b.name, b.params) for b in theirs.blocks()]
    return (
        blocks == frozen
        and set(ours.connections()) == set(theirs.connections())
        and frozen_training(project.training, project_path) == snapshot.training
        and {k: v for k, v in project.dataset.items() if k != "path"}
        == {k: v for k, v in snapshot.dataset.items() if k != "path"}
    )


def _absolute(value: Any, project_path: Path | None) -> Any:
    """A path setting made absolute against the project's folder; other values (empty, not text) as they are."""
    if not isinstance(value, str) or not value.strip() or project_path is None:
        return value
    return str(starting_weights_path(value, project_path.parent.resolve()))
