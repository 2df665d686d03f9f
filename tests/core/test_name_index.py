"""The design's name index: ``find``, name checks and ``unique_name`` agree with a scan of the blocks, whatever the
edits."""

import random

import pytest

from designer.core.design import DesignError, DesignGraph, RemovedBlock

KINDS = ["Linear", "ReLU", "Conv2d", "Dropout"]
NAMES = ["a", "b", "fc", "linear_1", "relu_1", "relu_2", "conv2d_1", "x_1", "forward", "1bad", "stem"]


def scanned(design: DesignGraph, name: str) -> str | None:
    """The id of the block called ``name``, found by looking at every block."""
    return next((b.id for b in design.blocks() if b.name == name), None)


def assert_index_agrees(design: DesignGraph, names: set[str]) -> None:
    for name in names | {b.name for b in design.blocks()}:
        assert design.find(name) == scanned(design, name), name
    for kind in KINDS:
        assert scanned(design, design.unique_name(kind)) is None


def random_edit(rng: random.Random, design: DesignGraph, removed: list[RemovedBlock], names: set[str]) -> None:
    blocks = [b.id for b in design.blocks()]
    roll = rng.random()
    try:
        if roll < 0.35 or not blocks:
            design.add_block(rng.choice(KINDS), rng.choice([None, *NAMES]))
        elif roll < 0.55:
            removed.append(design.remove_block(rng.choice(blocks)))
        elif roll < 0.7 and removed:
            design.restore_block(removed.pop(rng.randrange(len(removed))))  # undo of a delete
        elif roll < 0.9:
            design.rename_block(rng.choice(blocks), rng.choice(NAMES))
        else:
            with design.batch():  # a pasted or undone batch of edits
                for _ in range(rng.randint(1, 4)):
                    random_edit(rng, design, removed, names)
    except DesignError:
        pass  # a refused edit must leave the index as it was
    names |= {b.name for b in design.blocks()}


@pytest.mark.parametrize("seed", range(8))
def test_the_index_agrees_with_a_scan_after_every_random_edit(seed):
    rng = random.Random(seed)
    design, removed, names = DesignGraph(), [], set(NAMES)
    for _ in range(300):
        random_edit(rng, design, removed, names)
        assert_index_agrees(design, names)


def test_a_snapshot_has_its_own_index():
    design = DesignGraph()
    first = design.add_block("Linear", "fc")
    copy = design.snapshot()
    copy.rename_block(first, "head")
    copy.add_block("ReLU", "fc")
    assert design.find("fc") == first and design.find("head") is None
    assert copy.find("head") == first and copy.find("fc") not in (None, first)
    assert_index_agrees(design, {"fc", "head"})
    assert_index_agrees(copy, {"fc", "head"})


def test_a_name_freed_by_a_rename_or_removal_can_be_taken_again():
    design = DesignGraph()
    fc = design.add_block("Linear", "fc")
    design.rename_block(fc, "head")
    other = design.add_block("Linear", "fc")
    with pytest.raises(DesignError, match="another block is already called 'head'"):
        design.rename_block(other, "head")
    removed = design.remove_block(fc)
    design.rename_block(other, "head")
    with pytest.raises(DesignError, match="another block is already called 'head'"):
        design.restore_block(removed)
    assert design.find("head") == other and fc not in design
    assert design.unique_name("Linear") == "linear_1"
