"""Per-block and total figures of a design: output shapes, parameters, FLOPs and memory."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from designer.core.analysis import Analysis, analyze
from designer.core.design import DesignGraph
from designer.core.inference import DesignReport
from designer.core.shapes import format_shape


@dataclass(frozen=True)
class BlockSummary:
    block_id: str
    name: str
    kind: str
    output: str | None
    """Output shape such as ``N×64×5×5``; None when unknown because of a problem upstream."""
    params: int | None
    flops: int | None
    """Per sample, counted as torch's flop counter counts them (see :mod:`designer.core.analysis`)."""
    activation_bytes: int | None
    """Of the block's output, for the analysed batch size and dtype."""
    used: bool
    """Whether the block feeds an Output, and so is part of the compiled network."""


@dataclass(frozen=True)
class Summary:
    blocks: list[BlockSummary]
    total_params: int
    analysis: Analysis

    @property
    def total_flops(self) -> int:
        return self.analysis.flops

    def to_json(self) -> dict:
        return {
            "blocks": [vars(b) for b in self.blocks],
            "total_params": self.total_params,
            "total_flops": self.total_flops,
            "memory": self.analysis.to_json(),
        }


def feeds_output(design: DesignGraph) -> set[str]:
    """Blocks from which some Output block can be reached (Output blocks included)."""
    outputs = [b.id for b in design.blocks() if b.kind == "Output"]
    return set(outputs).union(*(nx.ancestors(design.graph, b) for b in outputs))


def summarize(
    design: DesignGraph,
    report: DesignReport,
    batch_size: int = 1,
    dtype: str = "float32",
    optimizer: str = "adam",
    length: int | None = None,
) -> Summary:
    """Every block's output shape, parameters, FLOPs and activation memory, in dependency order, and totals.

    Memory is worked out for ``batch_size`` samples of ``dtype`` trained with ``optimizer``; a varying sequence
    length is taken at ``length``, or at the length declared on the Input block.
    """
    used = feeds_output(design)
    analysis = analyze(design, report, used, batch_size, dtype, optimizer, length)
    rows = []
    for block_id in report.order:
        block = design.block(block_id)
        types = report.outputs.get(block_id)
        shown = (
            types[0]
            if types
            else (report.inputs[block_id][0] if block.kind == "Output" and block_id in report.inputs else None)
        )
        count = None
        if block_id in report.params:
            count = block.spec.count_params(report.params[block_id], report.inputs[block_id])
        cost = analysis.blocks.get(block_id)
        rows.append(
            BlockSummary(
                block_id,
                block.name,
                block.kind,
                None if shown is None else format_shape(shown.shape),
                count,
                None if cost is None else cost.flops,
                None if cost is None else cost.activation_bytes,
                block_id in used,
            )
        )
    total = sum(r.params or 0 for r in rows if r.used)
    return Summary(rows, total, analysis)
