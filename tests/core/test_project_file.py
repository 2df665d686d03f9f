import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designer.core import project_file
from designer.core.project_file import ProjectFileError, dumps, load_project, loads, save_project
from designer.core.templates import list_templates, load_template

TEMPLATE_TEXTS = [t.path.read_text(encoding="utf-8") for t in list_templates()]
SEED = load_template("seed-cnn")


def test_templates_round_trip_exactly():
    for text in TEMPLATE_TEXTS:
        assert dumps(loads(text)) == text


def test_save_and_load_preserve_everything(tmp_path):
    project = load_template("resnet-mini")
    project.dataset = {"source": "digits", "split": 0.2}
    project.training = {"optimizer": "adam", "epochs": 3}
    project.design.move_block("b2", (12.5, -3.25))
    path = tmp_path / "net.json"
    save_project(project, path)
    loaded = load_project(path)
    assert loaded.design == project.design
    assert (loaded.name, loaded.dataset, loaded.training) == (project.name, project.dataset, project.training)
    assert dumps(loaded) == path.read_text(encoding="utf-8")


def test_save_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "net.json"
    save_project(SEED, path)
    before = path.read_bytes()

    def fail(*_):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        save_project(load_template("mlp-tabular"), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["net.json"]


def _document():
    return json.loads(TEMPLATE_TEXTS[0])


@pytest.mark.parametrize(
    ("mutate", "where", "message"),
    [
        (
            lambda d: d["design"]["blocks"][1]["params"].update(hidden_size=0),
            "design.blocks[1].params.hidden_size",
            "hidden_size must be from 1 to 100000, not 0",
        ),
        (
            lambda d: d["design"]["blocks"][1]["params"].update(size=3),
            "design.blocks[1].params.size",
            "GRU has no parameter 'size'",
        ),
        (lambda d: d["design"]["blocks"][1].update(kind="Conv9d"), "design.blocks[1].kind", "unknown block kind"),
        (lambda d: d["design"]["blocks"][1].pop("name"), "design.blocks[1]", '"name" is missing'),
        (lambda d: d["design"]["blocks"][2].update(position=[1]), "design.blocks[2].position", "two finite numbers"),
        (
            lambda d: d["design"]["connections"][0].update(target="b99"),
            "design.connections[0].target",
            "no block with id 'b99'",
        ),
        (lambda d: d["design"]["blocks"][2].update(id="b1"), "design.blocks[2]", "already exists"),
        (lambda d: d.update(version=99), None, "made by a newer Designer"),
        (lambda d: d.update(version="1"), "version", "whole number"),
        (lambda d: d.update(design=[]), "design", "must be an object"),
        (lambda d: d.update(format="other"), None, "not a Designer project"),
    ],
)
def test_broken_files_say_where(mutate, where, message):
    document = _document()
    mutate(document)
    with pytest.raises(ProjectFileError) as info:
        loads(json.dumps(document))
    assert info.value.where == where
    assert message in info.value.message


def test_syntax_errors_give_line_and_column(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{\n  "format": "designer-project",\n  "version": 1,,\n}')
    with pytest.raises(ProjectFileError) as info:
        load_project(path)
    assert info.value.where == "line 3, column 16"
    assert str(info.value).startswith(str(path))


@pytest.mark.parametrize(
    "content",
    [b"", b"\xff\xfe\x00", b"[" * 100_000, b"1" * 5000, b'{"format": "designer-project", "version": NaN}', b"null"],
)
def test_hostile_content_is_refused_clearly(content):
    with pytest.raises(ProjectFileError):
        loads(content)


def test_missing_and_oversized_files(tmp_path, monkeypatch):
    with pytest.raises(ProjectFileError, match="No such file"):
        load_project(tmp_path / "absent.json")
    path = tmp_path / "big.json"
    path.write_text("{}")
    monkeypatch.setattr(project_file, "MAX_BYTES", 1)
    with pytest.raises(ProjectFileError, match="at most 64 MB"):
        load_project(path)


def test_older_files_are_migrated_step_by_step(monkeypatch):
    document = _document()
    document["title"] = document.pop("name")  # as if version 1 had called it "title" and version 2 "label"
    monkeypatch.setattr(project_file, "VERSION", 3)
    monkeypatch.setitem(project_file.MIGRATIONS, 1, lambda d: {**d, "label": d.pop("title")})
    monkeypatch.setitem(project_file.MIGRATIONS, 2, lambda d: {**d, "name": d.pop("label")})
    assert loads(json.dumps(document)).name == "GRU forecaster"
    document["version"] = 0
    with pytest.raises(ProjectFileError, match="at least 1"):
        loads(json.dumps(document))


def _assert_loads_or_clear_error(data):
    try:
        loads(data)
    except ProjectFileError as exc:
        assert exc.message


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(TEMPLATE_TEXTS), st.data())
def test_corrupted_bytes_give_only_clear_errors(text, data):
    raw = bytearray(text.encode())
    for _ in range(data.draw(st.integers(1, 6))):
        op = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        pos = data.draw(st.integers(0, max(len(raw) - 1, 0)))
        if op == "flip" and raw:
            raw[pos] = data.draw(st.integers(0, 255))
        elif op == "cut":
            del raw[pos:]
        else:
            raw[pos:pos] = data.draw(st.binary(max_size=8))
    _assert_loads_or_clear_error(bytes(raw))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_structurally_wrong_values_give_only_clear_errors(data):
    document = _document()
    node, path = document, []
    while isinstance(node, (dict, list)) and node and data.draw(st.booleans()):
        key = data.draw(st.sampled_from(list(node) if isinstance(node, dict) else range(len(node))))
        path.append(key)
        if not isinstance(node[key], (dict, list)):
            break
        node = node[key]
    target = document
    for key in path[:-1]:
        target = target[key]
    if path:
        target[path[-1]] = data.draw(json_values)
    _assert_loads_or_clear_error(json.dumps(document))
