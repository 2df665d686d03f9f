"""One undo command sets a key of a project's dataset or training settings, for both panels."""

from PySide6.QtGui import QUndoStack

from designer.core.project import Project
from designer.ui.commands import SetProjectSetting


def test_a_new_key_is_removed_again_by_undo_and_the_menu_names_it_in_words():
    project, stack, calls = Project(), QUndoStack(), []
    stack.push(SetProjectSetting(project, "training", "learning_rate", 0.003, lambda: calls.append(1)))
    assert project.training == {"learning_rate": 0.003}
    assert stack.undoText() == "Set learning rate to 0.003"
    stack.undo()
    assert "learning_rate" not in project.training
    assert len(calls) == 2  # after redo and after undo


def test_consecutive_edits_of_one_key_are_one_step_that_restores_the_first_value():
    project, stack = Project(dataset={"seed": 0}), QUndoStack()
    for seed in (1, 2, 3):
        stack.push(SetProjectSetting(project, "dataset", "seed", seed))
    assert stack.count() == 1 and project.dataset == {"seed": 3}
    assert stack.undoText() == "Set dataset seed to 3"
    stack.undo()
    assert project.dataset == {"seed": 0}


def test_edits_of_other_keys_or_sections_are_separate_steps():
    project, stack = Project(), QUndoStack()
    stack.push(SetProjectSetting(project, "training", "seed", 1))
    stack.push(SetProjectSetting(project, "dataset", "seed", 1))
    stack.push(SetProjectSetting(project, "dataset", "normalize", False))
    assert stack.count() == 3
    assert stack.undoText() == "Set dataset normalize to off"


def test_editing_back_to_the_old_value_leaves_no_step():
    project, stack = Project(training={"epochs": 5}), QUndoStack()
    stack.push(SetProjectSetting(project, "training", "epochs", 6))
    stack.push(SetProjectSetting(project, "training", "epochs", 5))
    assert stack.count() == 0 and project.training == {"epochs": 5}


def test_a_long_value_is_left_out_of_the_menu_text():
    project, stack = Project(), QUndoStack()
    stack.push(SetProjectSetting(project, "dataset", "path", "/home/someone/data/a/rather/long/folder"))
    assert stack.undoText() == "Set dataset path"
