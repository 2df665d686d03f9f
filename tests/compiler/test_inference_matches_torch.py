"""What infer() predicts, shapes and parameter counts, is what the compiled network really has.

For every block kind, several random parameter combinations (reproducible: each is seeded by its test id) are
wrapped as ``Input → [pre] → block → [post] → Output``; combinations that the shape rules refuse are drawn again.
Every block's inferred output type must match the tensor a forward pass at batch 3 produces (varying lengths
at two sizes), and its ``count_params`` must match its submodule's parameters.
"""

import math
import random
from dataclasses import dataclass, field, replace

import pytest
import torch

from designer.compiler.compile import compile_design
from designer.core.blocks import REGISTRY
from designer.core.inference import infer
from tests.compiler.harness import BLOCK, assert_counts_match, assert_edges_match, block_design, concrete

BATCH = 3
COMBINATIONS = 12
PERMUTE = ("Permute", {"dims": [0, 2, 1]})


@dataclass
class Case:
    inputs: list[dict]
    params: dict = field(default_factory=dict)
    pre: list[tuple[str, dict]] = field(default_factory=list)
    """Blocks between the first Input and the block under test."""
    post: list[tuple[str, dict]] = field(default_factory=list)
    """Blocks between the block under test and the Output (which needs a fixed last dimension)."""


# ---- inputs ----------------------------------------------------------------------------------------
def features(rng):
    return Case([{"data": "features", "shape": [rng.randint(1, 6)]}])


def sequence(rng, width=None, min_len=1, variable=None):
    """N×T×F, with a fixed or varying T."""
    variable = rng.random() < 0.5 if variable is None else variable
    shape = [rng.randint(min_len, min_len + 5), width or rng.randint(1, 6)]
    return Case([{"data": "sequence", "shape": shape, "variable_length": variable}])


def image(rng, channels=None, min_size=1):
    size = [rng.randint(min_size, min_size + 5), rng.randint(min_size, min_size + 5)]
    return Case([{"data": "image", "shape": [channels or rng.randint(1, 4), *size]}])


def signal(rng, channels=None, min_len=1):
    """N×C×L: a fixed-length sequence read as channels × length, or a varying one permuted to that layout."""
    channels = channels or rng.randint(1, 4)
    if rng.random() < 0.5:
        return Case([{"data": "sequence", "shape": [channels, rng.randint(min_len, min_len + 6)]}])
    case = sequence(rng, channels, min_len, variable=True)
    return Case(case.inputs, pre=[PERMUTE], post=[PERMUTE])


def spatial(rng, dims, channels=None, min_size=1):
    return signal(rng, channels, min_size) if dims == 1 else image(rng, channels, min_size)


def tokens(rng):
    length = [rng.randint(1, 6)]
    return Case([{"data": "tokens", "shape": length, "variable_length": rng.random() < 0.5, "vocab_size": 7}])


def any_float(rng):
    return rng.choice([features, sequence, image])(rng)


def with_params(case, **params):
    case.params = params
    return case


# ---- one generator per block kind ------------------------------------------------------------------
def conv(dims):
    def generate(rng):
        groups = rng.choice([1, 1, 2, 3])
        kernel, dilation = rng.randint(1, 4), rng.randint(1, 3)
        padding = rng.choice(["same", "valid", 0, 1, 2])
        channels = groups * rng.randint(1, 2)
        case = spatial(rng, dims, channels, min_size=dilation * (kernel - 1) + 1)
        return with_params(
            case,
            out_channels=groups * rng.randint(1, 3),
            kernel_size=kernel,
            stride=1 if padding == "same" else rng.randint(1, 3),
            padding=padding,
            dilation=dilation,
            groups=groups,
            bias=rng.random() < 0.5,
        )

    return generate


def conv_transpose(rng):
    stride, dilation, groups = rng.randint(1, 3), rng.randint(1, 2), rng.choice([1, 2])
    return with_params(
        image(rng, groups * rng.randint(1, 2)),
        out_channels=groups * rng.randint(1, 3),
        kernel_size=rng.randint(1, 4),
        stride=stride,
        padding=rng.randint(0, 2),
        output_padding=rng.randint(0, max(stride, dilation) - 1),
        dilation=dilation,
        groups=groups,
        bias=rng.random() < 0.5,
    )


def window(dims):
    def generate(rng):
        kernel = rng.randint(1, 4)
        stride = rng.choice([None, 1, 2, 3])
        padding = rng.randint(0, kernel // 2)
        return with_params(spatial(rng, dims, min_size=kernel), kernel_size=kernel, stride=stride, padding=padding)

    return generate


def adaptive(dims):
    return lambda rng: with_params(spatial(rng, dims), output_size=rng.randint(1, 5))


def recurrent(kind):
    def generate(rng):
        layers = rng.randint(1, 3)
        extra = {"nonlinearity": rng.choice(["tanh", "relu"])} if kind == "RNN" else {}
        return with_params(
            sequence(rng),
            hidden_size=rng.randint(1, 6),
            num_layers=layers,
            bidirectional=rng.random() < 0.5,
            dropout=0.0 if layers == 1 else rng.choice([0.0, 0.3]),
            output=rng.choice(["sequence", "last step"]),
            bias=rng.random() < 0.5,
            **extra,
        )

    return generate


def self_attention(rng):
    heads, flags = rng.randint(1, 4), [rng.random() < 0.5 for _ in range(2)]
    case = sequence(rng, heads * rng.randint(1, 3))
    return with_params(case, num_heads=heads, causal=flags[0], bias=flags[1], dropout=rng.choice([0.0, 0.1]))


def encoder_layer(rng):
    heads = rng.randint(1, 4)
    return with_params(
        sequence(rng, heads * rng.randint(1, 3)),
        nhead=heads,
        dim_feedforward=rng.randint(1, 12),
        activation=rng.choice(["relu", "gelu"]),
        norm_first=rng.random() < 0.5,
    )


def positional(rng):
    case = sequence(rng)
    max_len = case.inputs[0]["shape"][0] + rng.randint(3, 6)  # room for the longer of the two lengths tried
    return with_params(case, encoding=rng.choice(["sinusoidal", "learned"]), max_len=max_len)


def embedding(rng):
    return with_params(tokens(rng), embedding_dim=rng.randint(1, 6), padding_idx=rng.choice([None, 0, 6]))


def batch_norm1d(rng):
    case = rng.choice([features, signal])(rng)
    return with_params(case, eps=1e-3, momentum=rng.random(), affine=rng.random() < 0.5)


def group_norm(rng):
    groups = rng.randint(1, 4)
    case = rng.choice([signal, image])(rng, groups * rng.randint(1, 3))
    return with_params(case, num_groups=groups, affine=rng.random() < 0.5)


def local_response_norm(rng):
    case = rng.choice([signal, image])(rng, rng.randint(1, 7))
    return with_params(case, size=rng.randint(1, 6), alpha=rng.choice([1e-4, 0.5]), beta=rng.choice([0.75, 2.0]), k=2.0)


def flatten(rng):
    case = rng.choice([features, sequence, image, tokens])(rng)
    return with_params(case, start_dim=rng.randint(1, len(case.inputs[0]["shape"])))


def reshape(rng):
    case = rng.choice([features, sequence, image, tokens])(rng)
    case.inputs[0]["variable_length"] = False
    total = math.prod(case.inputs[0]["shape"])
    shape = []
    while total > 1 and len(shape) < 2:
        factor = rng.choice([d for d in range(1, total + 1) if total % d == 0])
        shape.append(factor)
        total //= factor
    shape.append(total)
    rng.shuffle(shape)
    if rng.random() < 0.6:
        shape[rng.randrange(len(shape))] = -1
    return with_params(case, shape=shape)


def permute(rng):
    case = rng.choice([features, sequence, image])(rng)
    dims = list(range(1, len(case.inputs[0]["shape"]) + 1))
    rng.shuffle(dims)
    if case.inputs[0].get("variable_length") and dims == [2, 1]:
        case.post = [PERMUTE]  # bring the varying length back from the last dimension
    return with_params(case, dims=[0, *dims])


def softmax(rng):
    case = any_float(rng)
    rank = len(case.inputs[0]["shape"]) + 1
    return with_params(case, dim=rng.choice([d for d in range(-rank + 1, rank) if d != 0]))


def merge(rng):
    count, layout = rng.randint(2, 4), rng.choice([features, sequence, sequence, image])
    first = layout(rng)
    return with_params(Case(first.inputs * count), inputs=count)


def concat(rng):
    count, layout = rng.randint(2, 4), rng.choice([features, sequence, sequence, image])
    first = layout(rng).inputs[0]
    rank = len(first["shape"]) + 1
    dim = rng.choice([d for d in range(-rank + 1, rank) if d != 0])
    inputs = []
    for _ in range(count):
        spec = {**first, "shape": list(first["shape"])}
        if rng.random() < 0.7:  # another size along dim; along a varying length, a fixed one
            spec["shape"][dim % rank - 1] = rng.randint(1, 5)
            spec["variable_length"] = spec.get("variable_length", False) and dim % rank != 1
        inputs.append(spec)
    return with_params(Case(inputs), inputs=count, dim=dim)


def plain(layout, **choices):
    return lambda rng: with_params(layout(rng), **{name: rng.choice(values) for name, values in choices.items()})


GENERATORS = {
    "Conv1d": conv(1),
    "Conv2d": conv(2),
    "ConvTranspose2d": conv_transpose,
    "MaxPool1d": window(1),
    "MaxPool2d": window(2),
    "AvgPool1d": window(1),
    "AvgPool2d": window(2),
    "AdaptiveAvgPool1d": adaptive(1),
    "AdaptiveAvgPool2d": adaptive(2),
    "RNN": recurrent("RNN"),
    "LSTM": recurrent("LSTM"),
    "GRU": recurrent("GRU"),
    "SelfAttention": self_attention,
    "TransformerEncoderLayer": encoder_layer,
    "PositionalEncoding": positional,
    "Embedding": embedding,
    "Dropout": plain(any_float, p=[0.0, 0.5]),
    "Dropout2d": plain(image, p=[0.0, 0.5]),
    "BatchNorm1d": batch_norm1d,
    "BatchNorm2d": plain(image, momentum=[0.1, 0.5], affine=[True, False]),
    "LayerNorm": plain(any_float, eps=[1e-5, 1e-3], elementwise_affine=[True, False]),
    "GroupNorm": group_norm,
    "LocalResponseNorm": local_response_norm,
    "Linear": plain(any_float, out_features=[1, 3, 7], bias=[True, False]),
    "Flatten": flatten,
    "Reshape": reshape,
    "Permute": permute,
    "ReLU": plain(any_float),
    "LeakyReLU": plain(any_float, negative_slope=[0.0, 0.2]),
    "GELU": plain(any_float, approximate=["none", "tanh"]),
    "SiLU": plain(any_float),
    "Tanh": plain(any_float),
    "Sigmoid": plain(any_float),
    "Softmax": softmax,
    "Add": merge,
    "Multiply": merge,
    "Concat": concat,
    "OnnxOp": plain(any_float, op_type=["Relu", "Sigmoid", "Identity"]),  # element-wise ONNX operators
}


def test_every_block_kind_has_a_generator():
    assert set(GENERATORS) == set(REGISTRY) - {"Input", "Output"}


def build(kind, case):
    design = block_design(kind, case.params, case.inputs, case.pre, case.post)
    return design, design.find(BLOCK)


def draw(kind, index):
    """A design around a valid random combination of ``kind``'s parameters, and its report.

    Inferred parameters are sometimes pinned to the value inference gives them, which must change nothing.
    """
    rng = random.Random(f"{kind}-{index}")
    for _ in range(100):
        design, block = build(kind, GENERATORS[kind](rng))
        report = infer(design)
        if report.ok:
            break
    else:
        raise AssertionError(f"no valid combination of {kind} drawn")
    for param in REGISTRY[kind].params:
        if param.inferred and rng.random() < 0.4:
            design.set_param(block, param.name, report.params[block][param.name])
    pinned = infer(design)
    assert pinned.ok and pinned.params == report.params and pinned.outputs == report.outputs
    return design, pinned


def assert_matches_torch(design, report):
    """Inferred shapes and parameter counts against the compiled network, at two lengths where they vary."""
    gm = compile_design(design, report).eval()
    declared = [b.params["shape"][0] for b in design.blocks() if b.kind == "Input" and b.params["variable_length"]]
    for length in [declared[0], declared[0] + 3] if declared else [None]:
        assert_edges_match(design, report, gm, BATCH, length)
    assert_counts_match(design, report, gm)


@pytest.mark.parametrize(
    ("size", "value"), [("N", 3), ("⌊(T-2)/3⌋+1", 3), ("⌈(T-2)/3⌉+1", 4), ("2·T-1", 19), ("T+5+T", 25), ("3·(T-2)", 24)]
)
def test_symbolic_sizes_are_evaluated_as_written(size, value):
    assert concrete((size, 4), {"N": 3, "T": 10}) == (value, 4)


def test_the_checks_catch_a_wrong_shape_and_a_wrong_count():
    design, block = build("Linear", Case([{"data": "features", "shape": [4]}], {"out_features": 3}))
    report = infer(design)
    gm = compile_design(design, report)
    report.outputs[block] = [replace(report.outputs[block][0], shape=("N", 4))]
    with pytest.raises(AssertionError):
        assert_edges_match(design, report, gm, BATCH)
    report.params[block] = {**report.params[block], "bias": False}
    with pytest.raises(AssertionError):
        assert_counts_match(design, report, gm)


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("index", range(COMBINATIONS))
@pytest.mark.parametrize("kind", GENERATORS)
def test_random_combinations(kind, index):
    torch.manual_seed(index)
    assert_matches_torch(*draw(kind, index))


SEQ = {"data": "sequence", "shape": [9, 4], "variable_length": True}
TOKENS = {"data": "tokens", "shape": [9], "variable_length": True, "vocab_size": 7}
FIXED = {"data": "sequence", "shape": [5, 4]}
WIDER = {**SEQ, "shape": [9, 3]}


def pools(*kinds_and_strides):
    return [(kind, {"kernel_size": 3, "stride": stride, "padding": 1}) for kind, stride in kinds_and_strides]


VARYING = {  # lengths that stay symbolic through one or more layers
    "add": ("Add", Case([SEQ, SEQ, SEQ], {"inputs": 3})),
    "multiply": ("Multiply", Case([SEQ, SEQ], {"inputs": 2})),
    "concat-lengths": ("Concat", Case([SEQ, SEQ], {"inputs": 2, "dim": 1})),
    "concat-mixed": ("Concat", Case([SEQ, FIXED, SEQ], {"inputs": 3, "dim": -2})),
    "concat-features": ("Concat", Case([SEQ, WIDER], {"inputs": 2, "dim": 2})),
    "conv-strided": ("Conv1d", Case([SEQ], {"stride": 2, "padding": 1, "dilation": 2}, [PERMUTE], [PERMUTE])),
    "conv-same": ("Conv1d", Case([SEQ], {"kernel_size": 4, "padding": "same"}, [PERMUTE], [PERMUTE])),
    "conv-then-pools": (
        "Conv1d",
        Case(
            [SEQ], {"kernel_size": 2, "stride": 3}, [PERMUTE], [*pools(("MaxPool1d", 2), ("AvgPool1d", None)), PERMUTE]
        ),
    ),
    "pools-then-flatten": (
        "Flatten",
        Case([SEQ], {"start_dim": 2}, [PERMUTE, *pools(("AvgPool1d", 1), ("MaxPool1d", 2)), PERMUTE]),
    ),
    "tokens": ("Embedding", Case([TOKENS], {"embedding_dim": 5}, post=[("PositionalEncoding", {"max_len": 12})])),
    "last-step": ("LSTM", Case([SEQ], {"hidden_size": 3, "bidirectional": True, "output": "last step"})),
}


@pytest.mark.parametrize(("kind", "case"), VARYING.values(), ids=VARYING)
def test_varying_lengths(kind, case):
    design, _ = build(kind, case)
    report = infer(design)
    assert report.ok, report.problems
    assert_matches_torch(design, report)
