"""Reading the engine's output: event lines that arrive in pieces, noise, and floods."""

from __future__ import annotations

import json

import pytest

from designer.ui.training.engine_process import READ_CHUNK
from designer.ui.training.event_lines import MAX_LINE_BYTES, EventLineReader
from tests.ui.training.helpers import wait_for_end

STEP = {"event": "step", "epoch": 1, "step": 3, "loss": 0.5}


def test_lines_split_anywhere_give_the_same_events():
    data = (json.dumps(STEP) + "\n" + json.dumps({**STEP, "step": 4}) + "\n").encode()
    for cut in range(1, len(data)):
        reader = EventLineReader()
        events = reader.feed(data[:cut]) + reader.feed(data[cut:]) + reader.flush()
        assert [e["step"] for e in events] == [3, 4]


def test_a_last_line_without_newline_is_read_at_the_end():
    reader = EventLineReader()
    assert reader.feed(json.dumps(STEP).encode()) == []
    assert reader.flush() == [STEP]


def test_noise_becomes_warnings_that_quote_it():
    reader = EventLineReader()
    events = reader.feed(b'hello\n{"event": "nope"}\n"text"\n\n\xff\xfe\n' + json.dumps(STEP).encode() + b"\n")
    kinds = [e["event"] for e in events]
    assert kinds == ["warning", "warning", "warning", "warning", "step"]
    assert "not an event: 'hello'" in events[0]["message"]
    assert "no known kind" in events[1]["message"] and "no known kind" in events[2]["message"]


def test_an_endless_line_is_dropped_once_with_a_warning_and_reading_goes_on():
    reader = EventLineReader()
    chunk = b"x" * (MAX_LINE_BYTES // 2 + 1)
    warnings = reader.feed(chunk) + reader.feed(chunk) + reader.feed(chunk)
    assert [e["event"] for e in warnings] == ["warning"]
    assert reader.feed(b"yyy\n" + json.dumps(STEP).encode() + b"\n") == [STEP]


def test_a_flood_of_output_is_read_in_chunks_without_losing_an_event(start_run, qtbot, monkeypatch):
    monkeypatch.setenv("FLOOD_SECONDS", "1")
    panel = start_run("flood")
    wait_for_end(qtbot, panel, timeout=20_000)
    record = panel.current
    assert record.state == "stopped"
    assert record.step * 90 > READ_CHUNK  # a step line is over 90 bytes: more than one chunk of output
    assert list(record.curves.step_loss.x * 20) == pytest.approx(range(1, record.step + 1))


def test_an_engine_that_cannot_start_is_reported(saved_window, qtbot, tmp_path):
    panel = saved_window.training
    panel.engine_command = [str(tmp_path / "no-such-python"), "-m", "designer", "train"]
    panel.train()
    wait_for_end(qtbot, panel)
    assert panel.current.state == "failed"
    assert "the training engine could not start" in panel.error.text()
    assert panel.train_button.isEnabled()


def test_an_unwritable_run_folder_is_reported(saved_window, tmp_path):
    (tmp_path / "runs").write_text("a file where the runs folder should be")
    panel = saved_window.training
    panel.train()
    assert not panel.running
    assert "cannot write the run folder" in panel.error.text()
