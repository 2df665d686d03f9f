"""The status bar's totals come from a summary worked out after the canvas has followed an edit, once per burst."""

from designer.core.analysis import format_flops
from designer.core.inference import infer
from designer.core.summary import summarize
from designer.ui import document as document_module


def _counting_summaries(monkeypatch) -> list[int]:
    calls: list[int] = []
    original = document_module.summarize

    def count(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(document_module, "summarize", count)
    return calls


def _fresh_totals(window) -> tuple[str, str]:
    design = window.document.design
    fresh = summarize(design, infer(design))
    return f"{len(design)} blocks · {fresh.total_params:,} parameters", f"{format_flops(fresh.total_flops)} per sample"


def test_after_an_edit_the_status_bar_ends_up_with_a_fresh_summarys_totals(window, qtbot, monkeypatch):
    summaries = _counting_summaries(monkeypatch)
    design = window.document.design
    fc1, relu3 = design.find("fc1"), design.find("relu3")
    before = window._params_label.text()
    window.editor.set_param(fc1, "out_features", 48)
    edge = next(e for c, e in window.scene.edges.items() if (c.source, c.target) == (fc1, relu3))
    assert edge.label.text() == "N×48"  # the canvas follows at once ...
    assert summaries == [] and window._params_label.text() == before  # ... the summary waits
    with qtbot.waitSignal(window.document.summary_changed, timeout=2000):
        pass
    assert summaries == [1]
    assert (window._params_label.text(), window.flops_label.text()) == _fresh_totals(window)
    assert window._params_label.text() != before


def test_a_burst_of_edits_is_summarized_once(window, qtbot, monkeypatch):
    summaries = _counting_summaries(monkeypatch)
    fc1 = window.document.design.find("fc1")
    for width in (40, 44, 52, 56):
        window.editor.set_param(fc1, "out_features", width)
    with qtbot.waitSignal(window.document.summary_changed, timeout=2000):
        pass
    qtbot.wait(100)  # nothing more is due
    assert summaries == [1]
    assert (window._params_label.text(), window.flops_label.text()) == _fresh_totals(window)


def test_undo_and_structural_edits_end_up_right_too(window, qtbot):
    design = window.document.design
    window.editor.delete([design.find("dropout")])
    with qtbot.waitSignal(window.document.summary_changed, timeout=2000):
        pass
    assert window._params_label.text().startswith("12 blocks · ≥ ")  # fc2 is cut off: an error
    window.menu_actions.undo.trigger()
    assert window._problems_label.text() == "No problems"  # problems follow at once
    with qtbot.waitSignal(window.document.summary_changed, timeout=2000):
        pass
    assert (window._params_label.text(), window.flops_label.text()) == _fresh_totals(window)


def test_the_inspector_shows_the_selected_blocks_parameters_once_summarized(window, qtbot):
    design = window.document.design
    conv1 = design.find("conv1")
    window.scene.select_block(conv1)
    assert "160 parameters" in window.inspector.info.text()
    window.editor.set_param(conv1, "out_channels", 8)
    with qtbot.waitSignal(window.document.summary_changed, timeout=2000):
        pass
    assert "N×8×8×8" in window.inspector.info.text() and "80 parameters" in window.inspector.info.text()
