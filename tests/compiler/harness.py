"""Builders and probes shared by the compiler tests: one-block designs, real node values, symbolic sizes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import torch
from torch import fx, nn

from designer.compiler.compile import compile_design
from designer.core.design import Connection, DesignGraph
from designer.core.inference import DesignReport
from designer.core.shapes import Dim
from tests.helpers import chain

BLOCK = "block"
"""The name of the block under test, and so of its submodule."""
VOCAB = 13
"""Vocabulary size of the token inputs made by :func:`input_params`."""

_LAYOUT = {2: "features", 3: "sequence", 4: "image"}


def input_params(x: torch.Tensor, variable_length: bool = False) -> dict[str, Any]:
    """Parameters of an Input block that accepts ``x``: tokens for int64, otherwise by rank."""
    data = "tokens" if x.dtype == torch.int64 else _LAYOUT[x.dim()]
    return {"data": data, "shape": list(x.shape[1:]), "variable_length": variable_length, "vocab_size": VOCAB}


def block_design(
    kind: str,
    params: dict[str, Any],
    inputs: list[dict[str, Any]],
    pre: Sequence[tuple[str, dict[str, Any]]] = (),
    post: Sequence[tuple[str, dict[str, Any]]] = (),
) -> DesignGraph:
    """Input blocks (``x1``, ``x2``, …) → one block called ``block`` → a regression Output.

    ``pre`` blocks ``(kind, params)`` go between the first Input and the block, ``post`` ones after it.
    """
    design = DesignGraph()
    sources = [design.add_block("Input", f"x{i}", spec) for i, spec in enumerate(inputs, start=1)]
    first = chain(design, *pre, start=sources[0])[-1] if pre else sources[0]
    block = design.add_block(kind, BLOCK, params)
    ports = design.block(block).spec.input_ports(design.block(block).params)
    for source, port in zip([first, *sources[1:]], ports, strict=True):
        design.connect(Connection(source, "out", block, port))
    chain(design, *post, ("Output", {"task": "regression"}), start=block)
    return design


def compile_block(
    kind: str, params: dict[str, Any], *xs: torch.Tensor, variable_length: bool = False
) -> fx.GraphModule:
    """The compiled network of ``Input(s) → kind → Output`` for inputs shaped like ``xs``."""
    return compile_design(block_design(kind, params, [input_params(x, variable_length) for x in xs]))


def randomize(module: nn.Module) -> nn.Module:
    """Give every parameter and running statistic a random value, so that no zero or one init hides a mix-up."""
    with torch.no_grad():
        for parameter in module.parameters():
            parameter.normal_(0.0, 0.5)
        for name, buffer in module.named_buffers():
            if name.endswith("running_mean"):
                buffer.normal_()
            elif name.endswith("running_var"):
                buffer.uniform_(0.5, 2.0)
    return module


def copy_weights(source: nn.Module, target: nn.Module) -> nn.Module:
    """Randomize ``source`` (the compiled submodule) and load its state into ``target`` (the hand-written one)."""
    target.load_state_dict(randomize(source).state_dict())
    return target


def node_values(gm: fx.GraphModule, *args: torch.Tensor) -> dict[str, Any]:
    """Run ``gm`` and return the value of every node, by node name."""
    values: dict[str, Any] = {}

    class Recorder(fx.Interpreter):
        def run_node(self, n: fx.Node) -> Any:
            values[n.name] = result = super().run_node(n)
            return result

    with torch.no_grad():
        Recorder(gm).run(*args)
    return values


def real_inputs(design: DesignGraph, batch: int, length: int | None = None) -> list[torch.Tensor]:
    """Random tensors for the Input blocks of ``design``, in order; varying lengths are ``length``."""
    xs = []
    for block in design.blocks():
        if block.kind == "Input":
            p = block.params
            shape = [batch, *p["shape"]]
            if p["variable_length"]:
                shape[1] = length
            xs.append(torch.randint(p["vocab_size"], shape) if p["data"] == "tokens" else torch.randn(shape))
    return xs


def assert_edges_match(
    design: DesignGraph, report: DesignReport, gm: fx.GraphModule, batch: int, length: int | None = None
) -> None:
    """Every connection's inferred type is the type of the tensor that really flows along it."""
    values = node_values(gm, *real_inputs(design, batch, length))
    sizes = {"N": batch, "T": length}
    for connection in design.connections():
        inferred = report.edge_type(design, connection)
        real = values[design.block(connection.source).name]
        expected = (concrete(inferred.shape, sizes), _DTYPES[inferred.dtype])
        assert (tuple(real.shape), real.dtype) == expected, (connection, str(inferred))


def assert_counts_match(design: DesignGraph, report: DesignReport, gm: fx.GraphModule) -> None:
    """Each block's ``count_params`` is the number of parameters its submodule really has (0 without one)."""
    for block in design.blocks():
        if block.kind in ("Input", "Output"):
            continue
        counted = block.spec.count_params(report.params[block.id], report.inputs[block.id])
        real = sum(p.numel() for p in gm.get_submodule(block.name).parameters()) if hasattr(gm, block.name) else 0
        assert counted == real, block.name


_DTYPES = {"float32": torch.float32, "int64": torch.int64}
_EXPRESSION = re.compile(r"[NT0-9+\-*/() ]+")


def concrete(shape: tuple[Dim, ...], sizes: dict[str, int]) -> tuple[int, ...]:
    """``shape`` with its symbols (``N``, ``T``, ``⌊(T-2)/2⌋+1``, ``2·T``…) evaluated for the given sizes."""
    return tuple(d if isinstance(d, int) else _evaluate(d, sizes) for d in shape)


def _evaluate(expression: str, sizes: dict[str, int]) -> int:
    text = expression.replace("·", "*").replace("/", "//")
    text = text.replace("⌊", "(").replace("⌋", ")").replace("⌈", "(-(-").replace("⌉", "))")
    if not _EXPRESSION.fullmatch(text):
        raise ValueError(f"unexpected symbolic size {expression!r}")
    return int(eval(text, {"__builtins__": {}}, dict(sizes)))


def run_both(gm, reference, *xs, train=False):
    """The outputs of the compiled network and of the hand-written function, from the same random stream."""
    gm.train(train)
    with torch.no_grad():
        torch.manual_seed(7)
        got = gm(*xs)
        torch.manual_seed(7)
        want = reference(*xs)
    assert got.shape == want.shape
    return got, want
