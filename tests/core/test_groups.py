"""Groups of blocks: membership, nesting, removal and restore, and how project files keep them."""

import itertools
import json

import pytest

from designer.core.design import Connection, DesignGraph
from designer.core.groups import Group, GroupError
from designer.core.project import Project
from designer.core.project_file import ProjectFileError, dumps, loads


def chain(n: int) -> tuple[DesignGraph, list[str]]:
    design = DesignGraph()
    ids = [design.add_block("ReLU", f"r{i}", position=(i * 100, 0)) for i in range(n)]
    for a, b in itertools.pairwise(ids):
        design.connect(Connection(a, "out", b, "in"))
    return design, ids


def test_plan_puts_a_new_group_inside_the_innermost_group_holding_the_blocks():
    design, ids = chain(6)
    groups = design.groups
    groups.add(*groups.plan("stage", ids[1:5]))
    groups.add(*groups.plan("unit", ids[1:3]))
    assert groups.get("unit").parent == "stage"
    assert groups.get("stage").blocks == {ids[3], ids[4]}
    assert groups.members("stage") == set(ids[1:5])
    assert [g.name for g in groups] == ["stage", "unit"]
    # A new group around the whole stage takes the stage inside it.
    group, children = groups.plan("outer", ids[:6])
    assert (group.parent, group.blocks, children) == (None, frozenset({ids[0], ids[5]}), ("stage",))


def test_part_of_a_group_cannot_be_grouped_with_blocks_outside_it():
    design, ids = chain(4)
    design.groups.add(*design.groups.plan("stage", ids[1:3]))
    with pytest.raises(GroupError, match="select all of group stage or none of it"):
        design.groups.plan("mixed", [ids[0], ids[1]])


def test_remove_and_restore_give_back_the_same_groups():
    design, ids = chain(5)
    groups = design.groups
    groups.add(*groups.plan("stage", ids[:4]))
    groups.add(*groups.plan("unit", ids[:2]))
    before = groups.copy(design.__contains__)
    removed = groups.remove("stage")
    assert groups.get("unit").parent is None
    assert groups.group_of(ids[2]) is None
    groups.restore(removed)
    assert groups == before


def test_collapsed_groups_hide_their_blocks_behind_the_outermost_one():
    design, ids = chain(4)
    groups = design.groups
    groups.add(*groups.plan("stage", ids[:3]))
    groups.add(*groups.plan("unit", ids[:2]))
    groups.set_collapsed("unit", True)
    assert groups.hidden_in(ids[0]) == "unit"
    assert groups.hidden_in(ids[2]) is None
    groups.set_collapsed("stage", True)
    assert groups.hidden_in(ids[0]) == "stage"
    assert groups.hidden_in(ids[3]) is None


def test_removing_a_block_leaves_its_group_and_restoring_it_comes_back():
    design, ids = chain(3)
    design.groups.add(*design.groups.plan("g", ids[:2]))
    removed = design.remove_block(ids[0])
    assert design.groups.get("g").blocks == {ids[1]}
    design.restore_block(removed)
    assert design.groups.get("g").blocks == {ids[0], ids[1]}


def test_snapshots_have_their_own_groups():
    design, ids = chain(3)
    design.groups.add(*design.groups.plan("g", ids[:2]))
    copy = design.snapshot()
    copy.groups.set_collapsed("g", True)
    assert not design.groups.get("g").collapsed
    assert copy.groups.get("g").collapsed


@pytest.mark.parametrize("name", ["", "   ", "a\nb", "x" * 101])
def test_unusable_group_names_are_refused(name):
    design, ids = chain(2)
    with pytest.raises(GroupError, match="group name"):
        design.groups.add(Group(name, frozenset(ids)))


def test_project_files_keep_groups_and_their_collapsed_state():
    project = Project()
    design, ids = chain(5)
    project.design = design
    design.groups.add(*design.groups.plan("layer1", ids[1:4]))
    design.groups.add(*design.groups.plan("layer1.0", ids[1:3]))
    design.groups.set_collapsed("layer1.0", True)
    again = loads(dumps(project))
    assert again.design.groups == design.groups
    assert again.design == design


def test_files_without_groups_still_load_and_write_no_groups():
    project = Project()
    project.design, _ = chain(2)
    document = json.loads(dumps(project))
    assert "groups" not in document["design"]
    assert len(loads(json.dumps(document)).design.groups) == 0


def _with_groups(groups):
    project = Project()
    project.design, _ = chain(3)
    document = json.loads(dumps(project))
    document["design"]["groups"] = groups
    return json.dumps(document)


@pytest.mark.parametrize(
    ("groups", "where", "message"),
    [
        ("stage", "design.groups", "must be a list"),
        ([{"blocks": ["b1"]}], "design.groups[0]", '"name" is missing'),
        ([{"name": "g", "blocks": ["b9"]}], "design.groups[0].blocks[0]", "no block with id 'b9'"),
        ([{"name": "g", "blocks": "b1"}], "design.groups[0].blocks", "must be a list"),
        ([{"name": "g", "collapsed": "yes"}], "design.groups[0].collapsed", "must be true or false"),
        ([{"name": "g", "parent": "h"}], "design.groups[0].parent", "no group 'h' before this one"),
        ([{"name": "g"}, {"name": "g"}], "design.groups[1]", "another group is already called 'g'"),
        ([{"name": "g", "blocks": ["b1"]}, {"name": "h", "blocks": ["b1"]}], "design.groups[1]", "already in group g"),
        ([{"name": "", "blocks": []}], "design.groups[0]", "not a usable group name"),
    ],
)
def test_malformed_groups_are_refused_with_their_place(groups, where, message):
    with pytest.raises(ProjectFileError) as caught:
        loads(_with_groups(groups))
    assert caught.value.where == where
    assert message in caught.value.message
