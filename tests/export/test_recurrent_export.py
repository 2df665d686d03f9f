"""Recurrent blocks in sequence export to ONNX with a varying length: every ordered pair of RNN, LSTM and GRU.

torch's exporter used to fix the traced length between two recurrent blocks (in a Reshape the ONNX optimizer
folded), and to unroll an Elman RNN over the traced steps; the parity check refused those files, so such designs
could not be exported. One chain holds every pair, so that one export covers them all: its cost grows with the
recurrent layers (about 1 s of processor time each), not with the length. A chain of all 27 triples passes too,
but takes about a minute.
"""

import itertools

import numpy as np
import onnx
import onnxruntime
import torch

from designer.compiler.compile import compile_design
from designer.export.exporter import export_model
from tests.compiler.harness import block_design
from tests.export.helpers import trained_weights

KINDS = {"R": "RNN", "L": "LSTM", "G": "GRU"}
EVERY_PAIR = "RRLRGLLGGR"
"""A de Bruijn sequence: each ordered pair of kinds stands side by side somewhere in it."""
SEQUENCE = {"data": "sequence", "shape": [12, 4], "variable_length": True}
VARIATIONS = {2: {"num_layers": 2}, 3: {"nonlinearity": "relu"}, 9: {"num_layers": 2, "output": "last step"}}
"""Beside every other block being bidirectional: two layers, a ReLU RNN, and a last block giving its final state."""


def recurrent_chain():
    """Input → the chain of EVERY_PAIR (odd places bidirectional, hidden sizes 3 to 5) → Linear → Output."""
    blocks = [
        (KINDS[letter], {"hidden_size": 3 + place % 3, "bidirectional": place % 2 == 1, **VARIATIONS.get(place, {})})
        for place, letter in enumerate(EVERY_PAIR)
    ]
    (kind, params), *after = blocks
    return block_design(kind, params, [SEQUENCE], post=[*after, ("Linear", {"out_features": 2})])


def test_the_chain_holds_every_ordered_pair_of_kinds():
    pairs = {EVERY_PAIR[i : i + 2] for i in range(len(EVERY_PAIR) - 1)}
    assert pairs == {"".join(pair) for pair in itertools.product(KINDS, repeat=2)}
    kinds = [block.kind for block in recurrent_chain().blocks()]
    assert [kind for kind in kinds if kind in KINDS.values()] == [KINDS[letter] for letter in EVERY_PAIR]


def test_every_pair_of_recurrent_kinds_exports_with_a_varying_length(tmp_path):
    design = recurrent_chain()
    weights = trained_weights(design, tmp_path / "trained.pt")
    result = export_model(design, "onnx", tmp_path / "chain.onnx", weights=weights)
    assert result.passed, result.lines()
    assert {r.length for r in result.parity.runs} == {12, 8}

    nodes = [n.op_type for n in onnx.load(tmp_path / "chain.onnx").graph.node]
    layers = {kind: 0 for kind in KINDS.values()}
    for place, letter in enumerate(EVERY_PAIR):
        layers[KINDS[letter]] += VARIATIONS.get(place, {}).get("num_layers", 1)
    assert {kind: nodes.count(kind) for kind in layers} == layers  # one operator per layer: no step unrolled
    assert "Loop" not in nodes

    module = compile_design(design)
    module.load_state_dict(torch.load(weights, weights_only=True))
    module.eval()
    session = onnxruntime.InferenceSession(tmp_path / "chain.onnx", providers=["CPUExecutionProvider"])
    for batch, length in ((5, 30), (2, 3), (1, 1)):
        x = torch.randn(batch, length, 4)
        (got,) = session.run(None, {"x1": x.numpy()})
        with torch.no_grad():
            want = module(x).numpy()
        np.testing.assert_allclose(got, want, atol=1e-5, rtol=1e-4)
