"""Hand-built ONNX models for the cases torch never writes: old opsets, odd settings, broken and hostile files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def float_input(name: str, shape: list) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def save(nodes, inputs, outputs, initializers, path: Path, opset: int = 17, check: bool = True) -> Path:
    graph = helper.make_graph(nodes, "test", inputs, outputs, initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 7
    if check:
        onnx.checker.check_model(model)
    path.write_bytes(model.SerializeToString())
    return path


def weight(name: str, array: np.ndarray) -> TensorProto:
    return numpy_helper.from_array(array.astype(np.float32), name)


def old_mlp(path: Path) -> Path:
    """Opset 9, weights listed as graph inputs too (as old exporters did), Gemm without transB, Softmax axis 1."""
    rng = np.random.default_rng(0)
    w1, b1, w2, b2 = rng.normal(size=(4, 8)), rng.normal(size=8), rng.normal(size=(8, 3)), rng.normal(size=(1, 3))
    weights = [weight("w1", w1), weight("b1", b1), weight("w2", w2), weight("b2", b2)]
    nodes = [
        helper.make_node("Gemm", ["x", "w1", "b1"], ["h"]),
        helper.make_node("Relu", ["h"], ["r"]),
        helper.make_node("Gemm", ["r", "w2", "b2"], ["s"]),
        helper.make_node("Softmax", ["s"], ["y"], axis=1),
    ]
    inputs = [float_input("x", ["batch", 4])] + [float_input(t.name, list(t.dims)) for t in weights]
    return save(nodes, inputs, [float_input("y", ["batch", 3])], weights, path, opset=9)


def lopsided_conv(path: Path) -> Path:
    """A convolution padded more on one side than the other, which no Conv2d block can do."""
    rng = np.random.default_rng(1)
    weights = [weight("w", rng.normal(size=(4, 2, 3, 3))), weight("b", rng.normal(size=4))]
    nodes = [
        helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[0, 0, 1, 1], kernel_shape=[3, 3]),
        helper.make_node("Relu", ["c"], ["y"]),
    ]
    return save(nodes, [float_input("x", ["batch", 2, 6, 6])], [float_input("y", ["batch", 4, 5, 5])], weights, path)


def dropout_and_erf(path: Path) -> Path:
    """Dropout with its ratio as an input (opset 12 on), and Erf, which has no block."""
    nodes = [
        helper.make_node("Dropout", ["x", "ratio"], ["d"]),
        helper.make_node("Erf", ["d"], ["y"]),
    ]
    ratio = numpy_helper.from_array(np.array(0.3, np.float32), "ratio")
    return save(nodes, [float_input("x", ["batch", 5])], [float_input("y", ["batch", 5])], [ratio], path)


def relu_model(path: Path, shape: list, opset: int = 17, check: bool = True) -> Path:
    nodes = [helper.make_node("Relu", ["x"], ["y"])]
    return save(nodes, [float_input("x", shape)], [float_input("y", shape)], [], path, opset, check)


def with_weight(path: Path, tensor: TensorProto) -> Path:
    """x + a weight tensor, for weights whose declaration does not match their data."""
    nodes = [helper.make_node("Add", ["x", tensor.name], ["y"])]
    return save(nodes, [float_input("x", ["batch", 4])], [float_input("y", ["batch", 4])], [tensor], path, check=False)


def custom_op(path: Path, result: list) -> Path:
    """An operator from a domain nobody knows, declaring a result of shape ``result``."""
    nodes = [helper.make_node("Sparkle", ["x"], ["y"], domain="com.example", glow=3)]
    graph = helper.make_graph(nodes, "test", [float_input("x", ["batch", 4])], [float_input("y", result)])
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("com.example", 1)]
    model = helper.make_model(graph, opset_imports=opsets)
    path.write_bytes(model.SerializeToString())
    return path


def raw_tensor(name: str, data_type: int, dims: list[int], raw: bytes) -> TensorProto:
    """A tensor exactly as declared, however little its bytes fit (onnx.helper would refuse to make it)."""
    tensor = TensorProto(name=name, data_type=data_type, raw_data=raw)
    tensor.dims.extend(dims)
    return tensor


def with_dead_branch(path: Path) -> Path:
    """A Gemm whose result nothing uses beside the one that makes the output."""
    rng = np.random.default_rng(5)
    weights = [weight("w", rng.normal(size=(3, 4))), weight("v", rng.normal(size=(3, 4)))]
    nodes = [
        helper.make_node("Gemm", ["x", "w"], ["y"], transB=1),
        helper.make_node("Gemm", ["x", "v"], ["unused"], transB=1),
    ]
    return save(nodes, [float_input("x", ["batch", 4])], [float_input("y", ["batch", 3])], weights, path)


def spatial_mean(path: Path, axes: list[int]) -> Path:
    """ReduceMean with its axes as an input (opset 18 on), as torch's dynamo exporter writes global pooling."""
    nodes = [helper.make_node("ReduceMean", ["x", "axes"], ["y"], keepdims=1)]
    result = float_input("y", ["batch", *(1 if i in axes else n for i, n in enumerate([3, 4, 5], start=1))])
    inputs = [float_input("x", ["batch", 3, 4, 5])]
    tensor = numpy_helper.from_array(np.array(axes, np.int64), "axes")
    return save(nodes, inputs, [result], [tensor], path, opset=18, check=False)


def huge_fill(path: Path) -> Path:
    """A weight made by ConstantOfShape, asking for a trillion values."""
    shape = numpy_helper.from_array(np.array([10**6, 10**6], np.int64), "shape")
    nodes = [
        helper.make_node(
            "ConstantOfShape", ["shape"], ["w"], value=helper.make_tensor("v", TensorProto.FLOAT, [1], [1])
        ),
        helper.make_node("MatMul", ["x", "w"], ["y"]),
    ]
    return save(nodes, [float_input("x", ["batch", 10**6])], [float_input("y", ["batch", 10**6])], [shape], path)
