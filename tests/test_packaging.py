"""What `pip install .` installs: every package, and every file under resources/ that the app reads."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

from designer.core.resources import resource_path

ROOT = Path(__file__).resolve().parents[1]
SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
NOT_INSTALLED = ("screenshots/*", "__init__.py")
"""README pictures stay in the repository; the package's own __init__ is installed as code."""


def test_every_package_is_listed() -> None:
    found = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "designer").rglob("__init__.py")
        if "__pycache__" not in path.parts
    }
    assert found | {"designer.resources"} == set(SETUPTOOLS["packages"])


def test_every_resource_file_is_installed() -> None:
    patterns = SETUPTOOLS["package-data"]["designer.resources"]
    for path in (ROOT / "resources").rglob("*"):
        name = path.relative_to(ROOT / "resources").as_posix()
        if path.is_dir() or "__pycache__" in name or any(fnmatch.fnmatch(name, p) for p in NOT_INSTALLED):
            continue
        assert any(fnmatch.fnmatch(name, p) for p in patterns), f"resources/{name} would not be installed"


def test_resources_are_found_through_the_package() -> None:
    assert resource_path("templates") == ROOT / "resources" / "templates"
