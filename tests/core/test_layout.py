from designer.core.design import Connection
from designer.core.layout import LAYER_GAP, layered_positions
from designer.core.templates import load_template


def test_each_block_sits_one_layer_after_its_deepest_input():
    design = load_template("resnet-mini").design
    positions = layered_positions(design)
    for c in design.connections():
        assert positions[c.target][0] >= positions[c.source][0] + LAYER_GAP
    add = design.find("block1_add")
    assert positions[add][0] == max(positions[c.source][0] for c in design.incoming(add).values()) + LAYER_GAP


def test_top_to_bottom_swaps_axes_and_cycles_do_not_hang():
    design = load_template("mlp-tabular").design
    across = layered_positions(design, "left-to-right")
    down = layered_positions(design, "top-to-bottom")
    assert all(down[b] == (y, x) for b, (x, y) in across.items())
    first, last = design.find("fc1"), design.find("relu1")
    design.disconnect(design.incoming(first)["in"])
    design.connect(Connection(last, "out", first, "in"))  # fc1 → relu1 → fc1
    assert set(layered_positions(design)) == {b.id for b in design.blocks()}
