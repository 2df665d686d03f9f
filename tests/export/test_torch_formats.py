"""torch.export programs, and what the ONNX check catches when the exporter fixes a size it was told varies."""

import pytest
import torch

from designer.core.templates import load_template
from designer.export.exporter import export_model
from designer.export.onnx_export import check_onnx, export_onnx
from designer.export.prepare import ExportError, prepare
from tests.compiler.harness import block_design, real_inputs
from tests.export.helpers import trained_weights


def max_pool_over_steps():
    """A design torch's exporters fix the length of: max_pool1d over the steps of a varying sequence."""
    sequence = {"data": "sequence", "shape": [10, 2], "variable_length": True}
    pool = [("MaxPool1d", {"kernel_size": 1}), ("Permute", {"dims": [0, 2, 1]})]
    return block_design("Permute", {"dims": [0, 2, 1]}, [sequence], post=pool)


def test_a_program_with_a_dynamic_batch(tmp_path):
    design = load_template("lenet-digits").design
    weights = trained_weights(design, tmp_path / "trained.pt")
    result = export_model(design, "pt2", tmp_path / "lenet.pt2", weights=weights)
    assert result.passed and result.checks[1:] == ["dynamic sizes: batch"]
    program = torch.export.load(tmp_path / "lenet.pt2").module()
    model = prepare(design, weights)
    for batch in (1, 6):
        x = real_inputs(design, batch)
        with torch.no_grad():
            assert torch.equal(program(*x), model.module(*x))


def test_recurrent_programs_keep_a_varying_length(tmp_path):
    design = load_template("lstm-classifier").design
    result = export_model(design, "pt2", tmp_path / "lstm.pt2")
    assert result.passed and result.checks == ["dynamic sizes: batch, length"]
    assert {r.length for r in result.parity.runs} == {24, 8}


def test_a_length_torch_export_cannot_keep_varying_is_fixed_and_said_so(tmp_path):
    result = export_model(max_pool_over_steps(), "pt2", tmp_path / "pool.pt2")
    assert result.passed
    assert result.checks == [
        "dynamic sizes: batch",
        "note: the sequence length is fixed at 10 in this program: torch.export cannot keep it varying through "
        "every block of this design",
    ]
    assert {r.length for r in result.parity.runs} == {10}


def test_the_onnx_check_catches_a_length_the_exporter_fixed(tmp_path):
    model = prepare(max_pool_over_steps())
    export_onnx(model, tmp_path / "pool.onnx", 18)
    with pytest.raises(ExportError) as exc:
        check_onnx(tmp_path / "pool.onnx", model)
    assert exc.value.problems == [
        "the exporter fixed the sequence length of input x1 at 8, so the ONNX model would refuse other sizes"
    ]


def test_a_file_that_fails_its_checks_is_removed(tmp_path, monkeypatch):
    def frozen(path, model):
        raise ExportError(["the exporter fixed the batch size of input features at 2"])

    monkeypatch.setattr("designer.export.exporter.check_onnx", frozen)
    with pytest.raises(ExportError):
        export_model(load_template("mlp-tabular").design, "onnx", tmp_path / "mlp.onnx")
    assert list(tmp_path.iterdir()) == []
