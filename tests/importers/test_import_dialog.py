"""File ▸ Import Model…: the import runs off the UI thread, the design opens laid out, problems show in the dialog."""

from PySide6.QtWidgets import QApplication, QMessageBox

from designer.ui.import_dialog import ImportDialog
from tests.importers import onnx_builders as build
from tests.ui.conftest import dialogs, window  # noqa: F401 - the editor's fixtures


def imported(qtbot, dialog):
    dialog.import_button.click()
    assert dialog.is_running() or dialog.report.toPlainText()
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=30_000)


def test_the_menu_entry_imports_and_opens_the_design(window, qtbot, tmp_path):  # noqa: F811
    window.menu_actions.import_model.trigger()
    dialog = window.findChild(ImportDialog)
    model = build.lopsided_conv(tmp_path / "conv.onnx")
    dialog.model.setText(str(model))
    assert dialog.target.text() == str(tmp_path / "conv.json") and not dialog.class_name.isEnabled()
    imported(qtbot, dialog)
    assert dialog.opened == tmp_path / "conv.json" and (tmp_path / "conv.pt").is_file()
    assert window.document.path == tmp_path / "conv.json"
    assert [b.kind for b in window.document.design.blocks()] == ["Input", "OnnxOp", "ReLU", "Output"]
    assert "kept as generic ONNX operators" in dialog.report.toPlainText()
    positions = [b.position for b in window.document.design.blocks()]
    assert len(set(positions)) == len(positions)  # laid out, not piled up
    QApplication.processEvents()
    visible = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    assert visible.contains(window.scene.itemsBoundingRect())


def test_a_broken_model_is_reported_in_the_dialog_and_the_design_stays(window, qtbot, tmp_path):  # noqa: F811
    before = window.document
    (tmp_path / "bad.onnx").write_bytes(b"\x08\x07\x12\xff\xff")
    dialog = ImportDialog(window)
    dialog.model.setText(str(tmp_path / "bad.onnx"))
    imported(qtbot, dialog)
    assert dialog.stage.text() == "Not imported:" and "not an ONNX model" in dialog.report.toPlainText()
    assert window.document is before and not (tmp_path / "bad.json").exists()


def test_a_module_needs_its_class_and_a_readable_shape(window, qtbot, tmp_path):  # noqa: F811
    (tmp_path / "net.py").write_text("from torch import nn\n\nclass Net(nn.Sequential):\n    pass\n")
    dialog = ImportDialog(window)
    dialog.model.setText(str(tmp_path / "net.py"))
    assert dialog.class_name.isEnabled() and dialog.input_shape.isEnabled()
    dialog.class_name.setText("Net")
    dialog.input_shape.setText("1, x, 2")
    dialog.import_button.click()
    assert not dialog.is_running() and "whole numbers separated by commas" in dialog.report.toPlainText()
    assert dialog.source() == f"{tmp_path / 'net.py'}:Net"


def test_existing_files_are_replaced_only_when_agreed(window, qtbot, tmp_path, monkeypatch):  # noqa: F811
    answers = []

    class Asking(QMessageBox):
        question = staticmethod(lambda *_args: answers.pop(0))

    monkeypatch.setattr("designer.ui.import_dialog.QMessageBox", Asking)
    model = build.old_mlp(tmp_path / "old.onnx")
    (tmp_path / "old.json").write_text("{}")
    dialog = ImportDialog(window)
    dialog.model.setText(str(model))
    answers.append(QMessageBox.StandardButton.No)
    dialog.import_button.click()
    assert not dialog.is_running() and (tmp_path / "old.json").read_text() == "{}"
    answers.append(QMessageBox.StandardButton.Yes)
    imported(qtbot, dialog)
    assert window.document.path == tmp_path / "old.json"
