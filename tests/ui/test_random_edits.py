"""Random edits with undo and redo in between: the canvas always shows the design, and undo returns to the start."""

import random
from typing import Any

import pytest
from PySide6.QtCore import QPointF

from designer.core.blocks import REGISTRY
from designer.core.design import Connection
from designer.core.params import BoolParam, ChoiceParam, FloatParam, IntListParam, IntParam, PaddingParam, Param
from tests.ui.helpers import assert_scene_matches_model

KINDS = sorted(REGISTRY)


def _value(rng: random.Random, param: Param) -> Any:
    """A value for ``param``: mostly allowed, sometimes not (the editor must refuse those cleanly)."""
    if isinstance(param, BoolParam):
        return rng.random() < 0.5
    if isinstance(param, ChoiceParam):
        return rng.choice(param.choices)
    if isinstance(param, IntParam):
        if (param.inferred or param.optional) and rng.random() < 0.3:
            return None
        low = param.minimum if param.minimum is not None else -3
        return rng.randint(low - 1, low + 6)
    if isinstance(param, FloatParam):
        return round(rng.uniform(-0.2, 1.2), 2)
    if isinstance(param, IntListParam):
        return [rng.randint(1, 9) for _ in range(rng.randint(1, 3))]
    if isinstance(param, PaddingParam):
        return rng.choice(["same", "valid", 0, 1, 2, "x"])
    return param.default


def _random_edit(rng: random.Random, window) -> None:
    editor, design = window.editor, window.document.design
    blocks = [b.id for b in design.blocks()]
    roll = rng.random()
    if roll < 0.18 or not blocks:
        editor.add_block(rng.choice(KINDS), (rng.randrange(-400, 1600, 10), rng.randrange(-300, 300, 10)))
    elif roll < 0.28:
        connections = design.connections()
        picked = rng.sample(blocks, k=min(len(blocks), rng.randint(0, 2)))
        editor.delete(picked, rng.sample(connections, k=min(len(connections), rng.randint(0, 2))))
    elif roll < 0.45:
        sources = [b for b in blocks if design.block(b).spec.outputs]
        if sources:
            target = design.block(rng.choice(blocks))
            ports = target.spec.input_ports(target.params)
            if ports:
                editor.connect(Connection(rng.choice(sources), "out", target.id, rng.choice(ports)))
    elif roll < 0.55:
        picked = rng.sample(blocks, k=min(len(blocks), rng.randint(1, 3)))
        editor.move({b: (rng.randrange(-400, 1600, 10), rng.randrange(-300, 300, 10)) for b in picked})
    elif roll < 0.75:
        block = design.block(rng.choice(blocks))
        if block.spec.params:
            param = rng.choice(block.spec.params)
            editor.set_param(block.id, param.name, _value(rng, param))
    elif roll < 0.8:
        editor.rename(rng.choice(blocks), rng.choice(["a", "b", "conv1", "fc2", "x_1", "1bad", "forward", "ok name"]))
    elif roll < 0.82:
        editor.auto_layout(rng.choice(["left-to-right", "top-to-bottom"]), rng.choice([None, 1.4]))
    elif roll < 0.87:
        _random_arrangement(rng, window, blocks)
    elif roll < 0.95:
        _random_grouping(rng, window, blocks)
    elif roll < 0.98:
        for _ in range(rng.randint(1, 3)):
            window.menu_actions.undo.trigger()
    else:
        for _ in range(rng.randint(1, 2)):
            window.menu_actions.redo.trigger()


def _random_arrangement(rng: random.Random, window, blocks: list[str]) -> None:
    """Copy and paste, duplicate, align or distribute a few blocks, as the Edit menu does."""
    picked = rng.sample(blocks, k=min(len(blocks), rng.randint(1, 4)))
    window.scene.select_blocks(picked)
    choice = rng.randrange(4)
    if choice == 0:
        window.menu_actions.copy.trigger()
        window.clipboard_actions.paste(at=QPointF(rng.randrange(-400, 1600, 10), rng.randrange(-300, 300, 10)))
    elif choice == 1:
        window.menu_actions.duplicate.trigger()
    elif choice == 2:
        window.menu_actions.align[rng.choice(["left", "right", "top", "bottom", "centre", "middle"])].trigger()
    else:
        window.menu_actions.align[rng.choice(["horizontal", "vertical"])].trigger()


def _random_grouping(rng: random.Random, window, blocks: list[str]) -> None:
    """Group or ungroup a few blocks (Ctrl+G, Ctrl+Shift+G), collapse or expand one group as its box or frame
    asks, or all of them from the View menu."""
    names = [g.name for g in window.document.design.groups]
    roll = rng.random()
    if roll < 0.45 or not names:
        window.scene.select_blocks(rng.sample(blocks, k=min(len(blocks), rng.randint(2, 5))))
        window.menu_actions.group.trigger()
    elif roll < 0.55:
        window.scene.select_blocks(rng.sample(blocks, k=min(len(blocks), rng.randint(1, 3))))
        window.menu_actions.ungroup.trigger()
    elif roll < 0.85:
        window.scene.group_toggle_requested.emit(rng.choice(names))
    elif roll < 0.93:
        window.menu_actions.collapse_all.trigger()
    else:
        window.menu_actions.expand_all.trigger()


@pytest.mark.parametrize("seed", range(6))
def test_random_edits_keep_the_canvas_true_and_undo_all_the_way_back(window, seed):
    rng = random.Random(seed)
    design, stack = window.document.design, window.document.undo_stack
    start = design.snapshot()
    for _ in range(60):
        _random_edit(rng, window)
        assert_scene_matches_model(window)
    while stack.canUndo():
        window.menu_actions.undo.trigger()
    assert design == start and design.groups == start.groups
    assert_scene_matches_model(window)
    while stack.canRedo():
        window.menu_actions.redo.trigger()
    assert_scene_matches_model(window)
