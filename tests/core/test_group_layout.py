"""Auto-layout with collapsed groups: each takes one place, as its box does, with its blocks laid out around it."""

import itertools

from designer.core.design import Connection, DesignGraph
from designer.core.group_layout import crowded, grouped_positions
from designer.core.layout import LAYER_GAP, layered_positions


def chain(n: int) -> tuple[DesignGraph, list[str]]:
    design = DesignGraph()
    ids = [design.add_block("ReLU", f"r{i}") for i in range(n)]
    for a, b in itertools.pairwise(ids):
        design.connect(Connection(a, "out", b, "in"))
    return design, ids


def centre(positions, ids):
    xs, ys = [positions[b][0] for b in ids], [positions[b][1] for b in ids]
    return ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)


def test_without_collapsed_groups_it_is_the_layered_layout():
    design, ids = chain(6)
    design.groups.add(*design.groups.plan("g", ids[1:4]))
    assert grouped_positions(design) == layered_positions(design)


def test_a_collapsed_group_takes_one_layer_and_its_box_lands_there():
    design, ids = chain(8)
    design.groups.add(*design.groups.plan("g", ids[2:7]))
    design.groups.set_collapsed("g", True)
    positions = grouped_positions(design)
    # r0, r1, the box, r7: four layers, one gap apart.
    assert positions[ids[1]][0] - positions[ids[0]][0] == LAYER_GAP
    assert centre(positions, ids[2:7])[0] - positions[ids[1]][0] == LAYER_GAP
    assert positions[ids[7]][0] - centre(positions, ids[2:7])[0] == LAYER_GAP
    assert len({positions[b] for b in ids[2:7]}) == 5  # its own blocks do not sit on each other


def test_expanding_a_group_laid_out_around_its_box_is_crowded_one_drawn_in_place_is_not():
    design, ids = chain(8)
    design.groups.add(*design.groups.plan("g", ids[2:7]))
    for block_id, position in layered_positions(design).items():
        design.move_block(block_id, position)
    assert not crowded(design, ["g"])  # the blocks were drawn where they are: expanding shows them in place
    design.groups.set_collapsed("g", True)
    for block_id, position in grouped_positions(design).items():
        design.move_block(block_id, position)
    design.groups.set_collapsed("g", False)
    assert crowded(design, ["g"])


def test_a_stage_whose_units_stay_collapsed_is_crowded_when_a_unit_box_lands_on_another_block():
    design, ids = chain(10)
    design.groups.add(*design.groups.plan("stage", ids[2:8]))
    design.groups.add(*design.groups.plan("unit1", ids[2:5]))
    design.groups.add(*design.groups.plan("unit2", ids[5:8]))
    for block_id, position in layered_positions(design).items():
        design.move_block(block_id, position)
    design.groups.set_collapsed("unit1", True)
    design.groups.set_collapsed("unit2", True)
    assert not crowded(design, ["stage"])  # every block of the stage lies in a box of its own
    design.move_block(ids[9], design.block(ids[3]).position)  # r9 onto the middle of unit1, where its box is
    assert crowded(design, ["stage"])
