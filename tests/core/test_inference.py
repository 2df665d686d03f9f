from designer.core.design import Connection, DesignGraph
from designer.core.inference import infer
from designer.core.shapes import format_shape, sliding_size, transposed_size
from tests.helpers import chain, image_input

OUT = ("Output", {})


def shapes(design, report):
    return {design.block(b).name: format_shape(t[0].shape) for b, t in report.outputs.items() if t}


def only_error(report):
    assert len(report.errors) == 1, report.errors
    return report.errors[0]


def test_seed_cnn_shapes():
    d = DesignGraph()
    chain(
        d,
        image_input([1, 28, 28]),
        ("Conv2d", {"out_channels": 32}),
        ("ReLU", {}),
        ("MaxPool2d", {}),
        ("Conv2d", {"out_channels": 64}),
        ("MaxPool2d", {}),
        ("Flatten", {}),
        ("Linear", {"out_features": 10}),
        OUT,
    )
    report = infer(d)
    assert report.ok and not report.problems
    assert shapes(d, report) == {
        "input_1": "N×1×28×28",
        "conv2d_1": "N×32×26×26",
        "relu_1": "N×32×26×26",
        "max_pool2d_1": "N×32×13×13",
        "conv2d_2": "N×64×11×11",
        "max_pool2d_2": "N×64×5×5",
        "flatten_1": "N×1600",
        "linear_1": "N×10",
    }
    assert report.params["b2"]["in_channels"] == 1 and report.params["b8"]["in_features"] == 1600


def test_pinned_linear_names_both_numbers_and_the_fix():
    d = DesignGraph()
    chain(d, image_input([64, 5, 5]), ("Flatten", {}), ("Linear", {"in_features": 3136}), OUT)
    error = only_error(infer(d))
    assert error.block == "linear_1"
    assert error.message == "expects 3136 features but receives 1600 (64×5×5)"
    assert error.fix == "set in_features to 1600, or leave it automatic"


def test_linear_on_unflattened_image_suggests_flatten():
    d = DesignGraph()
    chain(d, image_input([64, 5, 5]), ("Linear", {"in_features": 1600}), OUT)
    assert only_error(infer(d)).fix == "add a Flatten block before it"


def test_attention_heads_must_divide_width():
    d = DesignGraph()
    chain(d, ("Input", {"data": "sequence", "shape": [10, 30]}), ("SelfAttention", {"num_heads": 4}), OUT)
    error = only_error(infer(d))
    assert "30 features cannot be split evenly into 4 heads" in error.message
    assert "1, 2, 3, 5, 6, 10, 15" in error.fix


def test_conv_fed_flat_vector():
    d = DesignGraph()
    chain(d, ("Input", {"data": "features", "shape": [20]}), ("Conv2d", {}), OUT)
    error = only_error(infer(d))
    assert error.message == "expects N×C×H×W input but receives N×20"
    assert "Reshape" in error.fix


def test_cycle_is_reported_on_each_member():
    d = DesignGraph()
    i, a, b = chain(d, ("Input", {"data": "features", "shape": [4]}), ("ReLU", {}), ("Tanh", {}))
    add = d.add_block("Add")
    d.connect(Connection(b, "out", add, "in1"))
    d.connect(Connection(i, "out", add, "in2"))
    d.disconnect(Connection(i, "out", a, "in"))
    d.connect(Connection(add, "out", a, "in"))
    report = infer(d)
    cycle = [p for p in report.errors if "cycle" in p.message]
    assert {p.block for p in cycle} == {"relu_1", "tanh_1", "add_1"}
    assert "remove one of the connections" in cycle[0].fix


def test_unconnected_input_and_missing_blocks():
    d = DesignGraph()
    d.add_block("ReLU")
    report = infer(d)
    messages = {str(p) for p in report.errors}
    assert "relu_1: input in is not connected — fix: connect another block's output to it, or delete this block" in (
        messages
    )
    assert any("no Input block" in m for m in messages) and any("no Output block" in m for m in messages)


def test_errors_do_not_cascade():
    d = DesignGraph()
    chain(d, ("Input", {"data": "features", "shape": [20]}), ("Conv2d", {}), ("ReLU", {}), ("Linear", {}), OUT)
    assert [p.block for p in infer(d).errors] == ["conv2d_1"]


def test_unused_output_is_a_warning():
    d = DesignGraph()
    i, _ = chain(d, ("Input", {"data": "features", "shape": [4]}), OUT)
    d.add_block("ReLU")
    d.connect(Connection(i, "out", "b3", "in"))
    report = infer(d)
    assert report.ok
    assert [(p.block, p.severity, p.message) for p in report.problems] == [("relu_1", "warning", "output is not used")]


def test_recurrent_output_choice_and_symbolic_length():
    d = DesignGraph()
    seq = ("Input", {"data": "sequence", "shape": [12, 8], "variable_length": True})
    chain(
        d,
        seq,
        ("LSTM", {"hidden_size": 16, "bidirectional": True}),
        ("GRU", {"hidden_size": 5, "output": "last step"}),
        OUT,
    )
    assert shapes(d, infer(d)) == {"input_1": "N×T×8", "lstm_1": "N×T×32", "gru_1": "N×5"}


def test_conv_over_varying_length_keeps_a_readable_symbol():
    d = DesignGraph()
    seq = ("Input", {"data": "sequence", "shape": [12, 8], "variable_length": True})
    chain(
        d,
        seq,
        ("Permute", {"dims": [0, 2, 1]}),
        ("Conv1d", {"kernel_size": 3}),
        ("MaxPool1d", {}),
        ("Conv1d", {"padding": "same"}),
        ("AdaptiveAvgPool1d", {}),
        ("Flatten", {}),
        ("Linear", {}),
        OUT,
    )
    report = infer(d)
    assert report.ok
    got = shapes(d, report)
    assert got["conv1d_1"] == "N×16×T-2" and got["max_pool1d_1"] == "N×16×⌊(T-4)/2⌋+1"
    assert got["flatten_1"] == "N×16"


def test_linear_needs_fixed_features():
    d = DesignGraph()
    chain(
        d,
        ("Input", {"data": "sequence", "shape": [12, 8], "variable_length": True}),
        ("Flatten", {}),
        ("Linear", {}),
        OUT,
    )
    error = only_error(infer(d))
    assert "varies with the input" in error.message


def test_merges_check_shapes():
    d = DesignGraph()
    i = d.add_block("Input", params={"data": "image", "shape": [3, 8, 8]})
    a = d.add_block("Conv2d", params={"out_channels": 8})
    b = d.add_block("Conv2d", params={"out_channels": 4})
    add = d.add_block("Add")
    cat = d.add_block("Concat")
    for conv in (a, b):
        d.connect(Connection(i, "out", conv, "in"))
    d.connect(Connection(a, "out", add, "in1"))
    d.connect(Connection(b, "out", add, "in2"))
    d.connect(Connection(a, "out", cat, "in1"))
    d.connect(Connection(b, "out", cat, "in2"))
    out = d.add_block("Output", params={"task": "regression"})
    d.connect(Connection(cat, "out", out, "in"))
    report = infer(d)
    assert only_error(report).message == "in2 is N×4×6×6 but in1 is N×8×6×6; the shapes must match"
    assert format_shape(report.outputs[cat][0].shape) == "N×12×6×6"


def test_classification_output_needs_scores_per_class():
    d = DesignGraph()
    chain(d, image_input([1, 8, 8]), ("Output", {"task": "classification"}))
    assert "N×classes" in only_error(infer(d)).message
    d = DesignGraph()
    chain(d, ("Input", {"data": "features", "shape": [4]}), ("Linear", {"out_features": 5}), ("Output", {"units": 10}))
    error = only_error(infer(d))
    assert (error.message, error.fix) == ("expects 10 classes but receives 5", "set units to 5, or leave it automatic")


def test_kernel_larger_than_input():
    d = DesignGraph()
    chain(d, image_input([1, 4, 4]), ("Conv2d", {"kernel_size": 7}), OUT)
    error = only_error(infer(d))
    assert "larger than its input (4×4)" in error.message and "padding" in error.fix


def test_embedding_needs_tokens_and_reshape_counts():
    d = DesignGraph()
    chain(d, ("Input", {"data": "features", "shape": [4]}), ("Embedding", {}), OUT)
    assert "expects integer tokens" in only_error(infer(d)).message
    d = DesignGraph()
    chain(d, ("Input", {"data": "features", "shape": [12]}), ("Reshape", {"shape": [5, -1]}), OUT)
    assert "12 is not a multiple of 5" in only_error(infer(d)).message


def test_size_arithmetic_matches_torch_formulas():
    assert sliding_size(28, 3, 1, 0) == 26
    assert sliding_size(7, 3, 2, 1) == 4
    assert sliding_size(7, 2, 2, 0, ceil=True) == 4
    assert sliding_size(10, 3, 1, 2, dilation=2) == 10
    assert transposed_size(4, 3, 2, 1, 1, 1) == 8
    assert sliding_size("T", 3, 1, 1) == "T"
