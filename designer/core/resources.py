"""Where the files Designer ships are: the repository's ``resources/`` folder, installed as ``designer.resources``."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def resource_path(*parts: str) -> Path:
    """A file or folder under ``resources/``, e.g. ``resource_path("templates", "lenet-digits.json")``."""
    return Path(str(files("designer.resources").joinpath(*parts)))
