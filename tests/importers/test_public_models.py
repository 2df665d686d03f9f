"""Real architectures from the ONNX package's own test data: ResNet-50, SqueezeNet and Inception v1 import, compile
and compute what onnxruntime computes on the file. The package keeps their weights as ConstantOfShape nodes (one
value repeated); they are given random values first, so that a weight put in the wrong place shows."""

import collections
from pathlib import Path

import numpy as np
import onnx
import onnxruntime
import pytest
import torch
from onnx import TensorProto, helper, numpy_helper

from designer.compiler.compile import compile_design
from designer.importers.onnx_import import import_onnx

LIGHT = Path(onnx.__file__).parent / "backend" / "test" / "data" / "light"


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("resnet50", {}),
        ("squeezenet", {}),
        ("inception_v1", {"AveragePool": 1}),  # this pool leaves its padding out of the average; torch's counts it
    ],
)
def test_public_architectures(name, kept, tmp_path):
    light = LIGHT / f"light_{name}.onnx"
    if not light.is_file():
        pytest.skip(f"{light} is not part of this onnx installation")
    path = with_random_weights(light, tmp_path / f"{name}.onnx")
    result = import_onnx(path)
    found = collections.Counter(b.params["op_type"] for b in result.project.design.blocks() if b.kind == "OnnxOp")
    assert found == kept
    module = compile_design(result.project.design).eval()
    module.load_state_dict(result.weights)
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    source = session.get_inputs()[0]
    x = np.random.default_rng(0).normal(size=[d if isinstance(d, int) else 1 for d in source.shape])
    x = x.astype(np.float32)
    with torch.no_grad():
        ours = module(torch.from_numpy(x)).numpy()
    theirs = session.run(None, {source.name: x})[0]
    assert np.ptp(theirs) > 1e-3  # the outputs differ from each other: the weights are not all alike
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-4 * np.abs(theirs).max())


def with_random_weights(source, target):
    """``source`` with each ConstantOfShape weight replaced by random values of its shape, without its softmax."""
    model = onnx.load(str(source))
    constants = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    constants |= {
        n.output[0]: numpy_helper.to_array(n.attribute[0].t) for n in model.graph.node if n.op_type == "Constant"
    }
    rng = np.random.default_rng(7)
    kept = []
    for node in model.graph.node:
        if node.op_type == "ConstantOfShape" and node.input[0] in constants:
            shape = constants[node.input[0]].astype(int)
            if len(shape) > 1:  # filters and matrices: variance kept through the layers
                values = rng.normal(0.0, (2.0 / np.prod(shape[1:])) ** 0.5, shape)
            else:  # biases, scales, means and variances: positive, near 1
                values = rng.uniform(0.5, 1.5, shape)
            values = values.astype(np.float32)
            model.graph.initializer.append(numpy_helper.from_array(values, node.output[0]))
            # These files are of an IR version where every weight is listed as a graph input too.
            model.graph.input.append(
                helper.make_tensor_value_info(node.output[0], TensorProto.FLOAT, [int(d) for d in shape])
            )
        else:
            kept.append(node)
    if kept[-1].op_type == "Softmax":  # compare the scores: a saturated softmax hides differences
        model.graph.output[0].name = kept.pop().input[0]
    del model.graph.node[:]
    model.graph.node.extend(kept)
    onnx.save(model, str(target))
    return target
