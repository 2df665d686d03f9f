"""The frozen copy of a project that a run trains, so that editing may go on while it does."""

from __future__ import annotations

import copy
from pathlib import Path

from designer.core.project import Project


def frozen_project(project: Project, project_path: Path | None) -> Project:
    """An independent copy of ``project``; a relative data path is made absolute, as the copy lives elsewhere."""
    dataset = copy.deepcopy(project.dataset)
    data_path = dataset.get("path")
    if isinstance(data_path, str) and data_path.strip() and project_path is not None:
        path = Path(data_path.strip()).expanduser()
        if not path.is_absolute():
            dataset["path"] = str(project_path.parent.resolve() / path)
    return Project(
        design=project.design.snapshot(),
        name=project.name,
        description=project.description,
        dataset=dataset,
        training=copy.deepcopy(project.training),
    )


def same_training(project: Project, snapshot: Project) -> bool:
    """Whether ``project`` would still train what ``snapshot`` trains (positions aside)."""
    ours, theirs = project.design, snapshot.design
    blocks = [(b.id, b.kind, b.name, b.params) for b in ours.blocks()]
    frozen = [(b.id, b.kind, b.name, b.params) for b in theirs.blocks()]
    return (
        blocks == frozen
        and set(ours.connections()) == set(theirs.connections())
        and project.training == snapshot.training
        and {k: v for k, v in project.dataset.items() if k != "path"}
        == {k: v for k, v in snapshot.dataset.items() if k != "path"}
    )
