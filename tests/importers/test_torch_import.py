"""PyTorch modules traced into designs: the same outputs as the module, names and weights kept, refusals clear."""

import sys
import textwrap

import pytest
import torch
from torch import nn

from designer.compiler.compile import compile_design
from designer.importers.result import ModelImportError
from designer.importers.torch_import import import_module
from tests.importers.models import SAMPLES, perturbed


def compiled(result):
    module = compile_design(result.project.design).eval()
    module.load_state_dict(result.weights)
    return module


@pytest.mark.parametrize("name", sorted(set(SAMPLES) - {"attention"}))
def test_imported_module_computes_what_the_original_computes(name):
    build, sample = SAMPLES[name]
    torch.manual_seed(0)
    original = perturbed(build())
    result = import_module(original, list(sample))
    x = torch.randn(3, *sample, generator=torch.Generator().manual_seed(5))
    with torch.no_grad():
        torch.testing.assert_close(compiled(result)(x), original(x), atol=1e-5, rtol=1e-5)


def test_submodule_names_become_block_names():
    result = import_module(perturbed(SAMPLES["resnet"][0]()), [3, 16, 16])
    names = {b.name for b in result.project.design.blocks()}
    assert {"stem", "layer1_0_conv1", "layer1_1_bn2", "fc"} <= names
    assert "layer1_0_conv1.weight" in result.weights


def test_recurrent_results_follow_how_the_module_uses_them():
    design = import_module(perturbed(SAMPLES["lstm"][0]()), [7, 5]).project.design
    (lstm,) = [b for b in design.blocks() if b.kind == "LSTM"]
    assert lstm.params | {"input_size": None} == lstm.params | {
        "num_layers": 2,
        "bidirectional": True,
        "output": "last step",
        "input_size": None,
    }
    tagger = import_module(perturbed(SAMPLES["tagger"][0]()), [7, 5]).project.design
    assert next(b for b in tagger.blocks() if b.kind == "GRU").params["output"] == "sequence"


def test_a_linear_first_layer_tells_the_input_shape():
    result = import_module(nn.Sequential(nn.Linear(6, 3), nn.ReLU(), nn.Linear(3, 2)))
    assert next(result.project.design.blocks()).params["shape"] == [6]


def test_the_input_shape_is_asked_for_when_it_cannot_be_told():
    with pytest.raises(ModelImportError, match="give the shape of one input sample"):
        import_module(nn.Sequential(nn.Conv2d(1, 4, 3), nn.Flatten()))


def test_a_wrong_input_shape_is_reported():
    message = r"^Sequential: 0 fails on the example input: mat1 and mat2 shapes cannot be multiplied \(2x5 and 6x3\)$"
    with pytest.raises(ModelImportError, match=message):
        import_module(nn.Sequential(nn.Linear(6, 3), nn.Linear(4, 2)), [5])


def test_unmapped_parts_are_listed():
    class Odd(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv3d(1, 2, 3)
            self.fc = nn.Linear(4, 4)

        def forward(self, x):
            return self.fc(torch.sin(x))

    with pytest.raises(ModelImportError, match=r"sin has no Designer block") as error:
        import_module(Odd(), [4])
    assert "fc: uses sin" in str(error.value)
    with pytest.raises(ModelImportError, match="mean has no Designer block"):
        import_module(perturbed(SAMPLES["attention"][0]()), [5, 4])


def test_untraceable_modules_are_refused_clearly():
    class Branchy(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 2)

        def forward(self, x):
            return self.fc(x) if x.sum() > 0 else self.fc(-x)

    with pytest.raises(ModelImportError, match=r"cannot be traced with torch\.fx"):
        import_module(Branchy(), [4])


def write_module(folder, body):
    path = folder / "net.py"
    path.write_text("import torch\nfrom torch import nn\n\n" + textwrap.dedent(body))
    return path


def test_a_class_in_a_python_file(tmp_path):
    path = write_module(
        tmp_path,
        """
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.hidden = nn.Linear(3, 5)
                self.out = nn.Linear(5, 2)

            def forward(self, x):
                return self.out(torch.relu(self.hidden(x)))
        """,
    )
    result = import_module(f"{path}:Net")
    assert [b.name for b in result.project.design.blocks()] == ["x", "hidden", "relu", "out", "output"]
    assert result.project.name == "Net"


def test_a_python_file_can_import_the_modules_beside_it(tmp_path):
    (tmp_path / "parts_beside.py").write_text("from torch import nn\n\nWIDTH = 7\n")
    path = write_module(
        tmp_path,
        """
        from parts_beside import WIDTH

        class Net(nn.Sequential):
            def __init__(self):
                super().__init__(nn.Linear(3, WIDTH))
        """,
    )
    result = import_module(f"{path}:Net")
    assert [b.params.get("out_features") for b in result.project.design.blocks()][1] == 7
    assert str(tmp_path) not in sys.path


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("{path}:Missing", "has no torch.nn.Module class Missing .it has Net, Broken."),
        ("{path}:Broken", "running it failed: ValueError: needs a size"),
        ("{path}", "give a Python file and a class"),
        ("{folder}/none.py:Net", "does not exist"),
    ],
)
def test_python_files_that_cannot_give_a_module_are_refused(tmp_path, spec, message):
    path = write_module(
        tmp_path,
        """
        class Net(nn.Module):
            pass

        class Broken(nn.Module):
            def __init__(self):
                raise ValueError("needs a size")
        """,
    )
    with pytest.raises(ModelImportError, match=message):
        import_module(spec.format(path=path, folder=tmp_path))
