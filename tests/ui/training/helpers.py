"""Helpers of the training-panel tests: the fake engine's command, waiting for a run to end."""

from __future__ import annotations

import sys
from pathlib import Path

from designer.ui.training.panel import TrainingPanel

FAKE_ENGINE = Path(__file__).with_name("fake_engine.py")


def fake_command(scenario: str) -> list[str]:
    """The engine command of the fake engine playing ``scenario`` (see fake_engine.py)."""
    return [sys.executable, str(FAKE_ENGINE), scenario]


def wait_for_end(qtbot, panel: TrainingPanel, timeout: int = 8000) -> None:
    qtbot.waitUntil(lambda: not panel.running, timeout=timeout)
