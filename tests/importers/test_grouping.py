"""Imports group their blocks by the module paths the model carries: stages, and the units inside them."""

from pathlib import Path
from types import SimpleNamespace

import onnx
import pytest

from designer.importers.grouping import onnx_module_path
from designer.importers.onnx_import import import_onnx
from designer.importers.torch_import import import_module
from tests.importers.models import ResNet, export_legacy, perturbed
from tests.importers.test_onnx_attention import SAMPLE, Encoder, export

LIGHT_RESNET50 = Path(onnx.__file__).parent / "backend" / "test" / "data" / "light" / "light_resnet50.onnx"


def named_groups(design):
    return {g.name: (g.parent, g.collapsed, {design.block(b).name for b in g.blocks}) for g in design.groups}


def test_a_torch_resnet_opens_with_its_stage_and_units():
    result = import_module(ResNet(), [3, 16, 16])
    design = result.project.design
    groups = named_groups(design)
    assert set(groups) == {"layer1", "layer1.0", "layer1.1"}
    assert groups["layer1"] == (None, False, set())  # a small import opens expanded
    parent, _, unit = groups["layer1.0"]
    assert parent == "layer1"
    # Modules and the torch functions in the unit's own forward (the skip's add, the relus) alike.
    assert unit == {"layer1_0_conv1", "layer1_0_bn1", "layer1_0_conv2", "layer1_0_bn2", "add", "relu_1", "relu_2"}
    assert design.groups.members("layer1") == {b for g in ("layer1.0", "layer1.1") for b in design.groups.members(g)}
    assert "note: grouped by module: 1 group (layer1) holding 2 more" in result.report.lines()


def test_the_same_resnet_through_onnx_has_the_same_groups(tmp_path):
    design = import_onnx(export_legacy(ResNet(), (3, 16, 16), tmp_path / "resnet.onnx")).project.design
    groups = named_groups(design)
    assert set(groups) == {"layer1", "layer1.0", "layer1.1"}
    assert groups["layer1.1"][0] == "layer1" and len(groups["layer1.1"][2]) == 5  # batch norms fold into convs
    assert not any(design.groups.group_of(b.id) for b in design.blocks() if b.kind in ("Input", "Output"))


def test_a_transformer_encoder_groups_its_layers_from_torch_and_from_onnx(tmp_path):
    model = perturbed(Encoder(norm_first=False))
    expected = {"encoder": (None, False, {"encoder_layers_0", "encoder_layers_1"})}
    assert named_groups(import_module(model, list(SAMPLE)).project.design) == expected
    # Through ONNX each layer is one block or, where the exporter's pattern is not recognised, a group of its parts.
    design = import_onnx(export(model, SAMPLE, tmp_path / "encoder.onnx")).project.design
    assert [g.name for g in design.groups if g.parent is None] == ["encoder"]
    assert design.groups.members("encoder") == {b.id for b in design.blocks() if b.name.startswith("encoder_layers_")}


@pytest.mark.skipif(not LIGHT_RESNET50.is_file(), reason="not part of this onnx installation")
def test_resnet50_opens_as_its_four_stages_collapsed():
    result = import_onnx(LIGHT_RESNET50)
    design = result.project.design
    assert "4 groups (res2, res3, res4, res5) holding 16 more, collapsed" in result.report.lines()[-1]
    stages = [g.name for g in design.groups if g.parent is None]
    assert stages == ["res2", "res3", "res4", "res5"]
    assert [len(design.groups.children(s)) for s in stages] == [3, 4, 6, 3]  # ResNet-50's bottleneck units
    assert all(g.collapsed for g in design.groups)
    hidden = {b.id for b in design.blocks() if design.groups.hidden_in(b.id)}
    assert len(design) - len(hidden) < 15  # the stem, the head and the four stage boxes


@pytest.mark.parametrize(
    ("name", "inputs", "outputs", "path"),
    [
        ("/layer1/layer1.0/conv1/Conv", ["x", "w"], ["y"], "layer1.0.conv1"),
        ("/encoder/layers.3/self_attn/MatMul", ["x", "w"], ["y"], "encoder.layers.3.self_attn"),
        ("/Relu", ["x"], ["y"], ""),
        ("n4", ["r3", "gpu_0/res2_0_branch2a_w_0"], ["r4"], "res2.0.branch2a_w.0"),
        ("n2", ["r1"], ["r2"], None),
        ("", ["input.4"], ["onnx::Relu_12"], None),
    ],
)
def test_module_paths_from_onnx_node_names_and_tensor_names(name, inputs, outputs, path):
    assert onnx_module_path(SimpleNamespace(name=name, input=inputs, output=outputs)) == path
