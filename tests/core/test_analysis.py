"""Memory and the sizes it is worked out at; FLOPs against torch's counter are in tests/export/test_flops.py."""

import pytest

from designer.core.analysis import OPTIMIZER_STATES, concrete_shape, format_bytes, format_flops
from designer.core.inference import infer
from designer.core.summary import summarize
from designer.core.templates import load_template


def summary_of(template, **options):
    design = load_template(template).design
    return design, summarize(design, infer(design), **options)


@pytest.mark.parametrize(
    ("size", "value"), [("N", 3), ("⌊(T-2)/3⌋+1", 3), ("⌈(T-2)/3⌉+1", 4), ("2·T-1", 19), ("T+5+T", 25), ("3·(T-2)", 24)]
)
def test_symbolic_sizes_are_evaluated_as_written(size, value):
    assert concrete_shape((size, 4), {"N": 3, "T": 10}) == (value, 4)


def test_a_size_expression_runs_no_code():
    with pytest.raises(ValueError, match="not a size expression"):
        concrete_shape(("__import__('os')",), {"N": 1})


def test_activation_memory_is_what_each_block_keeps_for_the_backward_pass():
    _, summary = summary_of("seed-cnn", batch_size=2)
    kept = {b.name: b.activation_bytes for b in summary.blocks}
    # Conv and Linear keep their input (counted where it is made), ReLU its output, max pooling its input and
    # int64 indices; a Flatten's output is a view; the last Linear's output is kept by no one.
    assert kept == {
        "image": 2 * 28 * 28 * 4,
        "conv1": 0,
        "relu1": 2 * 32 * 26 * 26 * 4,
        "pool1": 2 * 32 * 13 * 13 * (8 + 4),
        "conv2": 0,
        "relu2": 2 * 64 * 11 * 11 * 4,
        "pool2": 2 * 64 * 5 * 5 * (8 + 4),
        "flatten": 0,
        "fc1": 0,
        "relu3": 2 * 128 * 4,
        "fc2": 0,
        "digit": 0,
    }
    assert summary.analysis.activation_bytes == sum(kept.values())


@pytest.mark.parametrize(("optimizer", "states"), [("adam", 2), ("adamw", 2), ("sgd", 1)])
def test_training_memory_is_weights_gradients_optimiser_state_and_activations(optimizer, states):
    _, summary = summary_of("seed-cnn", batch_size=8, optimizer=optimizer)
    analysis = summary.analysis
    assert OPTIMIZER_STATES[optimizer] == states
    assert analysis.weight_bytes == 225_034 * 4
    assert analysis.training_bytes == (2 + states) * 225_034 * 4 + analysis.activation_bytes


def test_varying_lengths_are_counted_at_the_declared_length_or_the_one_given():
    _, declared = summary_of("lstm-classifier")
    _, longer = summary_of("lstm-classifier", length=48)
    assert (declared.analysis.sequence_length, longer.analysis.sequence_length) == (24, 48)
    lstm = [b.flops for s in (declared, longer) for b in s.blocks if b.name == "lstm"]
    assert lstm[1] == 2 * lstm[0]
    lstm = [next(b for b in s.blocks if b.name == "lstm").activation_bytes for s in (declared, longer)]
    assert lstm[1] > lstm[0]
    assert summary_of("seed-cnn", length=48)[1].analysis.sequence_length is None


def test_rows_carry_the_block_id():
    design, summary = summary_of("lenet-digits")
    assert [r.block_id for r in summary.blocks] == [design.find(r.name) for r in summary.blocks]


def test_blocks_after_a_problem_have_no_figures():
    design = load_template("seed-cnn").design
    design.set_param(design.find("conv2"), "in_channels", 5)
    rows = {r.name: r for r in summarize(design, infer(design)).blocks}
    assert rows["conv2"].flops is None and rows["fc1"].activation_bytes is None
    assert rows["conv1"].flops == 2 * 32 * 26 * 26 * 9


def test_formatting():
    assert (format_bytes(512), format_bytes(17_512_960), format_flops(5_262_080)) == (
        "512 B",
        "16.7 MiB",
        "5.26 MFLOPs",
    )
