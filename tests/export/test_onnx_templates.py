"""Every template, with its initial weights and with trained ones, exports to an ONNX file that passes the full
check, runs in onnxruntime at batch sizes 1, 3 and 17 (and two lengths where the length varies), and matches the
exported PyTorch code loaded with the same weights to 1e-4.

A dynamo export takes seconds, so each template is exported once, with its initial weights; the trained weights
are then bound into a copy of that file in place of the initializers of the same names, and that copy is checked
the same way. Where the exporter folded a weight into a constant of its own (LSTM and GRU weights are
rearranged), the template is exported a second time with the trained weights instead.
"""

from pathlib import Path

import onnx
import onnxruntime
import pytest
import torch
from onnx import numpy_helper

from designer.core.project import Project
from designer.core.templates import list_templates, load_template
from designer.export.exporter import export_model
from designer.export.torch_formats import load_code
from designer.export.weights import read_state_dict
from tests.export.helpers import initial_weights, trained_weights

BATCHES = (1, 3, 17)


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """The ONNX file and PyTorch code of each template with its initial weights, made once for the module."""
    made: dict[str, Path] = {}

    def export(name: str) -> Path:
        if name not in made:
            folder = tmp_path_factory.mktemp(name)
            project = load_template(name)
            made[name] = exported(project, folder, initial_weights(project.design, folder / "initial.pt"))
        return made[name]

    return export


def exported(project: Project, folder: Path, weights: Path) -> Path:
    """``model.onnx``, ``model.py`` and ``model.pt`` of ``project`` with ``weights`` in ``folder``, each verified."""
    for format, name in (("onnx", "model.onnx"), ("pytorch", "model.py")):
        result = export_model(project.design, format, folder / name, project.name, weights=weights)
        assert result.passed, result.lines()
    return folder


def rebound(folder: Path, weights: Path, target: Path) -> bool:
    """The ONNX file in ``folder`` with ``weights`` in place of its initializers, written to ``target``, and the
    code's weights beside it; False when some weight is not an initializer of its own name."""
    proto = onnx.load(folder / "model.onnx")
    full = torch.load(weights, weights_only=True)
    state = {k: v for k, v in full.items() if not k.endswith("num_batches_tracked")}  # not used in evaluation
    initializers = {i.name: i for i in proto.graph.initializer}
    if not set(state) <= set(initializers):
        return False
    for name, tensor in state.items():
        initializers[name].CopyFrom(numpy_helper.from_array(tensor.numpy(), name))
    target.mkdir()
    onnx.save(proto, target / "model.onnx")
    (target / "model.py").write_text((folder / "model.py").read_text())
    torch.save(full, target / "model.pt")
    return True


@pytest.mark.parametrize("trained", [False, True], ids=["initial", "trained"])
@pytest.mark.parametrize("name", [t.name for t in list_templates()])
def test_template(tmp_path, exports, name, trained):
    project = load_template(name)
    folder = exports(name)
    if trained:
        weights = trained_weights(project.design, tmp_path / "trained.pt")
        if not rebound(folder, weights, tmp_path / "rebound"):
            folder = exported(project, tmp_path, weights)
        else:
            folder = tmp_path / "rebound"
    check(project, folder)


def check(project: Project, folder: Path) -> None:
    onnx.checker.check_model(onnx.load(folder / "model.onnx"), full_check=True)
    assert [p.name for p in folder.iterdir() if p.name.startswith("model.onnx")] == ["model.onnx"]
    session = onnxruntime.InferenceSession(folder / "model.onnx", providers=["CPUExecutionProvider"])
    network = load_code(folder / "model.py")
    network.load_state_dict(read_state_dict(folder / "model.pt"))
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
