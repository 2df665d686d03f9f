"""``designer.train``: the Python API runs the engine on a project or a project file."""

from __future__ import annotations

import designer
from designer.core.project_file import save_project
from tests.training.engine.helpers import digits_project


def test_train_a_project_file_from_python(tmp_path):
    path = tmp_path / "digits.json"
    save_project(digits_project(), path)
    seen: list[str] = []
    result = designer.train(path, epochs=1, on_event=lambda e: seen.append(e["event"]))
    assert result["event"] == "done" and result["epochs"] == 1
    assert result["run"].startswith(str(tmp_path / "runs" / "digits-"))
    assert seen[0] == "start" and seen[-1] == "done"


def test_train_a_project_in_memory_into_a_chosen_folder(tmp_path):
    result = designer.train(digits_project(), epochs=1, out=tmp_path / "run")
    assert result["event"] == "done" and (tmp_path / "run" / "best.pt").exists()
