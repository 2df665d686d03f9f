"""ONNX files torch does not write: old opsets, settings without a block, and broken or hostile files."""

import json

import numpy as np
import onnxruntime
import pytest
import torch
from onnx import TensorProto, helper

from designer.compiler.compile import compile_design
from designer.importers import onnx_file
from designer.importers.onnx_import import import_onnx
from designer.importers.result import ModelImportError
from tests.importers import onnx_builders as build


def run_both(path, x):
    """The imported design's outputs and onnxruntime's on the original file."""
    result = import_onnx(path)
    module = compile_design(result.project.design).eval()
    module.load_state_dict(result.weights)
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    with torch.no_grad():
        return result, module(torch.from_numpy(x)).numpy(), session.run(None, {"x": x})[0]


def test_opset_9_with_weights_as_inputs(tmp_path):
    x = np.random.default_rng(2).normal(size=(3, 4)).astype(np.float32)
    result, ours, theirs = run_both(build.old_mlp(tmp_path / "old.onnx"), x)
    np.testing.assert_allclose(ours, theirs, atol=1e-5)
    kinds = [b.kind for b in result.project.design.blocks()]
    assert kinds == ["Input", "Linear", "ReLU", "Linear", "Softmax", "Output"]
    assert next(result.project.design.blocks()).name == "x"  # the weights are not taken for inputs


def test_a_setting_without_a_block_keeps_the_operator_with_its_weights(tmp_path):
    x = np.random.default_rng(3).normal(size=(2, 2, 6, 6)).astype(np.float32)
    result, ours, theirs = run_both(build.lopsided_conv(tmp_path / "conv.onnx"), x)
    np.testing.assert_allclose(ours, theirs, atol=1e-5)
    (kept,) = [b for b in result.project.design.blocks() if b.kind == "OnnxOp"]
    assert kept.params["op_type"] == "Conv" and json.loads(kept.params["attributes"])["pads"] == [0, 0, 1, 1]
    assert [c["shape"] for c in json.loads(kept.params["constants"])] == [[4, 2, 3, 3], [4]]
    assert kept.params["output_shape"] == ["N", 4, 5, 5]
    assert [m.op for m in result.report.kept] == ["Conv"]


def test_dropout_is_kept_and_erf_runs_as_an_operator(tmp_path):
    x = np.random.default_rng(4).normal(size=(3, 5)).astype(np.float32)
    result, ours, theirs = run_both(build.dropout_and_erf(tmp_path / "erf.onnx"), x)
    np.testing.assert_allclose(ours, theirs, atol=1e-6)
    blocks = {b.kind: b for b in result.project.design.blocks()}
    assert blocks["Dropout"].params["p"] == pytest.approx(0.3)
    assert blocks["OnnxOp"].params["op_type"] == "Erf"


def test_an_unknown_operator_is_kept_and_says_so_when_run(tmp_path):
    result = import_onnx(build.custom_op(tmp_path / "custom.onnx", ["batch", 4]))
    kept = next(b for b in result.project.design.blocks() if b.kind == "OnnxOp")
    assert (kept.params["op_type"], kept.params["domain"], kept.params["attributes"]) == (
        "Sparkle",
        "com.example",
        '{"glow":3}',
    )
    module = compile_design(result.project.design)
    with pytest.raises(RuntimeError, match="ONNX Runtime cannot run the imported operator Sparkle"):
        module(torch.zeros(2, 4))


def test_an_unknown_operator_of_unknown_shape_is_refused_naming_it(tmp_path):
    with pytest.raises(ModelImportError, match=r"Sparkle.*cannot tell the shape"):
        import_onnx(build.custom_op(tmp_path / "custom.onnx", ["batch", None]))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "holds no ONNX graph"),
        (b"\x08\x07\x12\xff\xff\xff\xff\x0f", "not an ONNX model"),
        (bytes(range(256)) * 4, "not an ONNX model"),
    ],
)
def test_files_that_are_not_onnx_are_refused(tmp_path, content, message):
    path = tmp_path / "bad.onnx"
    path.write_bytes(content)
    with pytest.raises(ModelImportError, match=message):
        import_onnx(path)


def test_a_truncated_file_is_refused(tmp_path):
    whole = build.old_mlp(tmp_path / "whole.onnx").read_bytes()
    for cut in (len(whole) // 3, len(whole) // 2, len(whole) - 7):
        (tmp_path / "cut.onnx").write_bytes(whole[:cut])
        with pytest.raises(ModelImportError):
            import_onnx(tmp_path / "cut.onnx")


def test_a_missing_file_and_an_old_opset_are_refused(tmp_path):
    with pytest.raises(ModelImportError, match="does not exist"):
        import_onnx(tmp_path / "nowhere.onnx")
    with pytest.raises(ModelImportError, match="opset 8; opset 9 or newer"):
        import_onnx(build.relu_model(tmp_path / "old.onnx", ["batch", 4], opset=8, check=False))


def test_a_huge_declared_input_size_is_refused(tmp_path):
    with pytest.raises(ModelImportError, match="model input x declares a size of 1,000,000,000,000"):
        import_onnx(build.relu_model(tmp_path / "huge.onnx", ["batch", 10**12]))


def short_list():
    tensor = build.raw_tensor("w", TensorProto.FLOAT, [2, 4], b"")
    tensor.float_data.extend([1, 2, 3])
    return tensor


def wrong_type():
    """Declared as floats, but holding whole numbers where floats would be."""
    tensor = build.raw_tensor("w", TensorProto.FLOAT, [4], b"")
    tensor.int64_data.extend([1, 2, 3, 4])
    return tensor


@pytest.mark.parametrize(
    ("tensor", "message"),
    [
        (build.raw_tensor("w", TensorProto.FLOAT, [10**6, 10**6], b"\0" * 4), "declares 1,000,000,000,000"),
        (build.raw_tensor("w", TensorProto.FLOAT, [1000, 4], b"\0" * 16), r"declares 4,000 values.*holds 4"),
        (build.raw_tensor("w", TensorProto.FLOAT, [-1, 4], b""), "impossible shape"),
        (helper.make_tensor("w", TensorProto.STRING, [1], [b"four"]), "element type STRING"),
        (wrong_type(), "declares 4 values.*holds 0"),
        (short_list(), r"declares 8 values.*holds 3"),
    ],
)
def test_weights_that_do_not_match_their_declaration_are_refused_before_reading(tmp_path, tensor, message):
    with pytest.raises(ModelImportError, match=message):
        import_onnx(build.with_weight(tmp_path / "w.onnx", tensor))


def test_weights_in_an_external_file_are_refused_with_the_fix(tmp_path):
    tensor = build.raw_tensor("w", TensorProto.FLOAT, [4], b"")
    tensor.data_location = TensorProto.EXTERNAL
    tensor.external_data.add(key="location", value="../../etc/passwd")
    with pytest.raises(ModelImportError, match=r"external data file.*external_data=False"):
        import_onnx(build.with_weight(tmp_path / "w.onnx", tensor))


def test_too_many_weight_tensors_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(onnx_file, "MAX_TENSORS", 50)
    path = build.with_weight(tmp_path / "w.onnx", helper.make_tensor("w", TensorProto.FLOAT, [4], [1, 2, 3, 4]))
    model = onnx_file.onnx.load(str(path))
    for i in range(50):
        model.graph.initializer.append(helper.make_tensor(f"extra{i}", TensorProto.FLOAT, [1], [0.0]))
    path.write_bytes(model.SerializeToString())
    with pytest.raises(ModelImportError, match="51 weight tensors; at most 50"):
        import_onnx(path)


def test_a_dead_branch_is_left_out_with_its_weights(tmp_path):
    x = np.random.default_rng(6).normal(size=(2, 4)).astype(np.float32)
    result, ours, theirs = run_both(build.with_dead_branch(tmp_path / "dead.onnx"), x)
    np.testing.assert_allclose(ours, theirs, atol=1e-5)
    assert [b.kind for b in result.project.design.blocks()] == ["Input", "Linear", "Output"]
    assert set(result.weights) == {"gemm.weight"}


def test_a_mean_over_every_position_is_global_average_pooling(tmp_path):
    x = np.random.default_rng(7).normal(size=(2, 3, 4, 5)).astype(np.float32)
    result, ours, theirs = run_both(build.spatial_mean(tmp_path / "mean.onnx", [2, 3]), x)
    np.testing.assert_allclose(ours, theirs, atol=1e-6)
    assert [b.kind for b in result.project.design.blocks()][1] == "AdaptiveAvgPool2d"
    result, ours, theirs = run_both(build.spatial_mean(tmp_path / "rows.onnx", [3]), x)
    np.testing.assert_allclose(ours, theirs, atol=1e-6)
    assert [b.kind for b in result.project.design.blocks()][1] == "OnnxOp"


def test_a_constant_asking_for_too_many_values_is_refused_before_it_is_made(tmp_path):
    with pytest.raises(ModelImportError, match="asks for a constant of 1,000,000,000,000 values"):
        import_onnx(build.huge_fill(tmp_path / "fill.onnx"))


def test_damaged_files_are_refused_or_imported_never_crash(tmp_path):
    """Seeded random byte changes to a small model: each import succeeds or says why not."""
    import random

    whole = build.lopsided_conv(tmp_path / "conv.onnx").read_bytes()
    rng = random.Random(9)
    outcomes = {"imported": 0, "refused": 0}
    for _ in range(80):
        data = bytearray(whole)
        for _ in range(rng.randint(1, 3)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        (tmp_path / "damaged.onnx").write_bytes(bytes(data))
        try:
            import_onnx(tmp_path / "damaged.onnx")
            outcomes["imported"] += 1
        except ModelImportError as exc:
            assert "please report" not in str(exc), str(exc)
            outcomes["refused"] += 1
    assert outcomes["imported"] and outcomes["refused"]
