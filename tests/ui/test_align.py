"""Align, distribute and auto-layout: the geometry, and the Edit menu doing each as one undo step."""

import pytest

from designer.core.layout import LAYER_GAP, aligned_positions, distributed_positions, layered_positions
from designer.core.templates import load_template
from tests.ui.helpers import assert_scene_matches_model

BOXES = {"a": (0.0, 0.0, 100.0, 40.0), "b": (300.0, 90.0, 100.0, 80.0), "c": (120.0, 400.0, 60.0, 20.0)}


@pytest.mark.parametrize(
    ("edge", "expected"),
    [
        ("left", {"a": (0.0, 0.0), "b": (0.0, 90.0), "c": (-20.0, 400.0)}),
        ("right", {"a": (300.0, 0.0), "b": (300.0, 90.0), "c": (320.0, 400.0)}),
        ("top", {"a": (0.0, 0.0), "b": (300.0, 20.0), "c": (120.0, -10.0)}),
        ("bottom", {"a": (0.0, 390.0), "b": (300.0, 370.0), "c": (120.0, 400.0)}),
        ("centre", {"a": (150.0, 0.0), "b": (150.0, 90.0), "c": (150.0, 400.0)}),
        ("middle", {"a": (0.0, 195.0), "b": (300.0, 195.0), "c": (120.0, 195.0)}),
    ],
)
def test_aligning_lines_up_the_chosen_edge(edge, expected):
    assert aligned_positions(BOXES, edge) == expected


def test_distributing_leaves_equal_gaps_and_the_ends_in_place():
    boxes = {"a": (0.0, 0.0, 100.0, 40.0), "b": (90.0, 50.0, 40.0, 40.0), "c": (500.0, 10.0, 100.0, 40.0)}
    positions = distributed_positions(boxes, "horizontal")
    assert positions["a"] == (0.0, 0.0) and positions["c"] == (500.0, 10.0)
    # From a's right edge (50) to c's left edge (450): 400 wide, 40 of it b, so gaps of 180.
    assert positions["b"] == (250.0, 50.0)
    down = distributed_positions(boxes, "vertical")
    assert [down[k][1] for k in ("a", "c", "b")] == [0.0, 25.0, 50.0]


def test_wrapped_layout_folds_a_long_chain_into_rows_like_text():
    design = load_template("resnet-mini").design
    flat = layered_positions(design)
    wrapped = layered_positions(design, aspect=1.3)
    width = max(x for x, _ in wrapped.values()) - min(x for x, _ in wrapped.values())
    height = max(y for _, y in wrapped.values()) - min(y for _, y in wrapped.values())
    assert width < max(x for x, _ in flat.values()) / 2
    assert 0.8 < (width + 200) / (height + 200) < 2.5
    rows = sorted({y for _, y in wrapped.values()})
    assert len(rows) > 2
    first = sorted((x, b) for b, (x, y) in wrapped.items() if y == wrapped[design.find("image")][1])
    assert [x for x, _ in first[:3]] == [0.0, LAYER_GAP, 2 * LAYER_GAP]
    assert layered_positions(design, aspect=1e6) == flat  # a wide window needs no wrapping


def _select(window, *names):
    ids = [window.document.design.find(n) for n in names]
    window.scene.select_blocks(ids)
    return ids


def test_align_from_the_menu_is_one_undo_step(window):
    design, stack = window.document.design, window.document.undo_stack
    ids = _select(window, "conv1", "pool1", "fc1")
    before = design.snapshot()
    window.menu_actions.align["top"].trigger()
    tops = {design.block(b).position[1] - window.scene.blocks[b].body().height() / 2 for b in ids}
    assert len(tops) == 1
    assert stack.count() == 1 and stack.undoText() == "Align top"
    assert_scene_matches_model(window)
    stack.undo()
    assert design == before


def test_distribute_from_the_menu_evens_the_gaps(window):
    design = window.document.design
    ids = _select(window, "image", "conv1", "fc2")
    window.menu_actions.align["horizontal"].trigger()
    xs = sorted(design.block(b).position[0] for b in ids)
    assert xs[1] - xs[0] == pytest.approx(xs[2] - xs[1])
    assert window.document.undo_stack.undoText() == "Distribute horizontally"


def test_align_needs_enough_blocks_and_says_so(window):
    _select(window, "conv1")
    window.menu_actions.align["left"].trigger()
    assert "Select two or more blocks" in window.statusBar().currentMessage()
    _select(window, "conv1", "relu1")
    window.menu_actions.align["vertical"].trigger()
    assert "Select three or more blocks" in window.statusBar().currentMessage()
    assert window.document.undo_stack.count() == 0


def test_auto_layout_top_to_bottom_is_one_step_and_the_view_shows_it_all(window):
    design, stack = window.document.design, window.document.undo_stack
    before = design.snapshot()
    window.menu_actions.auto_layout_down.trigger()
    assert stack.count() == 1 and stack.undoText() == "Auto-layout top to bottom"
    image, conv1 = design.block(design.find("image")), design.block(design.find("conv1"))
    assert image.position[1] < conv1.position[1] and image.position[0] == conv1.position[0]
    assert window.view.visible_rect().contains(window.view.minimap.bounds())
    assert_scene_matches_model(window)
    stack.undo()
    assert design == before
