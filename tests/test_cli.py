import json
import subprocess
import sys

import onnxruntime
import pytest

from designer.cli import main
from designer.core.design import Connection
from designer.core.project_file import save_project
from designer.core.templates import load_template


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_templates_lists_every_template(capsys):
    code, out, _ = run(capsys, "templates")
    assert code == 0
    names = [line.split()[0] for line in out.splitlines()]
    assert {
        "lenet-digits",
        "seed-cnn",
        "mlp-tabular",
        "lstm-classifier",
        "gru-forecaster",
        "transformer-classifier",
        "resnet-mini",
    } <= set(names)


def test_new_check_and_summary(tmp_path, capsys):
    path = tmp_path / "net.json"
    assert run(capsys, "new", "--template", "seed-cnn", "-o", str(path))[0] == 0
    code, out, _ = run(capsys, "new", "--template", "seed-cnn", "-o", str(path))
    assert code == 2
    code, out, _ = run(capsys, "check", str(path))
    assert (code, out.strip()) == (0, f"{path}: valid: 12 blocks, 225,034 parameters")
    code, out, _ = run(capsys, "summary", str(path))
    assert code == 0
    assert "flatten  Flatten    N×1600" in out and "total parameters: 225,034" in out
    code, out, _ = run(capsys, "summary", str(path), "--json")
    summary = json.loads(out)
    assert summary["total_params"] == 225_034
    assert summary["blocks"][4] == {
        "block_id": summary["blocks"][4]["block_id"],
        "name": "conv2",
        "kind": "Conv2d",
        "output": "N×64×11×11",
        "params": 18_496,
        "flops": 2 * 64 * 11 * 11 * 32 * 9,
        "activation_bytes": 0,  # a convolution keeps only its input, counted where it is made (pool1)
        "used": True,
    }
    assert summary["total_flops"] == 5_262_080


def test_summary_memory_at_a_batch_size_dtype_and_length(tmp_path, capsys):
    path = tmp_path / "net.json"
    run(capsys, "new", "--template", "lstm-classifier", "-o", str(path))
    code, out, _ = run(capsys, "summary", str(path), "--batch-size", "10", "--dtype", "float16", "--length", "12")
    assert code == 0
    assert "lstm        LSTM    N×128      135,168  3,194,880" in out
    assert "FLOPs per sample at T=12: 3,195,392 (3.2 MFLOPs)" in out
    assert "activations kept for backward, a batch of 10 in float16: 2.5 MiB" in out
    code, out, _ = run(capsys, "summary", str(path), "--json", "--optimizer", "sgd", "--batch-size", "2")
    memory = json.loads(out)["memory"]
    assert memory["optimizer_bytes"] == memory["weight_bytes"] == 135_426 * 4
    assert memory["training_bytes"] == 3 * 135_426 * 4 + memory["activation_bytes"]
    code, _, err = run_exit(capsys, "summary", str(path), "--batch-size", "0")
    assert code == 2 and "must be a whole number of at least 1, not '0'" in err


def run_exit(capsys, *args):
    """A command that argparse refuses: its exit status and messages."""
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def test_check_reports_each_problem_with_its_fix(tmp_path, capsys):
    path = tmp_path / "net.json"
    run(capsys, "new", "--template", "seed-cnn", "-o", str(path))
    document = json.loads(path.read_text())
    document["design"]["blocks"][8]["params"]["in_features"] = 3136
    path.write_text(json.dumps(document))
    code, out, _ = run(capsys, "check", str(path))
    assert code == 1
    assert out.strip() == (
        f"{path}: error: fc1: expects 3136 features but receives 1600 (64×5×5) — fix: set "
        "in_features to 1600, or leave it automatic"
    )


@pytest.mark.parametrize("content", ["{", '{"format": "designer-project", "version": 1}', "\x00\x01"])
def test_unreadable_files_exit_2_with_a_message(tmp_path, capsys, content):
    path = tmp_path / "broken.json"
    path.write_text(content)
    code, out, err = run(capsys, "check", str(path))
    assert code == 2 and out == ""
    assert err.startswith(f"designer: cannot read {path}: ")
    assert "Traceback" not in err


def test_unknown_template(tmp_path, capsys):
    code, _, err = run(capsys, "new", "--template", "nope", "-o", str(tmp_path / "x.json"))
    assert code == 2 and "there is no template 'nope'" in err


def test_installed_command_runs(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "designer", "check", str(tmp_path / "absent.json")], capture_output=True, text=True
    )
    assert result.returncode == 2 and "No such file" in result.stderr


def test_export_weights_and_its_check(tmp_path, capsys):
    path = tmp_path / "net.json"
    run(capsys, "new", "--template", "mlp-tabular", "-o", str(path))
    code, out, err = run(capsys, "export", str(path), "--format", "weights", "-o", str(tmp_path / "w.pt"))
    assert (code, err) == (0, "")
    assert out.splitlines()[1] == "6 tensors read back with weights_only=True: identical"


def test_export_refusals_exit_1_with_the_reason(tmp_path, capsys):
    path = tmp_path / "net.json"
    run(capsys, "new", "--template", "seed-cnn", "-o", str(path))
    out_file = str(tmp_path / "m.onnx")
    code, _, err = run(capsys, "export", str(path), "--format", "onnx", "-o", out_file, "--opset", "17")
    assert code == 1 and err == f"designer: {path}: opset 17 cannot be written: choose an opset from 18 to 23\n"
    code, _, err = run(capsys, "export", str(path), "--format", "onnx", "-o", out_file, "--weights", "nowhere.pt")
    assert code == 1 and err == f"designer: {path}: nowhere.pt does not exist\n"
    document = json.loads(path.read_text())
    document["design"]["blocks"][8]["params"]["in_features"] = 3136
    path.write_text(json.dumps(document))
    code, _, err = run(capsys, "export", str(path), "--format", "pytorch", "-o", str(tmp_path / "m.py"))
    assert code == 1 and "designer: " + f"{path}: the design has errors: fc1: expects 3136 features" in err
    assert not (tmp_path / "m.py").exists()


def test_export_unwritable_or_unreadable_exits_2(tmp_path, capsys):
    path = tmp_path / "net.json"
    run(capsys, "new", "--template", "mlp-tabular", "-o", str(path))
    code, _, err = run(capsys, "export", str(path), "--format", "weights", "-o", str(tmp_path / "no" / "w.pt"))
    assert (
        code == 2
        and err == f"designer: cannot write {tmp_path / 'no' / 'w.pt'}: folder {tmp_path / 'no'} does not exist\n"
    )
    code, _, err = run(capsys, "export", str(tmp_path / "absent.json"), "--format", "weights", "-o", "w.pt")
    assert code == 2 and err.startswith(f"designer: cannot read {tmp_path / 'absent.json'}")


def test_export_onnx_prints_the_parity_report_and_fails_outside_the_tolerance(tmp_path, capsys):
    path = tmp_path / "net.json"
    run(capsys, "new", "--template", "mlp-tabular", "-o", str(path))
    code, out, _ = run(
        capsys, "export", str(path), "--format", "onnx", "-o", str(tmp_path / "m.onnx"), "--tolerance", "0"
    )
    lines = out.splitlines()
    assert code == 1
    assert lines[1:3] == ["onnx.checker (full check): passed, opset 18", "dynamic sizes: batch"]
    assert lines[3] == f"parity with torch in onnxruntime {onnxruntime.__version__} (tolerance 0): FAILED"
    assert [line.split()[:2] for line in lines[4:]] == [["batch", "1"], ["batch", "3"], ["batch", "17"]]
    assert any(line.endswith("FAIL") for line in lines[4:])


def test_check_reports_dataset_and_training_settings_with_their_place(tmp_path, capsys):
    path = tmp_path / "net.json"
    assert run(capsys, "new", "--template", "lenet-digits", "-o", str(path))[0] == 0
    project = json.loads(path.read_text())
    project["dataset"]["validation_fraction"] = 1.5
    project["training"]["learning_rate"] = -1
    project["training"]["monitor"] = "val_mae"
    path.write_text(json.dumps(project))
    code, out, _ = run(capsys, "check", str(path))
    assert code == 1
    assert f"{path}: error: dataset.validation_fraction: validation_fraction must be" in out
    assert f"{path}: error: training.learning_rate: learning_rate must be" in out
    assert f"{path}: error: training.monitor: classification does not report val_mae" in out


def test_output_cut_short_by_its_reader_ends_quietly(tmp_path):
    project = load_template("lenet-digits")
    design = project.design
    source = design.find("digit")
    with design.batch():  # a long table: one row per block, far more than a pipe holds
        for _ in range(1500):
            block = design.add_block("ReLU")
            design.connect(Connection(design.incoming(source)["in"].source, "out", block, "in"))
    save_project(project, tmp_path / "long.json")
    command = [sys.executable, "-m", "designer", "summary", str(tmp_path / "long.json")]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as reader:
        assert reader.stdout.readline()  # like ``| head -1``
        reader.stdout.close()
        code = reader.wait(timeout=120)
        errors = reader.stderr.read().decode()
    assert code == 141
    assert errors == ""


def test_check_finds_a_missing_starting_weights_file_from_the_project_folder(tmp_path, capsys, monkeypatch):
    project = load_template("lenet-digits")
    project.training["init_weights"] = "imported.pt"
    save_project(project, tmp_path / "net.json")
    monkeypatch.chdir(tmp_path.parent)  # relative to the project's folder, not to where the command runs
    code, out, _ = run(capsys, "check", str(tmp_path / "net.json"))
    assert code == 1
    assert f"training.init_weights: there is no {tmp_path / 'imported.pt'} to start from" in out
    (tmp_path / "imported.pt").write_bytes(b"")
    assert run(capsys, "check", str(tmp_path / "net.json"))[0] == 0
