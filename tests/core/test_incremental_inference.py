"""Incremental inference: after any edit its report is exactly a full inference's, and it redoes only what changed."""

from __future__ import annotations

import random
from typing import Any

import pytest

from designer.core import incremental, inference
from designer.core.blocks import REGISTRY
from designer.core.design import Connection, DesignError, DesignGraph
from designer.core.incremental import IncrementalInference
from designer.core.inference import infer
from designer.core.params import BoolParam, ChoiceParam, FloatParam, IntListParam, IntParam, PaddingParam, Param
from designer.core.templates import list_templates, load_template
from tests.helpers import chain, image_input

KINDS = sorted(REGISTRY)
COMMON_KINDS = ["Conv2d", "ReLU", "BatchNorm2d", "MaxPool2d", "Add", "Concat", "Flatten", "Linear", "Output"]
NAMES = ["a", "b", "conv1", "fc", "x_1"]


def _nearby(rng: random.Random, param: Param, current: Any) -> Any:
    """A value for ``param`` near ``current``, so that edits mostly keep the design working."""
    if isinstance(param, BoolParam):
        return not current
    if isinstance(param, ChoiceParam):
        return rng.choice(param.choices)
    if isinstance(param, IntParam):
        if param.inferred and rng.random() < 0.4:
            return None if current is not None else rng.choice([1, 3, 16, 64])
        low = param.minimum if param.minimum is not None else 0
        base = current if isinstance(current, int) else low
        return max(low, base + rng.choice([-2, -1, 1, 2]))
    if isinstance(param, FloatParam):
        return round(rng.uniform(0.0, 0.9), 2)
    if isinstance(param, IntListParam):
        return [max(1, v + rng.choice([-4, 0, 4])) for v in current] if current else [rng.randint(1, 9)]
    if isinstance(param, PaddingParam):
        return rng.choice(["same", "valid", 0, 1, 2])
    return current


def _random_edit(rng: random.Random, design: DesignGraph) -> None:
    """One edit of any kind the editor makes; refusals are part of editing and change nothing."""
    blocks = sorted(design.graph.nodes)
    roll = rng.random()
    try:
        if roll < 0.12 or not blocks:
            design.add_block(rng.choice(COMMON_KINDS if rng.random() < 0.7 else KINDS))
        elif roll < 0.2:
            design.remove_block(rng.choice(blocks))
        elif roll < 0.35:
            sources = [b for b in blocks if design.block(b).spec.outputs]
            target = design.block(rng.choice(blocks))
            ports = target.spec.input_ports(target.params)
            if sources and ports:
                port = rng.choice(ports)
                taken = design.incoming(target.id).get(port)
                if taken is not None:
                    design.disconnect(taken)
                design.connect(Connection(rng.choice(sources), "out", target.id, port))
        elif roll < 0.45:
            connections = design.connections()
            if connections:
                design.disconnect(rng.choice(connections))
        elif roll < 0.9:
            block = design.block(rng.choice(blocks))
            if block.spec.params:
                param = rng.choice(block.spec.params)
                design.set_param(block.id, param.name, _nearby(rng, param, block.params[param.name]))
        else:
            design.rename_block(rng.choice(blocks), rng.choice(NAMES))
    except DesignError:
        pass


def _random_design(rng: random.Random) -> DesignGraph:
    """An image network of a few dozen blocks with residual joins, some of them wrong."""
    design = DesignGraph()
    (x,) = chain(design, image_input([3, 16, 16]))
    for _ in range(rng.randint(4, 10)):
        skip = x
        y = chain(design, ("Conv2d", {"out_channels": 8, "padding": 1}), ("ReLU", {}), start=x)[-1]
        merge = design.add_block(rng.choice(["Add", "Concat"]))
        design.connect(Connection(y, "out", merge, "in1"))
        design.connect(Connection(skip, "out", merge, "in2"))
        x = merge
    chain(design, ("Flatten", {}), ("Linear", {"out_features": 10}), ("Output", {}), start=x)
    return design


class _Forgetful(dict):
    """Remembers no shape result, so that every shape rule runs."""

    def __setitem__(self, key, value) -> None:
        pass


def _full_report(design: DesignGraph, monkeypatch: pytest.MonkeyPatch):
    """A full inference that works every block out afresh: the reference for the incremental one."""
    with monkeypatch.context() as patched:
        patched.setattr(inference, "_KNOWN_RESULTS", _Forgetful())
        return infer(design)


def _check_edits(design: DesignGraph, rng: random.Random, edits: int, monkeypatch: pytest.MonkeyPatch) -> None:
    incremental_inference = IncrementalInference(design)
    assert incremental_inference.report == _full_report(design, monkeypatch)
    for _ in range(edits):
        if rng.random() < 0.2:
            with design.batch():  # several edits, one update
                for _ in range(rng.randint(2, 5)):
                    _random_edit(rng, design)
        else:
            _random_edit(rng, design)
        assert incremental_inference.update() == _full_report(design, monkeypatch)


@pytest.mark.parametrize("template", [t.name for t in list_templates()])
def test_random_edits_of_a_template_give_the_full_report(template, monkeypatch):
    _check_edits(load_template(template).design, random.Random(template), 150, monkeypatch)


@pytest.mark.parametrize("seed", range(8))
def test_random_edits_of_a_random_design_give_the_full_report(seed, monkeypatch):
    rng = random.Random(seed)
    _check_edits(_random_design(rng), rng, 150, monkeypatch)


def test_random_edits_from_nothing_give_the_full_report(monkeypatch):
    _check_edits(DesignGraph(), random.Random(99), 300, monkeypatch)


def test_a_cycle_and_its_removal_give_the_full_report():
    design = DesignGraph()
    ids = chain(design, image_input([3, 8, 8]), ("ReLU", {}), ("Add", {}), ("ReLU", {}), ("Output", {}))
    inference = IncrementalInference(design)
    design.connect(Connection(ids[3], "out", ids[2], "in2"))
    assert inference.update() == infer(design)
    assert any("cycle" in p.message for p in inference.report.problems)
    design.rename_block(ids[3], "loop")
    assert inference.update() == infer(design)
    design.disconnect(Connection(ids[3], "out", ids[2], "in2"))
    design.connect(Connection(ids[0], "out", ids[2], "in2"))
    assert inference.update() == infer(design)
    assert not any("cycle" in p.message for p in inference.report.problems)


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    inferred: list[str] = []
    original = incremental.infer_block

    def count(graph, block_id, report):
        inferred.append(block_id)
        return original(graph, block_id, report)

    monkeypatch.setattr(incremental, "infer_block", count)
    return inferred


def test_an_edit_reinfers_only_the_block_and_what_its_output_reaches(monkeypatch):
    design = DesignGraph()
    ids = chain(
        design,
        image_input([1, 8, 8]),
        ("Conv2d", {"out_channels": 4}),
        ("ReLU", {}),
        ("Flatten", {}),
        ("Linear", {"out_features": 10}),
        ("ReLU", {}),
        ("Output", {}),
    )
    inference = IncrementalInference(design)
    before = inference.report
    inferred = _counting(monkeypatch)
    design.set_param(ids[4], "out_features", 12)
    after = inference.update()
    assert inferred == ids[4:]
    assert all(after.outputs[b] is before.outputs[b] for b in ids[:4])  # the rest is the previous report's
    assert after == infer(design)
    inferred.clear()
    design.set_param(ids[1], "bias", False)  # same output shape: the walk stops at the block itself
    inference.update()
    assert inferred == [ids[1]]


def test_a_connection_reinfers_downstream_of_its_target_only(monkeypatch):
    design = DesignGraph()
    ids = chain(design, image_input([1, 8, 8]), ("ReLU", {}), ("Flatten", {}), ("Output", {}))
    extra = chain(design, ("Conv2d", {"out_channels": 2}), ("ReLU", {}), start=ids[0])
    inference = IncrementalInference(design)
    inferred = _counting(monkeypatch)
    add = design.add_block("Add")
    design.connect(Connection(extra[1], "out", add, "in1"))
    design.connect(Connection(ids[1], "out", add, "in2"))
    assert inference.update() == infer(design)
    assert inferred == [add]  # nothing downstream of it yet
    assert [p.block_id for p in inference.report.errors] == [add]  # N×2×6×6 + N×1×8×8


def test_nothing_changed_gives_the_same_report():
    design = load_template("lenet-digits").design
    inference = IncrementalInference(design)
    report = inference.report
    design.move_block(next(iter(design.graph)), (10.0, 20.0))
    assert inference.update() is report


def test_detach_stops_following():
    design = load_template("lenet-digits").design
    inference = IncrementalInference(design)
    inference.detach()
    design.add_block("ReLU")
    assert inference.update() is inference.report


def test_blocks_alike_share_one_worked_out_result_but_keep_their_own_problems():
    design = DesignGraph()
    (image,) = chain(design, image_input([3, 8, 8]))
    first = chain(design, ("Conv2d", {"out_channels": 4, "kernel_size": 9}), ("Output", {}), start=image)[0]
    second = chain(design, ("Conv2d", {"out_channels": 4, "kernel_size": 9}), ("Output", {}), start=image)[0]
    report = infer(design)
    assert [(p.block, p.message) for p in report.errors] == [
        ("conv2d_1", "the 9-wide kernel is larger than its input (8×8)"),
        ("conv2d_2", "the 9-wide kernel is larger than its input (8×8)"),
    ]
    design.set_param(first, "kernel_size", 3)
    design.set_param(second, "kernel_size", 3)
    report = infer(design)
    assert report.outputs[first] is report.outputs[second]  # one result, worked out once
    assert report.params[first] == report.params[second] and report.params[first] is not report.params[second]
