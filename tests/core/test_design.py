import pytest

from designer.core.design import Connection, DesignError, DesignGraph
from tests.helpers import chain, image_input


def test_add_block_fills_defaults_and_names():
    d = DesignGraph()
    a = d.add_block("Conv2d")
    b = d.add_block("Conv2d")
    assert (d.block(a).name, d.block(b).name) == ("conv2d_1", "conv2d_2")
    assert d.block(a).params["out_channels"] == 16
    assert d.block(a).params["in_channels"] is None
    assert d.add_block("MaxPool2d") and d.block("b3").name == "max_pool2d_1"


def test_bad_params_and_names_are_refused():
    d = DesignGraph()
    with pytest.raises(DesignError, match="kernel_size must be"):
        d.add_block("Conv2d", params={"kernel_size": 0})
    with pytest.raises(DesignError, match="has no parameter 'kernal_size'"):
        d.add_block("Conv2d", params={"kernal_size": 3})
    d.add_block("ReLU", name="act")
    with pytest.raises(DesignError, match="already called 'act'"):
        d.add_block("ReLU", name="act")
    for bad in ("1abc", "a b", "class", "forward", ""):
        with pytest.raises(DesignError):
            d.add_block("ReLU", name=bad)
    assert len(d) == 1


def test_connect_validates_ports():
    d = DesignGraph()
    i, r = chain(d, image_input([1, 8, 8]), ("ReLU", {}))
    add = d.add_block("Add")
    with pytest.raises(DesignError, match="already connected"):
        d.connect(Connection(i, "out", r, "in"))
    with pytest.raises(DesignError, match="no input port 'in3'"):
        d.connect(Connection(r, "out", add, "in3"))
    with pytest.raises(DesignError, match="no output port"):
        d.connect(Connection(r, "result", add, "in1"))
    with pytest.raises(DesignError, match="cannot feed itself"):
        d.connect(Connection(r, "out", r, "in"))
    d.connect(Connection(r, "out", add, "in1"))
    d.connect(Connection(r, "out", add, "in2"))  # the same output may feed two ports of one block
    assert set(d.incoming(add)) == {"in1", "in2"}


def test_merge_inputs_cannot_shrink_below_connected_ports():
    d = DesignGraph()
    r = d.add_block("ReLU")
    add = d.add_block("Add", params={"inputs": 3})
    d.connect(Connection(r, "out", add, "in3"))
    with pytest.raises(DesignError, match="disconnect in3"):
        d.set_param(add, "inputs", 2)
    d.set_param(add, "inputs", 4)
    assert d.block(add).spec.input_ports(d.block(add).params) == ("in1", "in2", "in3", "in4")


def test_remove_and_restore_is_exact():
    d = DesignGraph()
    ids = chain(d, image_input([1, 8, 8]), ("Conv2d", {}), ("ReLU", {}))
    before = d.snapshot()
    removed = d.remove_block(ids[1])
    assert ids[1] not in d and not d.connections()
    d.restore_block(removed)
    assert d == before


def test_events_report_every_change():
    d = DesignGraph()
    seen = []
    for name in vars(d.events):
        getattr(d.events, name).connect(lambda *args, name=name: seen.append((name, *args)))
    a = d.add_block("ReLU")
    b = d.add_block("Tanh")
    c = Connection(a, "out", b, "in")
    d.connect(c)
    d.rename_block(a, "act")
    d.move_block(a, (10, 20))
    d.remove_block(a)
    assert [s[0] for s in seen] == [
        "block_added",
        "block_added",
        "connected",
        "block_renamed",
        "block_moved",
        "disconnected",
        "block_removed",
    ]
    assert seen[3] == ("block_renamed", a, "relu_1", "act")


def test_snapshot_is_independent():
    d = DesignGraph()
    a = d.add_block("Linear")
    snap = d.snapshot()
    d.set_param(a, "out_features", 5)
    d.add_block("ReLU")
    assert snap.block(a).params["out_features"] == 64
    assert len(snap) == 1
    assert snap.add_block("ReLU") == "b2"


def test_ids_stay_unique_after_loading_explicit_ids():
    d = DesignGraph()
    d.add_block("ReLU", block_id="b7")
    assert d.add_block("ReLU") == "b8"
    with pytest.raises(DesignError, match="already exists"):
        d.add_block("ReLU", block_id="b7")
