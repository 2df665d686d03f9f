"""The analysis' training memory against what torch's autograd really keeps for the backward pass (CPU, float32).

Each block kind declares what it keeps (``count_saved``); here the whole-design estimate is compared with the
bytes of the distinct tensors that ``saved_tensors_hooks`` sees, for every template and every block kind, at two
batch sizes. The estimates are exact. The one allowance: LSTM's workspace is oneDNN's, whose layout is modelled
from its padding and page rounding (see ``designer.core.blocks.recurrent``); a later oneDNN may lay it out
differently, so for LSTM designs the test allows 10 %.
"""

import pytest

from designer.core.blocks import REGISTRY
from designer.core.design import Connection, DesignGraph
from designer.core.inference import infer
from designer.core.summary import summarize
from designer.core.templates import list_templates, load_template
from tests.compiler.harness import block_design
from tests.export.helpers import saved_for_backward
from tests.helpers import chain

BATCHES = (3, 8)
LENGTH = 6

FEATURES = {"data": "features", "shape": [12]}
SEQUENCE = {"data": "sequence", "shape": [LENGTH, 8]}
IMAGE = {"data": "image", "shape": [4, 6, 6]}
TOKENS = {"data": "tokens", "shape": [LENGTH], "vocab_size": 13}
BEFORE = {
    "features": [("Linear", {"out_features": 12})],
    "sequence": [("Linear", {"out_features": 8})],
    "image": [("Conv2d", {"out_channels": 4, "kernel_size": 1})],
    "tokens": [],
}
"""A block with weights ahead of the block under test, so that its input needs a gradient as inside a network."""

CASES = [
    ("ReLU", {}, FEATURES),
    ("LeakyReLU", {}, FEATURES),
    ("GELU", {}, FEATURES),
    ("GELU", {"approximate": "tanh"}, FEATURES),
    ("SiLU", {}, FEATURES),
    ("Tanh", {}, FEATURES),
    ("Sigmoid", {}, FEATURES),
    ("Softmax", {}, FEATURES),
    ("Dropout", {"p": 0.5}, FEATURES),
    ("Dropout", {"p": 0.0}, FEATURES),
    ("Dropout2d", {"p": 0.5}, IMAGE),
    ("Linear", {"out_features": 5}, FEATURES),
    ("BatchNorm1d", {}, FEATURES),
    ("BatchNorm2d", {}, IMAGE),
    ("LayerNorm", {}, SEQUENCE),
    ("GroupNorm", {"num_groups": 2}, IMAGE),
    ("LocalResponseNorm", {"size": 3}, IMAGE),
    ("LocalResponseNorm", {"size": 4}, {"data": "sequence", "shape": [5, LENGTH]}),
    ("Conv1d", {"out_channels": 5, "kernel_size": 3}, SEQUENCE),
    ("Conv2d", {"out_channels": 5, "kernel_size": 3}, IMAGE),
    ("ConvTranspose2d", {"out_channels": 5, "kernel_size": 3}, IMAGE),
    ("MaxPool1d", {"kernel_size": 2}, SEQUENCE),
    ("MaxPool2d", {"kernel_size": 2}, IMAGE),
    ("AvgPool1d", {"kernel_size": 2}, SEQUENCE),
    ("AvgPool2d", {"kernel_size": 2}, IMAGE),
    ("AdaptiveAvgPool1d", {"output_size": 1}, SEQUENCE),
    ("AdaptiveAvgPool2d", {"output_size": 1}, IMAGE),
    ("AdaptiveAvgPool2d", {"output_size": 2}, IMAGE),
    ("Flatten", {}, IMAGE),
    ("Reshape", {"shape": [48]}, SEQUENCE),
    ("Permute", {"dims": [0, 2, 1]}, SEQUENCE),
    ("RNN", {"hidden_size": 5}, SEQUENCE),
    ("RNN", {"hidden_size": 5, "num_layers": 2, "bidirectional": True, "dropout": 0.5}, SEQUENCE),
    ("RNN", {"hidden_size": 5, "nonlinearity": "relu"}, SEQUENCE),
    ("GRU", {"hidden_size": 5, "output": "last step", "num_layers": 3}, SEQUENCE),
    ("GRU", {"hidden_size": 5, "num_layers": 2, "bidirectional": True}, SEQUENCE),
    ("LSTM", {"hidden_size": 20}, SEQUENCE),
    ("LSTM", {"hidden_size": 20, "num_layers": 2, "bidirectional": True, "dropout": 0.5}, SEQUENCE),
    ("LSTM", {"hidden_size": 20, "num_layers": 2, "output": "last step"}, SEQUENCE),
    ("SelfAttention", {"num_heads": 2}, SEQUENCE),
    ("SelfAttention", {"num_heads": 2, "causal": True}, SEQUENCE),
    ("SelfAttention", {"num_heads": 2, "dropout": 0.5}, SEQUENCE),
    ("TransformerEncoderLayer", {"nhead": 2, "dim_feedforward": 16, "dropout": 0.0}, SEQUENCE),
    ("TransformerEncoderLayer", {"nhead": 2, "dim_feedforward": 16, "activation": "gelu"}, SEQUENCE),
    ("TransformerEncoderLayer", {"nhead": 2, "dim_feedforward": 16, "norm_first": True}, SEQUENCE),
    ("PositionalEncoding", {}, SEQUENCE),
    ("PositionalEncoding", {"encoding": "learned", "dropout": 0.1}, SEQUENCE),
    ("Embedding", {"embedding_dim": 4}, TOKENS),
    ("Add", {}, FEATURES),
    ("Multiply", {}, FEATURES),
    ("Concat", {}, FEATURES),
]


def estimate(design, batch, length=None):
    return summarize(design, infer(design), batch_size=batch, length=length).analysis.activation_bytes


def tolerance(design):
    return 0.10 if any(b.kind == "LSTM" for b in design.blocks()) else 0.0


def block_under_test(kind, params, given):
    layout = given["data"]
    inputs = [given] * params.get("inputs", 2) if kind in {"Add", "Multiply", "Concat"} else [given]
    return block_design(kind, params, inputs, pre=BEFORE[layout])


@pytest.mark.parametrize("template", [t.name for t in list_templates()])
def test_every_template_keeps_what_torch_keeps(template):
    design = load_template(template).design
    for batch in BATCHES:
        measured = saved_for_backward(design, batch, LENGTH)
        assert estimate(design, batch, LENGTH) == pytest.approx(measured, rel=tolerance(design)), batch


@pytest.mark.parametrize(("kind", "params", "given"), CASES, ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(CASES)])
def test_every_block_kind_keeps_what_torch_keeps(kind, params, given):
    design = block_under_test(kind, params, given)
    for batch in BATCHES:
        measured = saved_for_backward(design, batch, LENGTH)
        assert estimate(design, batch) == pytest.approx(measured, rel=tolerance(design)), batch


def test_every_block_kind_is_tried():
    assert {k for k, _, _ in CASES} == set(REGISTRY) - {"Input", "Output", "OnnxOp"}


@pytest.mark.parametrize("weighted", [(True, True, True), (True, False), (False, True), (True, True)])
def test_a_product_keeps_each_factor_for_the_others_gradients(weighted):
    design = DesignGraph()
    product = design.add_block("Multiply", "product", {"inputs": len(weighted)})
    for port, has_weights in enumerate(weighted, start=1):
        blocks = [("Input", FEATURES)] + ([("Linear", {"out_features": 12})] if has_weights else [])
        design.connect(Connection(chain(design, *blocks)[-1], "out", product, f"in{port}"))
    chain(design, ("Output", {"task": "regression"}), start=product)
    for batch in BATCHES:
        assert estimate(design, batch) == saved_for_backward(design, batch)


def test_a_block_with_no_gradient_to_pass_keeps_nothing():
    design = block_design("MaxPool2d", {"kernel_size": 2}, [IMAGE])
    assert estimate(design, 4) == saved_for_backward(design, 4) == 0


def test_training_memory_is_weights_gradients_optimiser_state_and_what_backward_keeps():
    design = load_template("seed-cnn").design
    analysis = summarize(design, infer(design), batch_size=8, optimizer="sgd").analysis
    assert analysis.training_bytes == 3 * analysis.weight_bytes + saved_for_backward(design, 8)
