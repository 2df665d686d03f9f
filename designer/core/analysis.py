"""What a design costs: FLOPs per sample, activation memory, and an estimate of peak training memory.

FLOPs are counted as ``torch.utils.flop_counter.FlopCounterMode`` counts them on the compiled module with
torch's reference kernels: 2 per multiply-add of every matrix product and convolution, nothing for bias
additions, element-wise work, norms, pooling or embeddings. (torch's fused CPU kernels for LSTM and for
attention in evaluation mode are invisible to its counter; Designer counts what they compute.)
A sequence whose length varies is counted at the length declared on its Input block, or at ``length``.
"""

from __future__ import annotations

import ast
import math
import operator
from dataclasses import dataclass

from designer.core.design import DesignGraph
from designer.core.inference import DesignReport
from designer.core.shapes import BATCH, SEQUENCE, Dim

DTYPE_BYTES = {"float32": 4, "float16": 2, "bfloat16": 2, "float64": 8}
OPTIMIZER_STATES = {"adam": 2, "adamw": 2, "sgd": 1, "none": 0}
"""Tensors an optimiser keeps per weight: Adam's two moments, SGD's momentum buffer."""
_INTEGER_BYTES = 8
"""Token ids stay int64 whatever the floating-point dtype."""


@dataclass(frozen=True)
class BlockCost:
    flops: int
    """Per sample."""
    activation_bytes: int
    """Of the block's output, for the whole batch."""


@dataclass(frozen=True)
class Analysis:
    blocks: dict[str, BlockCost]
    """By block id; blocks whose shapes are unknown are absent."""
    batch_size: int
    dtype: str
    optimizer: str
    sequence_length: int | None
    """The length T that varying sequences were counted at; None when no length varies."""
    flops: int
    """Per sample, blocks that feed an Output only."""
    parameters: int
    activation_bytes: int
    """Every used block's output, for the whole batch: what training keeps for the backward pass between blocks.
    Tensors kept inside a block are not counted, so recurrent and attention blocks (whose gates, states and
    attention weights torch keeps per step) need several times more; ``benchmarks/export_templates.py`` measures it."""

    @property
    def weight_bytes(self) -> int:
        return self.parameters * DTYPE_BYTES[self.dtype]

    @property
    def optimizer_bytes(self) -> int:
        return OPTIMIZER_STATES[self.optimizer] * self.weight_bytes

    @property
    def training_bytes(self) -> int:
        """Weights, their gradients, the optimiser's state and the activations kept for the backward pass."""
        return 2 * self.weight_bytes + self.optimizer_bytes + self.activation_bytes

    def to_json(self) -> dict:
        return {
            "batch_size": self.batch_size,
            "dtype": self.dtype,
            "optimizer": self.optimizer,
            "sequence_length": self.sequence_length,
            "flops_per_sample": self.flops,
            "weight_bytes": self.weight_bytes,
            "gradient_bytes": self.weight_bytes,
            "optimizer_bytes": self.optimizer_bytes,
            "activation_bytes": self.activation_bytes,
            "training_bytes": self.training_bytes,
        }


def declared_length(design: DesignGraph) -> int | None:
    """The length declared on the first Input whose length varies (None when none varies)."""
    for block in design.blocks():
        if block.kind == "Input" and block.params["variable_length"]:
            return int(block.params["shape"][0])
    return None


def analyze(
    design: DesignGraph,
    report: DesignReport,
    used: set[str],
    batch_size: int = 1,
    dtype: str = "float32",
    optimizer: str = "adam",
    length: int | None = None,
) -> Analysis:
    """FLOPs and memory of every block whose shapes are known; totals over the ``used`` blocks."""
    declared = declared_length(design)
    length = (length or declared) if declared is not None else None
    sample, batch = {BATCH: 1, SEQUENCE: length or 1}, {BATCH: batch_size, SEQUENCE: length or 1}
    costs: dict[str, BlockCost] = {}
    parameters = 0
    for block_id in report.order:
        if block_id not in report.params:
            continue
        block, inputs = design.block(block_id), report.inputs[block_id]
        outputs = report.outputs[block_id]
        flops = block.spec.count_flops(
            report.params[block_id],
            [concrete_shape(t.shape, sample) for t in inputs],
            [concrete_shape(t.shape, sample) for t in outputs],
        )
        memory = sum(
            math.prod(concrete_shape(t.shape, batch)) * (_INTEGER_BYTES if t.dtype == "int64" else DTYPE_BYTES[dtype])
            for t in outputs
        )
        costs[block_id] = BlockCost(flops, memory)
        if block_id in used:
            parameters += block.spec.count_params(report.params[block_id], inputs)
    kept = [costs[b] for b in used if b in costs]
    return Analysis(
        costs,
        batch_size,
        dtype,
        optimizer,
        length,
        sum(c.flops for c in kept),
        parameters,
        sum(c.activation_bytes for c in kept),
    )


def concrete_shape(shape: tuple[Dim, ...], sizes: dict[str, int]) -> tuple[int, ...]:
    """``shape`` with its symbolic sizes (``N``, ``T``, ``⌊(T-2)/2⌋+1``, ``2·T``…) worked out for ``sizes``."""
    return tuple(d if isinstance(d, int) else _evaluate(d, sizes) for d in shape)


_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.FloorDiv: operator.floordiv}


def _evaluate(expression: str, sizes: dict[str, int]) -> int:
    text = expression.replace("·", "*").replace("/", "//").replace("⌊", "(").replace("⌋", ")")
    text = text.replace("⌈", "(-(-").replace("⌉", "))")
    return max(_value(ast.parse(text, mode="eval").body, sizes), 0)


def _value(node: ast.expr, sizes: dict[str, int]) -> int:
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    if isinstance(node, ast.Name):
        return sizes[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_value(node.operand, sizes)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        return _OPERATORS[type(node.op)](_value(node.left, sizes), _value(node.right, sizes))
    raise ValueError(f"not a size expression: {ast.unparse(node)}")


def format_bytes(count: int) -> str:
    """``17512960`` → ``16.7 MiB``."""
    size, unit = float(count), "B"
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or unit == "TiB":
            break
        size /= 1024
    return f"{count} B" if unit == "B" else f"{size:.1f} {unit}"


def format_flops(count: int) -> str:
    """``5262080`` → ``5.26 MFLOPs``."""
    for scale, prefix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if count >= scale:
            return f"{count / scale:.3g} {prefix}FLOPs"
    return f"{count} FLOPs"
