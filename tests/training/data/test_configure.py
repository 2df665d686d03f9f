"""Fitting a design to a dataset: which parameters change, the messages, and a design that checks clean after."""

from __future__ import annotations

import itertools

import numpy as np

import designer
from designer.core.design import Connection, DesignGraph
from designer.core.inference import infer
from designer.training.data import load_dataset
from designer.training.data.configure import DesignChange, apply_changes, changes_to_fit
from designer.training.dataset import Dataset


def test_a_digits_network_given_iris_takes_four_features_and_three_classes() -> None:
    design = designer.new_project("lenet-digits").design
    changes = changes_to_fit(design, load_dataset({"source": "iris"}))
    image, fc2 = design.find("image"), design.find("fc2")
    assert [(c.block_id, c.param, c.old, c.new) for c in changes] == [
        (image, "data", "image", "features"),
        (image, "shape", [1, 8, 8], [4]),
        (fc2, "out_features", 10, 3),
    ]
    assert changes[2].message == "fc2: out_features 10 → 3, one score per class (3 classes)"


def test_tabular_design_given_wine_changes_shape_and_checks_clean_after() -> None:
    design = designer.new_project("mlp-tabular").design
    changes = changes_to_fit(design, load_dataset({"source": "wine"}))
    assert [c.message for c in changes] == ["features: shape 4 → 13, one sample of wine"]
    apply_changes(design, changes)
    assert infer(design).ok and changes_to_fit(design, load_dataset({"source": "wine"})) == []


def test_tokens_get_their_vocabulary_size() -> None:
    design = designer.new_project("transformer-classifier").design
    data = load_dataset({"source": "token-classification", "vocab_size": 37, "samples": 100})
    assert changes_to_fit(design, data) == [
        DesignChange(
            design.find("tokens"), "vocab_size", 100, 37, "tokens: vocab_size 100 → 37, the dataset's token ids"
        )
    ]


def test_output_units_are_pinned_when_no_linear_feeds_the_output_so_the_check_names_the_mismatch() -> None:
    design = DesignGraph()
    blocks = [
        design.add_block("Input", "x", {"data": "features", "shape": [3]}),
        design.add_block("Linear", "fc", {"out_features": 5}),
        design.add_block("ReLU", "act"),
        design.add_block("Output", "y"),
    ]
    for source, target in itertools.pairwise(blocks):
        design.connect(Connection(source, "out", target, "in"))
    x, y = np.zeros((6, 3), np.float32), np.zeros((6, 2), np.float32)
    regression = Dataset("r", "regression", "features", x, y, x, y)
    changes = changes_to_fit(design, regression)
    assert [(c.param, c.old, c.new) for c in changes] == [("task", "classification", "regression"), ("units", None, 2)]
    apply_changes(design, changes)
    assert [p.block for p in infer(design).errors] == ["y"]
