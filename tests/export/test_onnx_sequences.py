"""Recurrent and attention networks exported at one batch size and length run at others in onnxruntime.

The two attention blocks are chained in one design, so that one dynamo export (seconds) covers both. Recurrent
blocks in sequence are in test_recurrent_export.py.
"""

import numpy as np
import onnx
import onnxruntime
import pytest
import torch

from designer.compiler.compile import compile_design
from designer.export.exporter import export_model
from tests.compiler.harness import block_design, randomize
from tests.export.helpers import trained_weights

SEQUENCE = {"data": "sequence", "shape": [12, 6], "variable_length": True}
CASES = {
    "lstm-3-layers-bidirectional": (
        [("LSTM", {"hidden_size": 5, "num_layers": 3, "bidirectional": True})],
        {"LSTM": 3},  # one recurrent operator per layer, not the steps unrolled
    ),
    "gru-2-layers-bidirectional-last-step": (
        [("GRU", {"hidden_size": 4, "num_layers": 2, "bidirectional": True, "output": "last step"})],
        {"GRU": 2},
    ),
    "causal-self-attention-then-encoder-layer-pre-norm-gelu": (
        [
            ("SelfAttention", {"num_heads": 3, "causal": True}),
            ("TransformerEncoderLayer", {"nhead": 2, "dim_feedforward": 16, "activation": "gelu", "norm_first": True}),
        ],
        {},
    ),
}


@pytest.mark.parametrize(("blocks", "operators"), CASES.values(), ids=CASES)
def test_exported_at_one_size_and_run_at_others(tmp_path, blocks, operators):
    (kind, params), *after = blocks
    design = block_design(kind, params, [SEQUENCE], post=after)
    weights = trained_weights(design, tmp_path / "trained.pt")
    result = export_model(design, "onnx", tmp_path / "model.onnx", weights=weights)
    assert result.passed, result.lines()
    assert {(r.batch, r.length) for r in result.parity.runs} == {(b, n) for b in (1, 3, 17) for n in (12, 8)}
    proto = onnx.load(tmp_path / "model.onnx")
    for op_type, count in operators.items():
        assert [n.op_type for n in proto.graph.node].count(op_type) == count

    module = compile_design(design)
    module.load_state_dict(torch.load(weights, weights_only=True))
    module.eval()
    session = onnxruntime.InferenceSession(tmp_path / "model.onnx", providers=["CPUExecutionProvider"])
    for batch, length in ((5, 30), (2, 3)):
        x = torch.randn(batch, length, 6)
        (got,) = session.run(None, {"x1": x.numpy()})
        with torch.no_grad():
            want = module(x).numpy()
        np.testing.assert_allclose(got, want, atol=1e-5, rtol=1e-4)


def test_randomized_weights_change_the_outputs(tmp_path):
    """The parity above would be empty if trained weights were ignored: they must change what the model computes."""
    design = block_design("LSTM", {"hidden_size": 3}, [SEQUENCE])
    module = compile_design(design).eval()
    x = torch.randn(2, 12, 6)
    with torch.no_grad():
        before = module(x)
        after = randomize(module)(x)
    assert not torch.allclose(before, after)
