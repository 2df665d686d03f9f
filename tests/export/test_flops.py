"""Designer's FLOPs and parameter counts are those torch's own counter finds on the compiled network.

torch's fused CPU kernels (oneDNN's LSTM, the fast path of attention in evaluation mode, the flash attention
kernel) are invisible to ``FlopCounterMode``; the counter runs with torch's reference kernels, which compute
the same thing through the matrix products it counts.
"""

import contextlib
import warnings

import pytest
import torch
from torch.nn.attention import SDPBackend, sdpa_kernel
from torch.utils.flop_counter import FlopCounterMode

from designer.compiler.compile import compile_design
from designer.core.analysis import declared_length
from designer.core.inference import infer
from designer.core.summary import summarize
from designer.core.templates import list_templates, load_template
from tests.compiler.harness import real_inputs
from tests.compiler.test_inference_matches_torch import GENERATORS, draw

COMBINATIONS = 4


@contextlib.contextmanager
def reference_kernels():
    fast = torch.backends.mha.get_fastpath_enabled()
    torch.backends.mha.set_fastpath_enabled(False)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # oneDNN's note about TF32 on Intel GPUs
            with torch.backends.mkldnn.flags(enabled=False), sdpa_kernel(SDPBackend.MATH):
                yield
    finally:
        torch.backends.mha.set_fastpath_enabled(fast)


def torch_flops(gm, design, length):
    """What FlopCounterMode counts per sample, per submodule name and in total.

    It counts a batch of 2 (group norm refuses a single value per group), and every count grows with the batch.
    """
    gm.eval()
    with reference_kernels(), FlopCounterMode(display=False) as counter, torch.no_grad():
        gm(*real_inputs(design, 2, length))
    counts = counter.get_flop_counts()
    per_module = {name.split(".", 1)[1]: sum(c.values()) // 2 for name, c in counts.items() if "." in name}
    assert counter.get_total_flops() % 2 == 0
    return counter.get_total_flops() // 2, per_module


def test_fused_kernels_hide_flops_from_torch_and_designer_counts_them():
    design = load_template("lstm-classifier").design
    gm = compile_design(design).eval()
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        gm(*real_inputs(design, 1, 24))
    assert counter.get_total_flops() == 2 * 128 * 2  # only the classifier: the LSTM ran in one fused kernel
    assert summarize(design, infer(design)).total_flops == torch_flops(gm, design, 24)[0]


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("index", range(COMBINATIONS))
@pytest.mark.parametrize("kind", GENERATORS)
def test_every_block_kind(kind, index):
    design, report = draw(kind, index)
    gm = compile_design(design, report)
    declared = declared_length(design)
    for length in (declared, declared + 3) if declared else (None,):
        summary = summarize(design, report, length=length)
        assert summary.total_flops == torch_flops(gm, design, length)[0]


@pytest.mark.parametrize("name", [t.name for t in list_templates()])
def test_every_template_block_by_block(name):
    design = load_template(name).design
    report = infer(design)
    gm = compile_design(design, report)
    summary = summarize(design, report)
    total, per_module = torch_flops(gm, design, declared_length(design))
    assert summary.total_flops == total > 0
    for row in summary.blocks:
        assert row.flops == per_module.get(row.name, 0), row.name
    assert summary.total_params == sum(p.numel() for p in gm.parameters())
