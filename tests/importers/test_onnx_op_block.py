"""The OnnxOp block on its own: its checks, what it computes against hand-written torch, and its refusal to train."""

import json

import pytest
import torch
import torch.nn.functional as F

from designer.compiler.compile import compile_design
from designer.core.design import Connection, DesignError, DesignGraph
from designer.core.inference import infer
from designer.core.summary import summarize


def design_with(params, shape=(4,)):
    design = DesignGraph()
    data = {1: "features", 3: "image"}[len(shape)]
    source = design.add_block("Input", "x", {"data": data, "shape": list(shape)})
    block = design.add_block("OnnxOp", "op", params)
    sink = design.add_block("Output", "y", {"task": "regression"})
    design.connect(Connection(source, "out", block, "in1"))
    design.connect(Connection(block, "out", sink, "in"))
    return design, block


def test_an_operator_with_attributes_computes_what_torch_computes():
    design, _ = design_with({"op_type": "LeakyRelu", "attributes": json.dumps({"alpha": 0.25})})
    x = torch.randn(3, 4)
    torch.testing.assert_close(compile_design(design)(x), F.leaky_relu(x, 0.25))


def test_constant_inputs_are_weights_at_their_positions():
    constants = [{"position": 0, "dtype": "float32", "shape": [4]}]
    design, _ = design_with({"op_type": "Sub", "constants": json.dumps(constants)})
    module = compile_design(design)
    module.load_state_dict({"op.constant0": torch.tensor([1.0, 2.0, 3.0, 4.0])})
    x = torch.randn(2, 4)
    torch.testing.assert_close(module(x), torch.tensor([1.0, 2.0, 3.0, 4.0]) - x)


def test_float_constants_count_as_parameters():
    constants = [
        {"position": 1, "dtype": "float32", "shape": [4, 2, 3, 3]},
        {"position": 2, "dtype": "int64", "shape": [2]},
    ]
    design, block = design_with({"op_type": "Conv", "constants": json.dumps(constants)}, shape=(2, 6, 6))
    (row,) = [b for b in summarize(design, infer(design)).blocks if b.block_id == block]
    assert row.params == 72


def test_the_recorded_shape_is_what_flows_on():
    design, block = design_with({"op_type": "ReduceSum", "attributes": '{"keepdims": 0}', "output_shape": "N"})
    report = infer(design)
    assert str(report.outputs[block][0]) == "N"
    assert "runs the ONNX operator ReduceSum" in report.problems_of(block)[0].message


def test_it_passes_no_gradient_and_says_so():
    design, _ = design_with({"op_type": "Relu"})
    x = torch.randn(2, 4, requires_grad=True)
    with pytest.raises(RuntimeError, match="passes no gradients; replace the OnnxOp blocks"):
        compile_design(design)(x).sum().backward()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"op_type": "Relu; rm"}, "op_type must be a name"),
        ({"attributes": "{alpha: 1}"}, "attributes is not valid JSON"),
        ({"attributes": "[1]"}, "attributes must be a JSON object"),
        ({"attributes": '{"a": NaN}'}, "not valid JSON"),
        ({"output_shape": "N, -3"}, "each size in output_shape"),
    ],
)
def test_bad_settings_are_refused(params, message):
    with pytest.raises(DesignError, match=message):
        design_with(params)


def test_constants_that_do_not_fit_are_a_problem_of_the_block():
    design, block = design_with({"constants": '[{"position": 5, "dtype": "float32", "shape": [2]}]'})
    assert "each constant must be" in infer(design).problems_of(block)[0].message
