"""Every non-sequence block compiles to exactly what hand-written torch computes with the same weights.

Each test builds ``Input → block → Output``, compiles it, writes the same layer by hand, copies the compiled
submodule's (randomized) weights into it and compares the two on one random input. Recurrent and attention
blocks are in test_equivalence_sequence.py.
"""

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.testing import assert_close

from designer.core import blocks
from designer.core.blocks import REGISTRY
from tests.compiler.harness import BLOCK, compile_block, copy_weights, run_both

CATEGORIES = {"Convolution", "Pooling", "Layers", "Normalisation", "Regularisation", "Activation", "Merge", "Shape"}
COVERED: set[str] = set()


def covers(*kinds):
    """Record that the decorated test compares ``kinds`` with hand-written torch."""
    COVERED.update(kinds)
    return lambda test: test


def assert_equivalent(kind, params, reference, *xs, train=False):
    """Compile ``kind``, copy its weights into ``reference`` when that is a module, and compare the outputs."""
    gm = compile_block(kind, params, *xs)
    if isinstance(reference, nn.Module):
        copy_weights(gm.get_submodule(BLOCK), reference)
        reference.train(train)
    assert_close(*run_both(gm, reference, *xs, train=train))
    return gm


def values(*shape):
    """Distinct values, so that any element out of place shows."""
    return torch.arange(math.prod(shape), dtype=torch.float32).reshape(shape)


def test_these_tests_cover_every_kind_of_their_categories():
    assert {kind for kind, spec in REGISTRY.items() if spec.category in CATEGORIES} == COVERED


def test_every_category_is_covered_here_or_in_the_sequence_tests():
    elsewhere = {"Recurrent", "Attention", "Input / Output"}  # test_equivalence_sequence.py; used by every test
    elsewhere.add("Imported")  # OnnxOp runs in ONNX Runtime: compared with it in tests/importers
    assert CATEGORIES | elsewhere == set(blocks.CATEGORIES)
    assert {spec.category for spec in REGISTRY.values()} <= set(blocks.CATEGORIES)


def test_a_wrong_reference_is_caught():
    x = torch.randn(2, 4, 9, 9)
    with pytest.raises(AssertionError):
        assert_equivalent("Conv2d", {"out_channels": 6, "dilation": 2}, nn.Conv2d(4, 6, 3), x)


# ---- convolution -----------------------------------------------------------------------------------
@covers("Conv2d")
@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize(
    ("params", "reference"),
    [
        ({}, nn.Conv2d(4, 16, 3)),
        ({"out_channels": 6, "stride": 2, "padding": 1}, nn.Conv2d(4, 6, 3, stride=2, padding=1)),
        ({"out_channels": 6, "kernel_size": 4, "padding": "same"}, nn.Conv2d(4, 6, 4, padding="same")),
        ({"out_channels": 5, "padding": "same", "dilation": 2}, nn.Conv2d(4, 5, 3, padding="same", dilation=2)),
        ({"out_channels": 6, "kernel_size": 2, "stride": 3, "padding": "valid"}, nn.Conv2d(4, 6, 2, stride=3)),
        ({"out_channels": 8, "groups": 4, "bias": False}, nn.Conv2d(4, 8, 3, groups=4, bias=False)),
        (
            {"out_channels": 4, "kernel_size": 2, "stride": 2, "padding": 2, "dilation": 3, "groups": 2},
            nn.Conv2d(4, 4, 2, stride=2, padding=2, dilation=3, groups=2),
        ),
    ],
)
def test_conv2d(params, reference):
    assert_equivalent("Conv2d", params, reference, torch.randn(2, 4, 9, 8))


@covers("Conv1d")
@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize(
    ("params", "reference"),
    [
        ({}, nn.Conv1d(4, 16, 3)),
        ({"out_channels": 6, "kernel_size": 5, "stride": 2, "padding": 2}, nn.Conv1d(4, 6, 5, stride=2, padding=2)),
        (
            {"out_channels": 6, "kernel_size": 4, "padding": "same", "dilation": 3},
            nn.Conv1d(4, 6, 4, padding="same", dilation=3),
        ),
        ({"out_channels": 2, "padding": "valid", "bias": False}, nn.Conv1d(4, 2, 3, bias=False)),
        ({"out_channels": 6, "kernel_size": 1, "groups": 2, "stride": 3}, nn.Conv1d(4, 6, 1, stride=3, groups=2)),
    ],
)
def test_conv1d(params, reference):
    assert_equivalent("Conv1d", params, reference, torch.randn(2, 4, 13))


@covers("ConvTranspose2d")
@pytest.mark.parametrize(
    ("params", "reference"),
    [
        ({"out_channels": 5}, nn.ConvTranspose2d(4, 5, 3)),
        (
            {"out_channels": 5, "stride": 2, "padding": 1, "output_padding": 1},
            nn.ConvTranspose2d(4, 5, 3, stride=2, padding=1, output_padding=1),
        ),
        (
            {"out_channels": 3, "kernel_size": 2, "stride": 3, "output_padding": 2, "bias": False},
            nn.ConvTranspose2d(4, 3, 2, stride=3, output_padding=2, bias=False),
        ),
        (
            {"out_channels": 6, "kernel_size": 3, "dilation": 2, "output_padding": 1, "groups": 2},
            nn.ConvTranspose2d(4, 6, 3, dilation=2, output_padding=1, groups=2),
        ),
    ],
)
def test_conv_transpose2d(params, reference):
    assert_equivalent("ConvTranspose2d", params, reference, torch.randn(2, 4, 5, 6))


# ---- pooling ---------------------------------------------------------------------------------------
POOLS = {"MaxPool1d": nn.MaxPool1d, "MaxPool2d": nn.MaxPool2d, "AvgPool1d": nn.AvgPool1d, "AvgPool2d": nn.AvgPool2d}


@covers(*POOLS)
@pytest.mark.parametrize("kind", POOLS)
@pytest.mark.parametrize(
    ("kernel", "stride", "padding"), [(2, None, 0), (3, None, 1), (3, 2, 1), (2, 1, 1), (4, 3, 2), (1, None, 0)]
)
def test_window_pools(kind, kernel, stride, padding):
    # torch's own default for an omitted stride is the kernel size, which is what Designer's stride None means
    strides = {} if stride is None else {"stride": stride}
    reference = POOLS[kind](kernel, padding=padding, **strides)
    x = torch.randn(2, 3, 11) if kind.endswith("1d") else torch.randn(2, 3, 9, 10)
    assert_equivalent(kind, {"kernel_size": kernel, "stride": stride, "padding": padding}, reference, x)


@covers("AdaptiveAvgPool1d", "AdaptiveAvgPool2d")
@pytest.mark.parametrize("size", [1, 3])
def test_adaptive_pools(size):
    x = torch.randn(2, 3, 10)
    assert_equivalent("AdaptiveAvgPool1d", {"output_size": size}, lambda x: F.adaptive_avg_pool1d(x, size), x)
    x = torch.randn(2, 3, 7, 8)
    assert_equivalent("AdaptiveAvgPool2d", {"output_size": size}, lambda x: F.adaptive_avg_pool2d(x, size), x)
    if size == 1:  # global average pooling
        assert_equivalent("AdaptiveAvgPool2d", {"output_size": 1}, lambda x: x.mean((2, 3), keepdim=True), x)


# ---- layers and shapes -----------------------------------------------------------------------------
@covers("Linear")
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("shape", [(3, 6), (3, 4, 6)])
def test_linear(bias, shape):
    assert_equivalent("Linear", {"out_features": 5, "bias": bias}, nn.Linear(6, 5, bias=bias), torch.randn(shape))


@covers("Flatten")
@pytest.mark.parametrize(("start_dim", "shape"), [(1, (2, 60)), (2, (2, 3, 20)), (3, (2, 3, 4, 5))])
def test_flatten(start_dim, shape):
    x = torch.randn(2, 3, 4, 5)
    assert_equivalent("Flatten", {"start_dim": start_dim}, lambda x: x.reshape(shape), x)


@covers("Reshape")
@pytest.mark.parametrize(
    ("x", "shape", "result"),
    [
        (values(2, 4, 6), [3, -1, 2], (2, 3, 4, 2)),
        (values(2, 4, 6), [-1], (2, 24)),
        (values(2, 4, 6), [6, 4], (2, 6, 4)),
        (values(2, 2, 3, 4), [6, -1], (2, 6, 4)),
        (values(2, 12), [1, 3, 4], (2, 1, 3, 4)),
        (values(2, 6).long() % 13, [2, -1], (2, 2, 3)),
    ],
)
def test_reshape(x, shape, result):
    assert_equivalent("Reshape", {"shape": shape}, lambda x: x.reshape(result), x)


@covers("Permute")
@pytest.mark.parametrize(
    ("x", "dims", "reference"),
    [
        (values(2, 4, 6), [0, 2, 1], lambda x: x.transpose(1, 2)),
        (values(2, 4, 6), [0, 1, 2], lambda x: x),
        (values(2, 3, 4, 5), [0, 2, 3, 1], lambda x: x.movedim(1, 3)),
        (values(2, 3, 4, 5), [0, 3, 1, 2], lambda x: x.movedim(3, 1)),
        (values(2, 3, 4, 5), [0, 3, 2, 1], lambda x: x.transpose(1, 3)),
    ],
)
def test_permute(x, dims, reference):
    assert_equivalent("Permute", {"dims": dims}, reference, x)


# ---- activations -----------------------------------------------------------------------------------
@covers("ReLU", "LeakyReLU", "GELU", "SiLU", "Tanh", "Sigmoid")
@pytest.mark.parametrize(
    ("kind", "params", "reference"),
    [
        ("ReLU", {}, lambda x: x.clamp(min=0)),
        ("LeakyReLU", {}, lambda x: torch.where(x > 0, x, 0.01 * x)),
        ("LeakyReLU", {"negative_slope": 0.3}, lambda x: torch.where(x > 0, x, 0.3 * x)),
        ("GELU", {}, lambda x: x * 0.5 * (1 + torch.erf(x / 2**0.5))),
        ("GELU", {"approximate": "tanh"}, lambda x: F.gelu(x, approximate="tanh")),
        ("SiLU", {}, lambda x: x * torch.sigmoid(x)),
        ("Tanh", {}, torch.tanh),
        ("Sigmoid", {}, lambda x: 1 / (1 + torch.exp(-x))),
    ],
)
def test_activations(kind, params, reference):
    assert_equivalent(kind, params, reference, torch.randn(2, 3, 5, 4) * 3)


def test_tanh_gelu_differs_from_exact_gelu():  # so that passing approximate through is really checked
    x = torch.randn(2, 3, 5, 4) * 3
    assert not torch.allclose(compile_block("GELU", {"approximate": "tanh"}, x)(x), F.gelu(x))


@covers("Softmax")
@pytest.mark.parametrize(("shape", "dim"), [((2, 4, 6), 1), ((2, 4, 6), -1), ((2, 4, 6), 2), ((2, 3, 4, 5), -2)])
def test_softmax(shape, dim):
    x = torch.randn(shape)
    assert_equivalent("Softmax", {"dim": dim}, lambda x: x.exp() / x.exp().sum(dim, keepdim=True), x)


# ---- normalisation and dropout ---------------------------------------------------------------------
@covers("BatchNorm1d", "BatchNorm2d")
@pytest.mark.parametrize("train", [False, True])
@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize(
    ("kind", "shape", "reference"),
    [
        ("BatchNorm1d", (6, 4), nn.BatchNorm1d),
        ("BatchNorm1d", (6, 4, 5), nn.BatchNorm1d),
        ("BatchNorm2d", (3, 4, 5, 5), nn.BatchNorm2d),
    ],
)
def test_batch_norm(kind, shape, reference, affine, train):
    x = torch.randn(shape) * 2 + 1
    reference = reference(4, eps=1e-3, momentum=0.3, affine=affine)
    params = {"eps": 1e-3, "momentum": 0.3, "affine": affine}
    gm = assert_equivalent(kind, params, reference, x, train=train)
    # in training the running statistics move by the same momentum
    for name, value in reference.state_dict().items():
        assert_close(gm.get_submodule(BLOCK).state_dict()[name], value)


@covers("LayerNorm")
@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("shape", [(3, 6), (3, 4, 6), (2, 3, 4, 6)])
def test_layer_norm(shape, affine):
    reference = nn.LayerNorm(6, eps=1e-3, elementwise_affine=affine)
    assert_equivalent("LayerNorm", {"eps": 1e-3, "elementwise_affine": affine}, reference, torch.randn(shape))


@covers("LocalResponseNorm")
@pytest.mark.parametrize("size", [1, 2, 5])
@pytest.mark.parametrize("shape", [(2, 6, 5), (2, 6, 3, 4)])
def test_local_response_norm(size, shape):
    """Written out from its definition, so that a window off by one channel or a wrong scale shows."""
    alpha, beta, k = 0.3, 0.75, 2.0

    def reference(x):
        squares = x.pow(2)
        before, after = size // 2, (size - 1) // 2
        sums = torch.stack([squares[:, max(0, c - before) : c + after + 1].sum(1) for c in range(x.shape[1])], dim=1)
        return x / (k + alpha / size * sums) ** beta

    params = {"size": size, "alpha": alpha, "beta": beta, "k": k}
    assert_equivalent("LocalResponseNorm", params, reference, torch.randn(shape))


@covers("GroupNorm")
@pytest.mark.parametrize("groups", [1, 2, 4, 8])
@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("shape", [(2, 8, 5), (2, 8, 3, 4)])
def test_group_norm(groups, affine, shape):
    reference = nn.GroupNorm(groups, 8, eps=1e-3, affine=affine)
    params = {"num_groups": groups, "eps": 1e-3, "affine": affine}
    assert_equivalent("GroupNorm", params, reference, torch.randn(shape))


@covers("Dropout", "Dropout2d")
@pytest.mark.parametrize("p", [0.0, 0.3, 0.7])
@pytest.mark.parametrize(("kind", "reference"), [("Dropout", nn.Dropout), ("Dropout2d", nn.Dropout2d)])
def test_dropout(kind, reference, p):
    x = torch.randn(2, 4, 5, 5)
    gm = assert_equivalent(kind, {"p": p}, reference(p), x)  # evaluation: nothing is dropped
    assert_close(gm(x), x)
    # training: the same random stream drops the same values, which shows that p arrived
    gm = assert_equivalent(kind, {"p": p}, reference(p), x, train=True)
    assert (gm(x) == 0).any() == (p > 0)


# ---- merges ----------------------------------------------------------------------------------------
@covers("Add", "Multiply")
@pytest.mark.parametrize("count", [2, 3])
@pytest.mark.parametrize("shape", [(2, 5), (2, 3, 4, 4)])
def test_add_and_multiply(count, shape):
    xs = [torch.randn(shape) for _ in range(count)]
    total, product = xs[0].clone(), xs[0].clone()
    for x in xs[1:]:
        total += x
        product *= x
    assert_equivalent("Add", {"inputs": count}, lambda *_: total, *xs)
    assert_equivalent("Multiply", {"inputs": count}, lambda *_: product, *xs)


@covers("Concat")
@pytest.mark.parametrize(
    ("dim", "shapes"),
    [
        (1, [(2, 3, 5), (2, 1, 5), (2, 4, 5)]),
        (-1, [(2, 4, 2), (2, 4, 3), (2, 4, 1)]),
        (2, [(2, 4, 2), (2, 4, 3), (2, 4, 1)]),
        (1, [(2, 2, 3, 3), (2, 5, 3, 3)]),
        (-1, [(2, 3), (2, 1), (2, 4)]),
    ],
)
def test_concat(dim, shapes):
    xs = [torch.randn(shape) for shape in shapes]
    assert_equivalent("Concat", {"inputs": len(xs), "dim": dim}, lambda *xs: torch.cat(xs, dim), *xs)
