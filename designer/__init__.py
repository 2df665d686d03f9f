"""Designer: design neural networks by drawing them.

The Python API, for scripts and notebooks::

    import designer

    project = designer.load_project("net.json")     # or designer.new_project("lenet-digits")
    report = designer.check(project)                  # shapes of every edge, problems of every block
    for problem in report.problems:
        print(problem)
    model = designer.build_module(project)            # a torch.fx.GraphModule
    designer.save_project(project, "net.json")
    result = designer.train("net.json", epochs=5)     # the last event: {"event": "done", "best": …, "run": …}

Torch is imported only when a module is built.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from designer.core.design import Connection, DesignError, DesignGraph
from designer.core.inference import DesignReport, Problem, infer
from designer.core.project import Project
from designer.core.project_file import ProjectFileError, load_project, save_project
from designer.core.summary import Summary, summarize
from designer.core.templates import list_templates, load_template

if TYPE_CHECKING:
    from torch import fx

__version__ = "0.1.0"


def new_project(template: str) -> Project:
    """A new project from one of the shipped templates (see :func:`list_templates`)."""
    return load_template(template)


def _design(project: Project | DesignGraph) -> DesignGraph:
    return project.design if isinstance(project, Project) else project


def check(project: Project | DesignGraph) -> DesignReport:
    """Infer every shape and collect every problem of a project's design."""
    return infer(_design(project))


def summary(project: Project | DesignGraph) -> Summary:
    """Output shape and parameter count per block, and the total."""
    design = _design(project)
    return summarize(design, infer(design))


def build_module(project: Project | DesignGraph) -> fx.GraphModule:
    """Compile a project's design into a torch module; raises CompileError if the design has errors."""
    from designer.compiler.compile import compile_design

    return compile_design(_design(project))


def train(
    project: Project | str | os.PathLike[str],
    *,
    epochs: int | None = None,
    device: str | None = None,
    out: str | os.PathLike[str] | None = None,
    on_event: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Train a project (or project file) as ``designer train`` does; returns the last event, ``done`` or ``error``.

    ``on_event`` receives every event of the protocol in :mod:`designer.training.events` as it happens.
    """
    from designer.training.engine import RunRequest
    from designer.training.engine import train as run

    path = None if isinstance(project, Project) else Path(project)
    loaded = project if isinstance(project, Project) else load_project(project)
    overrides = {key: value for key, value in (("epochs", epochs), ("device", device)) if value is not None}
    request = RunRequest(loaded, path, None if out is None else Path(out), None, overrides)
    return run(request, [on_event] if on_event else None)


__all__ = [
    "Connection",
    "DesignError",
    "DesignGraph",
    "DesignReport",
    "Problem",
    "Project",
    "ProjectFileError",
    "Summary",
    "build_module",
    "check",
    "list_templates",
    "load_project",
    "new_project",
    "save_project",
    "summary",
    "train",
]
