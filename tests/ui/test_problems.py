"""The problem list and the status bar follow the design; choosing a problem selects its block."""

from PySide6.QtCore import Qt

from designer.core.design import Connection


def test_problems_are_listed_and_clicking_one_selects_its_block(window, qtbot):
    design, problems = window.document.design, window.problems
    assert problems.topLevelItemCount() == 0
    conv2 = design.find("conv2")
    window.editor.set_param(conv2, "in_channels", 5)
    assert problems.topLevelItemCount() == 1
    item = problems.topLevelItem(0)
    assert (item.text(0), item.text(1)) == ("conv2", "expects 5 channels but receives 16")
    assert item.text(2) == "set in_channels to 16, or leave it automatic"
    rect = problems.visualItemRect(item)
    qtbot.mouseClick(problems.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.scene.selected_block_ids() == [conv2]
    assert window.inspector.block_id == conv2


def test_design_wide_problems_have_no_block(window, qtbot):
    window.editor.delete([window.document.design.find("digit")])
    texts = [window.problems.topLevelItem(i).text(1) for i in range(window.problems.topLevelItemCount())]
    assert "the design has no Output block" in texts
    item = window.problems.findItems("the design has no Output block", Qt.MatchFlag.MatchExactly, 1)[0]
    assert item.text(0) == "design"
    window.problems.itemClicked.emit(item, 0)  # nothing to select, and no error
    assert window.scene.selected_block_ids() == []


def test_the_status_bar_counts_parameters_and_problems(window):
    design = window.document.design
    assert window._params_label.text() == "13 blocks · 13,706 parameters"
    assert window._problems_label.text() == "No problems"
    relu = window.editor.add_block("ReLU", (0.0, 300.0))
    assert window._problems_label.text() == "1 error · 1 warning"
    assert window._params_label.text().startswith("14 blocks · ≥ ")
    window.editor.connect(Connection(design.find("relu1"), "out", relu, "in"))
    assert window._problems_label.text() == "1 warning"
