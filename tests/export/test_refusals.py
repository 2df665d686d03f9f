"""What export refuses, and the message it gives: design errors, weights that do not fit, blocks ONNX cannot take."""

import pytest
import torch

from designer.core.templates import load_template
from designer.export.exporter import export_model
from designer.export.preflight import preflight
from designer.export.prepare import ExportError
from tests.compiler.harness import block_design
from tests.export.helpers import trained_weights

SEQUENCE = {"data": "sequence", "shape": [6, 4], "variable_length": True}


def refusal(design, format="onnx", path=None, **options):
    with pytest.raises(ExportError) as exc:
        export_model(design, format, path or "unused.onnx", **options)
    return exc.value.problems


@pytest.mark.parametrize("format", ["onnx", "pytorch", "weights", "pt2"])
def test_a_design_with_errors_is_refused_with_its_own_messages(tmp_path, format):
    design = load_template("seed-cnn").design
    design.set_param(design.find("fc1"), "in_features", 3136)
    assert refusal(design, format, tmp_path / "out") == [
        "the design has errors: fc1: expects 3136 features but receives 1600 (64×5×5) — fix: set in_features to "
        "1600, or leave it automatic"
    ]
    assert list(tmp_path.iterdir()) == []


def test_preflight_names_each_block_and_why():
    post = [("Permute", {"dims": [0, 2, 1]}), ("MaxPool1d", {"kernel_size": 1}), ("MaxPool1d", {"kernel_size": 1})]
    design = block_design("RNN", {"hidden_size": 3}, [SEQUENCE], post=post)
    problems = preflight(design, "onnx", 18)
    assert problems == [
        f"max_pool1d_{n} (MaxPool1d) cannot be exported to ONNX: torch's exporter fixes the length that max_pool1d "
        "slides over, so the model would refuse other lengths — fix: turn off variable_length on the Input block to "
        "export at its declared length"
        for n in (1, 2)
    ]
    fixed = block_design("RNN", {"hidden_size": 3}, [{**SEQUENCE, "variable_length": False}], post=post)
    assert preflight(fixed, "onnx", 18) == []


def test_preflight_refuses_what_onnx_convtranspose_cannot_do():
    params = {"out_channels": 2, "stride": 1, "dilation": 2, "output_padding": 1}
    design = block_design("ConvTranspose2d", params, [{"data": "image", "shape": [1, 5, 5]}])
    assert preflight(design, "onnx", 18) == [
        "block (ConvTranspose2d) cannot be exported to ONNX: output_padding 1 is not smaller than stride 1: torch "
        "allows it (with dilation) but ONNX's ConvTranspose does not — fix: lower output_padding below the stride"
    ]


@pytest.mark.parametrize("opset", [17, 99])
def test_opsets_outside_what_the_exporter_writes(opset):
    assert preflight(load_template("mlp-tabular").design, "onnx", opset) == [
        f"opset {opset} cannot be written: choose an opset from 18 to 23"
    ]


def test_weights_from_a_run_folder_best_first(tmp_path):
    design = load_template("mlp-tabular").design
    run = tmp_path / "run"
    run.mkdir()
    assert refusal(design, "weights", tmp_path / "w.pt", weights=run) == [
        f"{run} is a folder without best.pt or last.pt; give a run folder or a .pt file"
    ]
    trained_weights(design, run / "last.pt")
    result = export_model(design, "weights", tmp_path / "w.pt", weights=run)
    assert result.checks[0] == f"weights: {run / 'last.pt'}"
    trained_weights(design, run / "best.pt")
    result = export_model(design, "weights", tmp_path / "w.pt", weights=run)
    assert result.checks[0] == f"weights: {run / 'best.pt'}"
    saved, best = torch.load(tmp_path / "w.pt"), torch.load(run / "best.pt")
    assert saved.keys() == best.keys() and all(torch.equal(saved[k], best[k]) for k in saved)


def test_weights_that_do_not_fit_are_named(tmp_path):
    design = load_template("mlp-tabular").design
    other = load_template("seed-cnn").design
    trained_weights(other, tmp_path / "cnn.pt")
    (problem,) = refusal(design, "weights", tmp_path / "w.pt", weights=tmp_path / "cnn.pt")
    assert problem.startswith(f"{tmp_path / 'cnn.pt'} does not fit this design: ")
    assert "missing, e.g." in problem and "not in the design, e.g. conv1.bias" in problem
    state = torch.load(trained_weights(design, tmp_path / "mlp.pt"))
    first = next(iter(state))
    state[first] = state[first][:1]
    torch.save(state, tmp_path / "cut.pt")
    (problem,) = refusal(design, "weights", tmp_path / "w.pt", weights=tmp_path / "cut.pt")
    assert f"{first} is 1×" in problem and "but the design needs" in problem


class Payload:
    def __reduce__(self):
        return (print, ("this must never run",))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a zip", "is not a weights file torch can read safely"),
        (None, "is not a weights file torch can read safely"),
        (["a list"], "does not hold a state dict"),
    ],
)
def test_weights_files_are_read_without_running_code(tmp_path, capsys, content, message):
    path = tmp_path / "w.pt"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is None:
        torch.save({"x": Payload()}, path)
    else:
        torch.save(content, path)
    (problem,) = refusal(load_template("mlp-tabular").design, "weights", tmp_path / "out.pt", weights=path)
    assert problem.startswith(f"{path} ") and message in problem
    assert "this must never run" not in capsys.readouterr().out


@pytest.mark.parametrize("format", ["onnx", "pytorch", "pt2"])
def test_an_imported_onnx_operator_is_refused_except_for_weights(format):
    design = block_design("OnnxOp", {"op_type": "Erf"}, [{"data": "features", "shape": [3]}])
    assert preflight(design, format, 18) == [
        f"block (OnnxOp) cannot be exported as {format}: it runs an imported ONNX operator in ONNX Runtime, which "
        "torch cannot trace or write as code — fix: replace it with Designer blocks"
    ]
    assert preflight(design, "weights", 18) == []
