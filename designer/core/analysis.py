"""What a design costs: FLOPs per sample, activation memory, and an estimate of peak training memory.

FLOPs are counted as ``torch.utils.flop_counter.FlopCounterMode`` counts them on the compiled module with
torch's reference kernels: 2 per multiply-add of every matrix product and convolution, nothing for bias
additions, element-wise work, norms, pooling or embeddings. (torch's fused CPU kernels for LSTM and for
attention in evaluation mode are invisible to its counter; Designer counts what they compute.)
A sequence whose length varies is counted at the length declared on its Input block, or at ``length``.
"""

from __future__ import annotations

import ast
import functools
import math
from dataclasses import dataclass
from types import CodeType

import networkx as nx

from designer.core.blocks import get_block
from designer.core.blocks.spec import NOTHING_SAVED, Saved
from designer.core.design import DesignGraph, id_order
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
    params: int
    activation_bytes: int
    """What a training step keeps of this block for the backward pass, for the whole batch: what the block keeps
    inside, and its output when some block keeps that (an output that is a view of another costs nothing)."""


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
    """What one training step keeps for the backward pass, for the whole batch, over the blocks that feed an
    Output: the distinct tensors torch's autograd saves on the CPU in float32, as each block kind declares them
    (``count_saved``). ``tests/export/test_memory.py`` holds it to torch's own count."""

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
    nodes = design.graph.nodes
    for block_id in sorted((b for b, data in nodes(data=True) if data["kind"] == "Input"), key=id_order):
        params = nodes[block_id]["params"]
        if params["variable_length"]:
            return int(params["shape"][0])
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
    """FLOPs, parameters and memory of every block whose shapes are known; totals over the ``used`` blocks."""
    declared = declared_length(design)
    length = (length or declared) if declared is not None else None
    sample, batch = {BATCH: 1, SEQUENCE: length or 1}, {BATCH: batch_size, SEQUENCE: length or 1}
    graph, width = design.graph, DTYPE_BYTES[dtype]
    flops, params, inner, outputs = {}, {}, {}, {}
    backward = _KeptForBackward()
    for block_id in report.order:
        if block_id not in report.params:
            continue
        spec, resolved = get_block(graph.nodes[block_id]["kind"]), report.params[block_id]
        in_types, out_types = report.inputs[block_id], report.outputs[block_id]
        per_sample = [[concrete_shape(t.shape, sample) for t in types] for types in (in_types, out_types)]
        flops[block_id] = spec.count_flops(resolved, *per_sample)
        params[block_id] = spec.count_params(resolved, in_types)
        in_shapes, out_shapes = ([concrete_shape(t.shape, batch) for t in types] for types in (in_types, out_types))
        saved = backward.record(
            block_id,
            _sources(graph, block_id, spec.input_ports(resolved)),
            spec.count_saved(resolved, in_shapes, out_shapes),
            params[block_id] > 0,
            block_id in used,
        )
        inner[block_id] = saved.floats * width + saved.bytes
        outputs[block_id] = sum(
            (saved.storage if saved.storage and i == 0 else math.prod(shape))
            * (_INTEGER_BYTES if t.dtype == "int64" else width)
            for i, (t, shape) in enumerate(zip(out_types, out_shapes, strict=True))
        )
    costs = {
        b: BlockCost(flops[b], params[b], inner[b] + (outputs[b] if backward.owns_kept_output(b) else 0)) for b in flops
    }
    counted = [costs[b] for b in used if b in costs]
    return Analysis(
        costs,
        batch_size,
        dtype,
        optimizer,
        length,
        sum(c.flops for c in counted),
        sum(c.params for c in counted),
        sum(c.activation_bytes for c in counted),
    )


class _KeptForBackward:
    """Which blocks' outputs some block keeps for the backward pass, following gradients and views.

    A tensor kept by several blocks is counted once, with the block that made it (for a view: the block that
    made the tensor it views).
    """

    def __init__(self) -> None:
        self.needs_gradient: set[str] = set()
        self.origin: dict[str, str] = {}
        self.kept: set[str] = set()

    def record(self, block_id: str, sources: list[str], saved: Saved, has_weights: bool, used: bool) -> Saved:
        """Note what ``block_id`` keeps (blocks in dependency order); returns it, or nothing where autograd
        records nothing because no gradient is needed. Unused blocks are not compiled, so keep nothing alive."""
        if has_weights or any(s in self.needs_gradient for s in sources):
            self.needs_gradient.add(block_id)
        elif not saved.view:
            saved = NOTHING_SAVED
        self.origin[block_id] = self.origin[sources[0]] if saved.view else block_id
        if used:
            self.kept.update(self.origin[sources[i]] for i in self._kept_inputs(saved, sources))
            if saved.output:
                self.kept.add(block_id)
        return saved

    def owns_kept_output(self, block_id: str) -> bool:
        return block_id in self.kept and self.origin[block_id] == block_id

    def _kept_inputs(self, saved: Saved, sources: list[str]) -> list[int]:
        if not saved.for_the_others:
            return list(saved.inputs)
        return [i for i in saved.inputs if any(s in self.needs_gradient for j, s in enumerate(sources) if j != i)]


def _sources(graph: nx.MultiDiGraph, block_id: str, ports: tuple[str, ...]) -> list[str]:
    """The blocks feeding ``block_id``, in the order of its input ports."""
    feeding = graph.pred[block_id]
    if len(ports) < 2:
        return list(feeding)
    by_port = {port: source for source, edges in feeding.items() for port in edges}
    return [by_port[port] for port in ports]


def concrete_shape(shape: tuple[Dim, ...], sizes: dict[str, int]) -> tuple[int, ...]:
    """``shape`` with its symbolic sizes (``N``, ``T``, ``⌊(T-2)/2⌋+1``, ``2·T``…) worked out for ``sizes``."""
    return _concrete(shape, tuple(sizes.items()))


@functools.lru_cache(maxsize=65536)
def _concrete(shape: tuple[Dim, ...], sizes: tuple[tuple[str, int], ...]) -> tuple[int, ...]:
    # Cached: a design has few distinct shapes, and every edit asks for all of them again.
    return tuple(d if isinstance(d, int) else _evaluate(d, dict(sizes)) for d in shape)


_SIZE_NODES = (ast.Name, ast.Load, ast.UnaryOp, ast.USub, ast.BinOp, ast.Add, ast.Sub, ast.Mult, ast.FloorDiv)
"""What a size expression may hold besides whole numbers: the operators of each node are walked too."""


@functools.cache
def _size_code(expression: str) -> CodeType:
    """``expression`` checked to be arithmetic on named sizes, compiled once (shapes repeat on every edit)."""
    text = expression.replace("·", "*").replace("/", "//").replace("⌊", "(").replace("⌋", ")")
    text = text.replace("⌈", "(-(-").replace("⌉", "))")
    tree = ast.parse(text, mode="eval")
    for node in ast.walk(tree.body):
        number = isinstance(node, ast.Constant) and type(node.value) is int
        if not number and not isinstance(node, _SIZE_NODES):
            raise ValueError(f"not a size expression: {expression}")
    return compile(tree, "<size>", "eval")


def _evaluate(expression: str, sizes: dict[str, int]) -> int:
    return max(eval(_size_code(expression), {"__builtins__": {}}, sizes), 0)


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
