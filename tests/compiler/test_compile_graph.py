import inspect

import pytest
import torch
from torch import nn

from designer.compiler.compile import CompileError, compile_design
from designer.core.design import Connection, DesignGraph
from designer.core.templates import load_template


def two_input_design():
    d = DesignGraph()
    image = d.add_block("Input", "image", {"data": "image", "shape": [1, 6, 6]})
    extra = d.add_block("Input", "extra", {"data": "features", "shape": [3]})
    conv = d.add_block("Conv2d", "conv", {"out_channels": 2})
    flat = d.add_block("Flatten", "flat")
    cat = d.add_block("Concat", "joined")
    head = d.add_block("Linear", "head", {"out_features": 4})
    aux = d.add_block("Linear", "aux", {"out_features": 1})
    out1 = d.add_block("Output", "scores")
    out2 = d.add_block("Output", "value", {"task": "regression"})
    unused = d.add_block("Linear", "unused")
    for a, b, port in [
        (image, conv, "in"),
        (conv, flat, "in"),
        (flat, cat, "in1"),
        (extra, cat, "in2"),
        (cat, head, "in"),
        (head, out1, "in"),
        (extra, aux, "in"),
        (aux, out2, "in"),
        (extra, unused, "in"),
    ]:
        d.connect(Connection(a, "out", b, port))
    return d


def test_multiple_inputs_outputs_follow_block_order():
    gm = compile_design(two_input_design())
    assert list(inspect.signature(gm.forward).parameters) == ["image", "extra"]
    image, extra = torch.randn(2, 1, 6, 6), torch.randn(2, 3)
    scores, value = gm(image, extra)
    expected = gm.head(torch.cat([torch.flatten(gm.conv(image), 1), extra], dim=1))
    torch.testing.assert_close(scores, expected)
    torch.testing.assert_close(value, gm.aux(extra))
    assert not hasattr(gm, "unused")  # blocks that feed no Output are left out


def test_code_reads_like_hand_written_pytorch():
    gm = compile_design(load_template("seed-cnn").design)
    code = gm.code
    assert "conv1 = self.conv1(image)" in code
    assert "flatten = torch.flatten(pool2, 1)" in code
    assert [name for name, _ in gm.named_children()] == [
        "conv1",
        "relu1",
        "pool1",
        "conv2",
        "relu2",
        "pool2",
        "fc1",
        "relu3",
        "fc2",
    ]
    assert isinstance(gm.fc1, nn.Linear) and gm.fc1.in_features == 1600


def test_residual_add_uses_both_branches():
    gm = compile_design(load_template("resnet-mini").design)
    add_nodes = [n for n in gm.graph.nodes if n.name == "block1_add"]
    assert len(add_nodes) == 1
    assert {a.name for a in add_nodes[0].args} == {"block1_bn2", "stem_relu"}
    assert gm(torch.randn(3, 1, 8, 8)).shape == (3, 10)


def test_design_with_errors_is_refused_with_its_messages():
    d = load_template("seed-cnn").design
    d.set_param(d.find("fc1"), "in_features", 3136)
    with pytest.raises(CompileError) as info:
        compile_design(d)
    assert [str(p) for p in info.value.problems] == [
        "fc1: expects 3136 features but receives 1600 (64×5×5) — fix: set in_features to 1600, or leave it automatic"
    ]


def test_compiled_module_takes_a_snapshot_not_the_live_design():
    d = load_template("mlp-tabular").design
    gm = compile_design(d.snapshot())
    d.set_param(d.find("fc1"), "out_features", 7)
    assert gm.fc1.out_features == 64
