"""Renaming a group: its blocks, the groups inside it and its place come along; refused names change nothing."""

import pytest

from designer.core.groups import GroupError
from designer.core.project import Project
from designer.core.project_file import dumps, loads
from tests.core.test_groups import chain


def nested():
    """Six blocks: ``stage`` holds blocks 1–4 with ``unit`` (blocks 1–2) inside it; ``tail`` holds block 5."""
    design, ids = chain(6)
    groups = design.groups
    groups.add(*groups.plan("stage", ids[1:5]))
    groups.add(*groups.plan("unit", ids[1:3]))
    groups.add(*groups.plan("tail", ids[5:]))
    groups.set_collapsed("unit", True)
    return design, ids


def test_a_renamed_group_keeps_its_blocks_its_inner_groups_and_its_place():
    design, ids = nested()
    groups, heard = design.groups, []
    groups.renamed.connect(lambda old, new: heard.append(("renamed", old, new)))
    groups.changed.connect(lambda: heard.append(("changed",)))
    groups.rename("stage", "res2")
    assert heard == [("renamed", "stage", "res2"), ("changed",)]
    assert "stage" not in groups and [g.name for g in groups] == ["res2", "unit", "tail"]
    assert groups.get("unit").parent == "res2" and groups.get("res2").blocks == {ids[3], ids[4]}
    assert groups.members("res2") == set(ids[1:5]) and groups.group_of(ids[3]) == "res2"
    assert groups.ancestors("unit") == ["unit", "res2"] and groups.hidden_in(ids[1]) == "unit"
    groups.rename("unit", "res2.0")
    assert groups.group_of(ids[1]) == "res2.0" and groups.get("res2.0").collapsed


def test_renaming_back_gives_the_same_groups_and_the_same_file():
    design, _ = nested()
    project = Project()
    project.design = design
    before_groups, before_file = design.groups.copy(design.__contains__), dumps(project)
    design.groups.rename("stage", "res2")
    assert "res2" in loads(dumps(project)).design.groups
    design.groups.rename("res2", "stage")
    assert design.groups == before_groups and dumps(project) == before_file


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("tail", "another group is already called 'tail'"),
        ("", "not a usable group name"),
        ("  ", "not a usable group name"),
        ("a\tb", "not a usable group name"),
        ("x" * 101, "at most 100 characters"),
    ],
)
def test_refused_names_change_nothing(name, message):
    design, _ = nested()
    before, heard = design.groups.copy(design.__contains__), []
    design.groups.changed.connect(lambda: heard.append("changed"))
    with pytest.raises(GroupError, match=message):
        design.groups.rename("stage", name)
    assert design.groups == before and heard == []


def test_renaming_a_group_that_is_not_there_names_it():
    design, _ = nested()
    with pytest.raises(GroupError, match="there is no group called 'stem'"):
        design.groups.rename("stem", "head")
