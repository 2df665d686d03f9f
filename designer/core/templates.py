"""Ready-made example projects, shipped as ordinary project files in ``resources/templates``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from designer.core.project import Project
from designer.core.project_file import load_project
from designer.core.resources import resource_path

TEMPLATES_DIR = resource_path("templates")
DEFAULT_TEMPLATE = "lenet-digits"


@dataclass(frozen=True)
class Template:
    name: str
    title: str
    description: str
    path: Path


def list_templates() -> list[Template]:
    """Every shipped template, by name."""
    found = []
    for path in sorted(TEMPLATES_DIR.glob("*.json")):
        project = load_project(path)
        found.append(Template(path.stem, project.name, project.description, path))
    return found


def template_path(name: str) -> Path:
    path = TEMPLATES_DIR / f"{name}.json"
    if not path.is_file():
        names = ", ".join(t.name for t in list_templates())
        raise KeyError(f"there is no template {name!r}; choose one of: {names}")
    return path


def load_template(name: str) -> Project:
    """A fresh project made from template ``name``."""
    return load_project(template_path(name))
