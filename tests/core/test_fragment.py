import json

import pytest

from designer.core import fragment
from designer.core.design import Connection
from designer.core.fragment import FragmentError
from designer.core.templates import load_template


def _lenet():
    return load_template("lenet-digits").design


def _ids(design, *names):
    return [design.find(n) for n in names]


def test_extract_keeps_blocks_and_only_the_connections_among_them():
    design = _lenet()
    conv1, relu1, pool1 = _ids(design, "conv1", "relu1", "pool1")
    part = fragment.extract(design, [pool1, conv1, relu1])
    assert [b.name for b in part.blocks()] == ["conv1", "relu1", "pool1"]
    assert [part.block(b) for b in (conv1, relu1, pool1)] == [design.block(b) for b in (conv1, relu1, pool1)]
    assert set(part.connections()) == {Connection(conv1, "out", relu1, "in"), Connection(relu1, "out", pool1, "in")}


def test_round_trip_through_json_text():
    design = _lenet()
    design.set_param(design.find("conv1"), "in_channels", 1)  # a pinned inferred value survives too
    part = fragment.extract(design, _ids(design, "image", "conv1", "relu1"))
    text = fragment.dumps(part)
    assert json.loads(text)["format"] == "designer-fragment"
    assert fragment.loads(text) == part


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("conv1 relu1", "not valid JSON: Expecting value"),
        ("[1, 2]", "not copied Designer blocks"),
        ('{"format": "designer-project", "version": 1}', "not copied Designer blocks"),
        ('{"format": "designer-fragment", "version": 7, "blocks": []}', "version: made by another Designer"),
        ('{"format": "designer-fragment", "version": 1}', '"blocks" is missing'),
        (
            '{"format": "designer-fragment", "version": 1, "blocks": [{"id": "b1", "kind": "Conv3d", "name": "c"}]}',
            "blocks[0].kind: unknown block kind 'Conv3d'",
        ),
        (
            '{"format": "designer-fragment", "version": 1, "blocks": '
            '[{"id": "b1", "kind": "Conv2d", "name": "c", "params": {"kernel_size": 0}}]}',
            "blocks[0].params.kernel_size: kernel_size must be from 1",
        ),
        (
            '{"format": "designer-fragment", "version": 1, "blocks": [{"id": "b1", "kind": "ReLU", "name": "r"}],'
            ' "connections": [{"source": "b1", "source_port": "out", "target": "b9", "target_port": "in"}]}',
            "connections[0].target: there is no block with id 'b9'",
        ),
        ('{"format": "designer-fragment", "version": 1, "blocks": [], "x": NaN}', "NaN is not allowed"),
    ],
)
def test_bad_text_is_refused_with_its_place(text, expected):
    with pytest.raises(FragmentError) as caught:
        fragment.loads(text)
    assert expected in str(caught.value)


def test_a_paste_gets_fresh_ids_free_names_and_moved_positions():
    design = _lenet()
    conv1, relu1 = _ids(design, "conv1", "relu1")
    part = fragment.extract(design, [conv1, relu1])
    part.rename_block(relu1, "gate")  # a name the design does not have yet is kept
    plan = fragment.plan_paste(design, part, (40.0, 10.0))
    existing = {b.id for b in design.blocks()}
    assert [b.id for b in plan.blocks] and not existing & {b.id for b in plan.blocks}
    assert [b.name for b in plan.blocks] == ["conv2d_1", "gate"]
    assert plan.blocks[0].params == design.block(conv1).params
    x, y = design.block(conv1).position
    assert plan.blocks[0].position == (x + 40.0, y + 10.0)
    assert plan.connections == [Connection(plan.blocks[0].id, "out", plan.blocks[1].id, "in")]
    assert len(design) == len(existing)  # planning changes nothing


def test_pasting_twice_into_an_empty_design_keeps_then_renames():
    design = _lenet()
    part = fragment.extract(design, _ids(design, "conv1", "conv2"))
    target = load_template("lenet-digits").design
    for block_id in [b.id for b in target.blocks()]:
        target.remove_block(block_id)
    first = fragment.plan_paste(target, part, (0.0, 0.0))
    assert [b.name for b in first.blocks] == ["conv1", "conv2"]
    for block in first.blocks:
        target.add_block(block.kind, block.name, block.params, block.position, block.id)
    second = fragment.plan_paste(target, part, (0.0, 0.0))
    assert [b.name for b in second.blocks] == ["conv2d_1", "conv2d_2"]


def test_centre_is_the_middle_of_the_positions():
    design = _lenet()
    part = fragment.extract(design, _ids(design, "image", "conv1"))
    (x0, y0), (x1, y1) = (b.position for b in part.blocks())
    assert fragment.centre(part) == ((x0 + x1) / 2, (y0 + y1) / 2)
