"""Every template, with its initial weights and with trained ones, exports to an ONNX file that passes the full
check, runs in onnxruntime at batch sizes 1, 3 and 17 (and two lengths where the length varies), and matches the
exported PyTorch code loaded with the same weights to 1e-4.

The dynamo exporter takes seconds per model, so this file takes a minute or more on a busy machine.
"""

import onnx
import onnxruntime
import pytest
import torch

from designer.core.templates import list_templates, load_template
from designer.export.exporter import export_model
from designer.export.torch_formats import load_code
from designer.export.weights import read_state_dict
from tests.export.helpers import initial_weights, trained_weights

BATCHES = (1, 3, 17)


@pytest.mark.parametrize("trained", [False, True], ids=["initial", "trained"])
@pytest.mark.parametrize("name", [t.name for t in list_templates()])
def test_template(tmp_path, name, trained):
    project = load_template(name)
    weights = (trained_weights if trained else initial_weights)(project.design, tmp_path / "weights.pt")
    onnx_result = export_model(project.design, "onnx", tmp_path / "model.onnx", project.name, weights=weights)
    assert onnx_result.passed, onnx_result.lines()
    code_result = export_model(project.design, "pytorch", tmp_path / "model.py", project.name, weights=weights)
    assert code_result.passed, code_result.lines()

    onnx.checker.check_model(onnx.load(tmp_path / "model.onnx"), full_check=True)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("model.onnx")] == ["model.onnx"]
    session = onnxruntime.InferenceSession(tmp_path / "model.onnx", providers=["CPUExecutionProvider"])
    network = load_code(tmp_path / "model.py")
    network.load_state_dict(read_state_dict(tmp_path / "model.pt"))
    network.eval()
    (source,) = [b for b in project.design.blocks() if b.kind == "Input"]
    declared = source.params["shape"][0] if source.params["variable_length"] else None
    assert [i.name for i in session.get_inputs()] == [source.name]
    assert [o.name for o in session.get_outputs()] == [b.name for b in project.design.blocks() if b.kind == "Output"]
    for batch in BATCHES:
        for length in (declared, declared + 5) if declared else (None,):
            shape = [batch, *source.params["shape"]]
            if length:
                shape[1] = length
            if source.params["data"] == "tokens":
                x = torch.randint(source.params["vocab_size"], shape)
            else:
                x = torch.randn(shape)
            (got,) = session.run(None, {source.name: x.numpy()})
            with torch.no_grad():
                want = network(x)
            assert got.shape == tuple(want.shape)
            torch.testing.assert_close(torch.from_numpy(got), want, atol=1e-4, rtol=1e-4)
