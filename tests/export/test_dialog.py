"""The Export Model dialog: exports off the UI thread, shows the checks, and refuses what export refuses."""

import pytest
from PySide6.QtCore import QUrl

from designer.core.project_file import save_project
from designer.core.templates import load_template
from designer.ui.document import Document
from designer.ui.export_dialog import ExportDialog
from designer.ui.main_window import MainWindow
from tests.export.helpers import trained_weights

WAIT_MS = 180_000


@pytest.fixture
def project_path(tmp_path):
    path = tmp_path / "mlp.json"
    save_project(load_template("mlp-tabular"), path)
    return path


def open_dialog(qtbot, path, design=None):
    project = load_template("mlp-tabular")
    dialog = ExportDialog(design or project.design, project.name, path)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def export(qtbot, dialog):
    dialog.export_button.click()
    assert dialog.is_running()
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=WAIT_MS)
    return dialog.report.toPlainText()


def test_pytorch_export_runs_off_the_ui_thread_and_shows_the_parity_report(qtbot, project_path, monkeypatch):
    dialog = open_dialog(qtbot, project_path)
    assert dialog.path.text() == str(project_path.with_suffix(".onnx"))
    dialog.choose_format("pytorch")
    assert dialog.path.text() == str(project_path.with_suffix(".py")) and not dialog.opset.isEnabled()
    text = export(qtbot, dialog)
    assert text.startswith(f"wrote {project_path.with_suffix('.py')}, {project_path.with_suffix('.pt')} (pytorch)")
    assert "parity with torch in mlp.py with mlp.pt (tolerance 0.0001): passed" in text
    assert dialog.stage.text() == "Exported; every check passed."
    opened = []
    monkeypatch.setattr("designer.ui.export_dialog.QDesktopServices.openUrl", opened.append)
    dialog.open_folder.click()
    assert opened == [QUrl.fromLocalFile(str(project_path.parent))]


def test_the_newest_run_is_offered_and_its_best_weights_used(qtbot, project_path):
    run = project_path.parent / "runs" / "mlp-20260101-120000"
    run.mkdir(parents=True)
    trained_weights(load_template("mlp-tabular").design, run / "best.pt")
    (run / "events.jsonl").write_text("")
    dialog = open_dialog(qtbot, project_path)
    assert dialog.weights_choice.checkedButton().objectName() == "run" and dialog.run_path.text() == str(run)
    dialog.choose_format("weights")
    text = export(qtbot, dialog)
    assert f"weights: {run / 'best.pt'}" in text.splitlines()


def test_a_design_with_errors_is_refused_with_its_messages(qtbot, project_path):
    design = load_template("mlp-tabular").design
    design.set_param(design.find("fc2"), "in_features", 5)
    dialog = open_dialog(qtbot, project_path, design)
    text = export(qtbot, dialog)
    assert dialog.stage.text() == "Not exported:"
    assert text.startswith("the design has errors: fc2: expects 5 features but receives")
    assert not dialog.open_folder.isEnabled() and not project_path.with_suffix(".onnx").exists()


def test_a_missing_weights_choice_is_asked_for(qtbot, project_path):
    dialog = open_dialog(qtbot, project_path)
    dialog.choose_weights("file", "")
    dialog.export_button.click()
    assert not dialog.is_running()
    assert dialog.report.toPlainText() == "choose the run folder or weights file, or use the initial weights"


def test_the_main_window_offers_the_dialog_and_shows_flops(qtbot):
    window = MainWindow(Document(load_template("seed-cnn")))
    qtbot.addWidget(window)
    assert window.flops_label.text() == "5.26 MFLOPs per sample"
    window.menu_actions.export_model.trigger()
    (dialog,) = window.findChildren(ExportDialog)
    assert dialog.isVisible() and dialog.windowTitle() == "Export Model"
    dialog.close()
