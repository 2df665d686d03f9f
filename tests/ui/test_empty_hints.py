"""Empty lists and tables say what will show in them, in muted text; a filled one shows no hint."""

import pytest
from PySide6.QtGui import QColor, QImage

from designer.core.inference import Problem
from designer.ui.problems import ProblemList
from designer.ui.training.confusion import ConfusionTable
from designer.ui.training.gradients import GradientTable
from designer.ui.training.runs_list import RunList


def _ink(image: QImage, background: QColor) -> int:
    """Pixels in the top band that differ clearly from ``background`` (where a hint's first line is)."""
    return sum(
        1
        for y in range(0, min(40, image.height()))
        for x in range(image.width())
        if abs(image.pixelColor(x, y).lightness() - background.lightness()) > 40
    )


@pytest.mark.parametrize("kind", [ProblemList, ConfusionTable, GradientTable, RunList])
def test_an_empty_view_shows_its_hint(qtbot, kind):
    view = kind()
    qtbot.addWidget(view)
    view.resize(500, 200)
    view.show()
    qtbot.waitExposed(view)
    background = view.viewport().palette().color(view.viewport().backgroundRole())
    assert _ink(view.viewport().grab().toImage(), background) > 50


def test_the_hint_leaves_once_there_are_rows(qtbot, monkeypatch):
    problems = ProblemList()
    qtbot.addWidget(problems)
    problems.resize(500, 200)
    problems.show()
    qtbot.waitExposed(problems)
    problems.show_problems([Problem("expects 3 features, gets 4", block_id="b1", block="fc1")])
    with_rows = problems.viewport().grab().toImage()
    monkeypatch.setattr("designer.ui.problems.EMPTY_HINT", "")
    problems.viewport().update()
    assert problems.viewport().grab().toImage() == with_rows
