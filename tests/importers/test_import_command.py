"""``designer import``: files written, the report printed, and every failure a one-line message with exit status 2."""

import textwrap

import torch

from designer.cli import main
from designer.core.project_file import load_project
from tests.importers import onnx_builders as build


def run(capsys, *args):
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_an_onnx_model_becomes_a_project_and_weights(tmp_path, capsys):
    model = build.old_mlp(tmp_path / "old.onnx")
    code, out, err = run(capsys, "import", model, "-o", tmp_path / "mlp.json")
    assert (code, err) == (0, "")
    assert "imported old.onnx: 4 parts mapped to blocks, 0 kept as OnnxOp" in out
    assert "Gemm_0 (Gemm) -> gemm (Linear)" in out
    assert f"wrote {tmp_path / 'mlp.json'} and its weights {tmp_path / 'mlp.pt'}" in out
    assert [b.kind for b in load_project(tmp_path / "mlp.json").design.blocks()][1] == "Linear"
    assert set(torch.load(tmp_path / "mlp.pt", weights_only=True)) == {
        "gemm.weight",
        "gemm.bias",
        "gemm_2.weight",
        "gemm_2.bias",
    }


def test_existing_files_are_kept_unless_forced(tmp_path, capsys):
    model = build.old_mlp(tmp_path / "old.onnx")
    (tmp_path / "mlp.pt").write_bytes(b"precious")
    code, _, err = run(capsys, "import", model, "-o", tmp_path / "mlp.json")
    assert code == 2 and "mlp.pt exists; choose another name or overwrite it with --force" in err
    assert (tmp_path / "mlp.pt").read_bytes() == b"precious" and not (tmp_path / "mlp.json").exists()
    assert run(capsys, "import", model, "-o", tmp_path / "mlp.json", "--force")[0] == 0


def test_failures_are_one_line_messages(tmp_path, capsys):
    (tmp_path / "bad.onnx").write_bytes(b"\x08\x07\x12\xff\xff")
    for args, message in [
        (["bad.onnx", "-o", "x.json"], "bad.onnx is not an ONNX model"),
        (["model.h5", "-o", "x.json"], "give an ONNX file (MODEL.onnx) or a PyTorch module"),
        (["net.py:Net", "-o", "x.json"], "net.py does not exist"),
        ([build.old_mlp(tmp_path / "m.onnx"), "-o", tmp_path / "no" / "x.json"], "folder"),
    ]:
        code, out, err = run(
            capsys, "import", *[tmp_path / a if a.endswith((".onnx", ".py:Net")) else a for a in map(str, args)]
        )
        assert code == 2 and out == "" and message in err and "Traceback" not in err
        assert len(err.strip().splitlines()) == 1


def test_a_module_with_its_input_shape(tmp_path, capsys):
    (tmp_path / "net.py").write_text(
        textwrap.dedent(
            """
            from torch import nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv = nn.Conv2d(1, 2, 3)
                    self.flat = nn.Flatten()

                def forward(self, x):
                    return self.flat(self.conv(x))
            """
        )
    )
    code, out, err = run(
        capsys, "import", f"{tmp_path}/net.py:Net", "--input-shape", "1,5,5", "-o", tmp_path / "n.json"
    )
    assert (code, err) == (0, "")
    assert "conv (Conv2d) -> conv (Conv2d)" in out
    assert next(load_project(tmp_path / "n.json").design.blocks()).params["shape"] == [1, 5, 5]
