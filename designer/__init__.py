"""Designer: design neural networks by drawing them.

The Python API, for scripts and notebooks::

    import designer

    project = designer.load_project("net.json")     # or designer.new_project("lenet-digits")
    report = designer.check(project)                  # shapes of every edge, problems of every block
    for problem in report.problems:
        print(problem)
    model = designer.build_module(project)            # a torch.fx.GraphModule
    designer.save_project(project, "net.json")

Torch is imported only when a module is built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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
]
