"""The training panel's "processes per machine": passed to the engine as --nproc when more than one."""

from __future__ import annotations

from tests.ui.training.helpers import wait_for_end


def _engine_arguments(panel) -> list[str]:
    return panel.live.engine._process.arguments()


def test_one_process_is_the_plain_engine_command(start_run, qtbot):
    panel = start_run("finish")
    assert "--nproc" not in _engine_arguments(panel)
    wait_for_end(qtbot, panel)


def test_more_processes_are_asked_of_the_engine_with_nproc(saved_window, start_run, qtbot):
    saved_window.training.processes.setValue(2)
    panel = start_run("finish")
    arguments = _engine_arguments(panel)
    assert arguments[arguments.index("--nproc") + 1] == "2"
    wait_for_end(qtbot, panel)  # the fake engine refuses --nproc: the run ends as failed, not the editor
    assert not panel.running
