"""Fixtures of the training-panel tests: a saved project in a temporary folder and a scripted fake engine."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from designer.ui.main_window import MainWindow
from designer.ui.training.panel import TrainingPanel
from tests.ui.training.helpers import fake_command


@pytest.fixture
def saved_window(window: MainWindow, tmp_path: Path) -> MainWindow:
    """The main window with its project saved under a temporary folder, so runs go to ``tmp_path/runs``."""
    window.document.save(tmp_path / "lenet.json")
    window.training.set_document(window.document, window.scene)
    return window


@pytest.fixture
def start_run(saved_window: MainWindow, qtbot) -> Callable[[str], TrainingPanel]:
    """Start a run of the fake engine playing a scenario from the panel's Train button."""

    def start(scenario: str) -> TrainingPanel:
        panel = saved_window.training
        panel.engine_command = fake_command(scenario)
        qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
        assert panel.running, panel.error.text()
        return panel

    yield start
    panel = saved_window.training
    if panel.running:
        panel.shutdown()
        qtbot.waitUntil(lambda: not panel.running, timeout=5000)
