"""Every shipped template compiles to a network whose real tensors and parameters are what Designer shows."""

import pytest
import torch

from designer.compiler.compile import compile_design
from designer.core.inference import infer
from designer.core.summary import summarize
from designer.core.templates import list_templates, load_template
from tests.compiler.harness import assert_counts_match, assert_edges_match, real_inputs

TEMPLATES = [t.name for t in list_templates()]
LENGTHS = (4, 11)
"""Lengths tried for inputs whose length varies."""


def compiled(name):
    design = load_template(name).design
    report = infer(design)
    assert report.ok, report.problems
    return design, report, compile_design(design, report).eval()


def varies(design):
    return any(b.kind == "Input" and b.params["variable_length"] for b in design.blocks())


def test_there_are_templates_with_fixed_and_with_varying_lengths():
    kinds = {varies(load_template(name).design) for name in TEMPLATES}
    assert len(TEMPLATES) >= 7 and kinds == {False, True}


@pytest.mark.parametrize("batch", [1, 5])
@pytest.mark.parametrize("name", TEMPLATES)
def test_every_edge_carries_the_inferred_shape(name, batch):
    torch.manual_seed(0)
    design, report, gm = compiled(name)
    for length in LENGTHS if varies(design) else (None,):
        assert_edges_match(design, report, gm, batch, length)


@pytest.mark.parametrize("name", TEMPLATES)
def test_parameter_counts_are_those_of_the_compiled_network(name):
    design, report, gm = compiled(name)
    assert_counts_match(design, report, gm)
    assert summarize(design, report).total_params == sum(p.numel() for p in gm.parameters())


@pytest.mark.parametrize("name", TEMPLATES)
def test_output_has_one_value_per_declared_unit(name):
    torch.manual_seed(0)
    design, report, gm = compiled(name)
    (output,) = [b for b in design.blocks() if b.kind == "Output"]
    with torch.no_grad():
        result = gm(*real_inputs(design, 2, LENGTHS[0]))
    assert result.shape == (2, report.params[output.id]["units"])
    assert torch.isfinite(result).all()
