"""After an edit the canvas touches only the labels and badges whose text or problems changed, and stays true."""

import random

from designer.core.design import Connection
from designer.core.inference import infer
from designer.ui.canvas.block_item import BlockItem
from designer.ui.canvas.edge_item import EdgeItem
from tests.ui.helpers import assert_scene_matches_model


def _recording(monkeypatch, cls, name: str) -> list:
    """Every ``cls.name`` call's item, in order."""
    calls = []
    original = getattr(cls, name)

    def record(self, *args):
        calls.append(self)
        return original(self, *args)

    monkeypatch.setattr(cls, name, record)
    return calls


def _edges_from(window, source_name: str) -> list[EdgeItem]:
    source = window.document.design.find(source_name)
    return [edge for c, edge in window.scene.edges.items() if c.source == source]


def test_an_edit_relabels_only_the_edges_whose_shape_changed(window, monkeypatch):
    relabelled = _recording(monkeypatch, EdgeItem, "set_shape_text")
    badged = _recording(monkeypatch, BlockItem, "set_problems")
    design = window.document.design
    window.editor.set_param(design.find("fc1"), "out_features", 48)
    assert relabelled == _edges_from(window, "fc1") + _edges_from(window, "relu3") + _edges_from(window, "dropout")
    assert [edge.label.text() for edge in relabelled] == ["N×48"] * 3
    assert badged == []  # nobody's problems changed
    relabelled.clear()
    window.editor.set_param(design.find("fc2"), "in_features", 5)  # pinned wrong: fc2 fails, digit loses its input
    assert relabelled == _edges_from(window, "fc2") and relabelled[0].label.text() == ""
    assert badged == [window.scene.blocks[design.find("fc2")]] and badged[0].errors
    assert_scene_matches_model(window)


def test_renaming_a_block_with_a_problem_rebadges_it_alone(window, monkeypatch):
    design = window.document.design
    fc2 = design.find("fc2")
    window.editor.set_param(fc2, "in_features", 5)
    badged = _recording(monkeypatch, BlockItem, "set_problems")
    relabelled = _recording(monkeypatch, EdgeItem, "set_shape_text")
    window.editor.rename(fc2, "head")
    assert badged == [window.scene.blocks[fc2]] and badged[0].errors[0].block == "head"
    assert relabelled == []


def test_random_edits_keep_every_label_and_badge_as_a_full_inference_has_them(window):
    rng = random.Random(7)
    editor, design = window.editor, window.document.design
    for _ in range(80):
        blocks = [b.id for b in design.blocks()]
        roll = rng.random()
        if roll < 0.15:
            editor.add_block(rng.choice(["ReLU", "Linear", "Conv2d", "Add", "Flatten"]), (0.0, 400.0))
        elif roll < 0.25:
            editor.delete([rng.choice(blocks)])
        elif roll < 0.45:
            target = design.block(rng.choice(blocks))
            ports = target.spec.input_ports(target.params)
            if ports:
                editor.connect(Connection(rng.choice(blocks), "out", target.id, rng.choice(ports)))
        elif roll < 0.75:
            block = design.block(rng.choice(blocks))
            for name in ("out_features", "out_channels", "kernel_size", "in_features", "padding"):
                if name in block.params:
                    editor.set_param(block.id, name, rng.choice([None, 1, 2, 3, 16]) if "in_" in name else 3)
                    break
        elif roll < 0.9:
            window.menu_actions.undo.trigger()
        else:
            window.menu_actions.redo.trigger()
        assert window.document.report == infer(design)
        assert_scene_matches_model(window)
        report = window.document.report
        for block_id, item in window.scene.blocks.items():
            assert item.warnings == [p for p in report.warnings if p.block_id == block_id]
