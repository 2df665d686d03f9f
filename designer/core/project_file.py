"""Reading and writing project files: versioned, human-readable JSON.

Loading goes parse → migrate → validate → build, and every problem becomes a
:class:`ProjectFileError` that says where in the file it is. Nothing is ever unpickled or executed.
Saving is atomic: the old file stays whole until the new one is complete on disk.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from designer.core.blocks import REGISTRY, get_block
from designer.core.design import Block, Connection, DesignError, DesignGraph, id_order
from designer.core.groups import Group, GroupError
from designer.core.params import ParamError
from designer.core.project import Project

FORMAT = "designer-project"
VERSION = 1
MAX_BYTES = 64 * 1024 * 1024
MAX_BLOCKS = 100_000

Migration = Callable[[dict[str, Any]], dict[str, Any]]
MIGRATIONS: dict[int, Migration] = {}
"""Each entry turns a file of version ``k`` into one of version ``k + 1``."""


class ProjectFileError(ValueError):
    """A project file that cannot be loaded: which file, where in it, and what is wrong."""

    def __init__(self, message: str, where: str | None = None, path: str | os.PathLike[str] | None = None) -> None:
        self.message, self.where, self.path = message, where, None if path is None else str(path)
        super().__init__(": ".join(part for part in (self.path, where, message) if part))


# ---- saving ----------------------------------------------------------------------------------
def project_to_json(project: Project) -> dict[str, Any]:
    design = project.design
    return {
        "format": FORMAT,
        "version": VERSION,
        "name": project.name,
        "description": project.description,
        "design": design_to_json(design),
        "dataset": project.dataset,
        "training": project.training,
    }


def design_to_json(design: DesignGraph) -> dict[str, Any]:
    """The ``blocks``, ``connections`` and any ``groups`` of a design, as a project file holds them."""
    document = {
        "blocks": [block_to_json(b) for b in design.blocks()],
        "connections": [connection_to_json(c) for c in design.connections()],
    }
    if len(design.groups):
        document["groups"] = [group_to_json(g) for g in design.groups]
    return document


def block_to_json(block: Block) -> dict[str, Any]:
    return {
        "id": block.id,
        "kind": block.kind,
        "name": block.name,
        "position": list(block.position),
        "params": {p.name: p.to_json(block.params[p.name]) for p in block.spec.params},
    }


def group_to_json(group: Group) -> dict[str, Any]:
    """A group as the file holds it; one inside another names it as ``parent`` (written before it)."""
    parent = {} if group.parent is None else {"parent": group.parent}
    blocks = sorted(group.blocks, key=id_order)
    return {"name": group.name, **parent, "collapsed": group.collapsed, "blocks": blocks}


def connection_to_json(c: Connection) -> dict[str, str]:
    return {"source": c.source, "source_port": c.source_port, "target": c.target, "target_port": c.target_port}


def dumps(project: Project) -> str:
    """The file text: indented JSON, with short lists such as shapes and positions kept on one line."""
    return _format(project_to_json(project), "") + "\n"


def _format(value: Any, indent: str) -> str:
    inner = indent + "  "
    if isinstance(value, dict) and value:
        items = (f"{inner}{_scalar(k)}: {_format(v, inner)}" for k, v in value.items())
        return "{\n" + ",\n".join(items) + f"\n{indent}}}"
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        return "[\n" + ",\n".join(inner + _format(v, inner) for v in value) + f"\n{indent}]"
    return _scalar(value)


def _scalar(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def save_project(project: Project, path: str | os.PathLike[str]) -> None:
    """Write ``project`` to ``path`` atomically (temporary file, fsync, rename)."""
    path = Path(path)
    text = dumps(project).encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)


def _fsync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # Not possible on every platform; the rename has happened either way.
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ---- loading ---------------------------------------------------------------------------------
def load_project(path: str | os.PathLike[str]) -> Project:
    """Read a project file; raises :class:`ProjectFileError` for anything wrong with it."""
    try:
        size = os.path.getsize(path)
        if size > MAX_BYTES:
            raise ProjectFileError(f"the file is {size / 2**20:.0f} MB; project files are at most 64 MB", path=path)
        data = Path(path).read_bytes()
    except ProjectFileError:
        raise
    except OSError as exc:
        raise ProjectFileError(exc.strerror or str(exc), path=path) from None
    try:
        return loads(data)
    except ProjectFileError as exc:
        raise ProjectFileError(exc.message, exc.where, path) from None


def loads(data: str | bytes) -> Project:
    """Parse project file content; raises :class:`ProjectFileError`."""
    return _build(_migrate(_parse(data)))


def _parse(data: str | bytes) -> dict[str, Any]:
    document = parse_json(data)
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ProjectFileError(f'not a Designer project (it needs "format": "{FORMAT}" at the top)')
    return document


def parse_json(data: str | bytes) -> Any:
    """Decode and parse JSON text, refusing NaN and Infinity; raises :class:`ProjectFileError` with the place."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ProjectFileError(f"not UTF-8 text (byte {exc.start})") from None
    try:
        document = json.loads(data, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise ProjectFileError(f"not valid JSON: {exc.msg}", f"line {exc.lineno}, column {exc.colno}") from None
    except RecursionError:
        raise ProjectFileError("not a project file: nested too deeply") from None
    except ValueError as exc:  # e.g. integers with thousands of digits
        raise ProjectFileError(f"not valid JSON: {exc}") from None
    return document


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in a project file")


def _migrate(document: dict[str, Any]) -> dict[str, Any]:
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ProjectFileError(f"version must be a whole number of at least 1, not {version!r}", "version")
    if version > VERSION:
        raise ProjectFileError(
            f"made by a newer Designer (file format {version}; this version reads up to {VERSION}): update Designer"
        )
    while version < VERSION:
        document = MIGRATIONS[version](document)
        version += 1
        document["version"] = version
    return document


def _build(document: dict[str, Any]) -> Project:
    reader = _Reader()
    project = Project(
        name=reader.field(document, "name", str, "", ""),
        description=reader.field(document, "description", str, "", ""),
        dataset=reader.field(document, "dataset", dict, {}, ""),
        training=reader.field(document, "training", dict, {}, ""),
    )
    design_doc = reader.field(document, "design", dict, None, "")
    read_design(design_doc, project.design, "design")
    return project


def read_design(doc: dict[str, Any], design: DesignGraph, where: str) -> None:
    """Add the ``blocks`` and ``connections`` of ``doc`` (found at ``where``) to ``design``, checking each."""
    reader = _Reader()
    prefix = f"{where}." if where else ""
    blocks = reader.field(doc, "blocks", list, None, where)
    if len(blocks) > MAX_BLOCKS:
        raise ProjectFileError(
            f"{len(blocks)} blocks is more than the {MAX_BLOCKS} a design can hold", f"{prefix}blocks"
        )
    for i, block in enumerate(blocks):
        reader.block(design, block, f"{prefix}blocks[{i}]")
    for i, connection in enumerate(reader.field(doc, "connections", list, [], where)):
        reader.connection(design, connection, f"{prefix}connections[{i}]")
    for i, group in enumerate(reader.field(doc, "groups", list, [], where)):
        reader.group(design, group, f"{prefix}groups[{i}]")


class _Reader:
    """Type-checked access to the parsed document, each failure naming its place."""

    def field(self, obj: Any, key: str, kind: type, default: Any, where: str) -> Any:
        place = f"{where}.{key}" if where else key
        if not isinstance(obj, dict):
            raise ProjectFileError(f"must be an object, not {_describe(obj)}", where or None)
        if key not in obj:
            if default is None:
                raise ProjectFileError(f'"{key}" is missing', where or None)
            return default
        value = obj[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise ProjectFileError(f"must be {_KIND_NAMES[kind]}, not {_describe(value)}", place)
        return value

    def block(self, design: DesignGraph, doc: Any, where: str) -> None:
        block_id = self.field(doc, "id", str, None, where)
        if not 0 < len(block_id) <= 64:
            raise ProjectFileError("ids must be 1 to 64 characters long", f"{where}.id")
        kind = self.field(doc, "kind", str, None, where)
        if kind not in REGISTRY:
            raise ProjectFileError(f"unknown block kind {kind!r}", f"{where}.kind")
        name = self.field(doc, "name", str, None, where)
        position = self.field(doc, "position", list, [0, 0], where)
        if len(position) != 2 or not all(_finite(v) for v in position):
            raise ProjectFileError("must be two finite numbers [x, y]", f"{where}.position")
        params = self.field(doc, "params", dict, {}, where)
        spec = get_block(kind)
        for key, value in params.items():
            try:
                spec.check_params({key: value})
            except ParamError as exc:
                raise ProjectFileError(str(exc), f"{where}.params.{key}") from None
        try:
            design.add_block(kind, name, params, (position[0], position[1]), block_id)
        except DesignError as exc:
            raise ProjectFileError(str(exc), where) from None

    def group(self, design: DesignGraph, doc: Any, where: str) -> None:
        name = self.field(doc, "name", str, None, where)
        parent = self.field(doc, "parent", str, "", where) or None
        if parent is not None and parent not in design.groups:
            raise ProjectFileError(f"there is no group {parent!r} before this one", f"{where}.parent")
        collapsed = self.field(doc, "collapsed", bool, False, where)
        blocks = self.field(doc, "blocks", list, [], where)
        for i, block_id in enumerate(blocks):
            if not isinstance(block_id, str) or block_id not in design:
                raise ProjectFileError(f"there is no block with id {block_id!r}", f"{where}.blocks[{i}]")
        try:
            design.groups.add(Group(name, frozenset(blocks), parent, collapsed))
        except GroupError as exc:
            raise ProjectFileError(str(exc), where) from None

    def connection(self, design: DesignGraph, doc: Any, where: str) -> None:
        parts = [self.field(doc, key, str, None, where) for key in ("source", "source_port", "target", "target_port")]
        for key, block_id in (("source", parts[0]), ("target", parts[2])):
            if block_id not in design:
                raise ProjectFileError(f"there is no block with id {block_id!r}", f"{where}.{key}")
        try:
            design.connect(Connection(*parts))
        except DesignError as exc:
            raise ProjectFileError(str(exc), where) from None


_KIND_NAMES = {str: "text", list: "a list", dict: "an object", int: "a whole number", bool: "true or false"}


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "true/false", str: "text", list: "a list", dict: "an object"}.get(type(value), f"{value!r}")


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
