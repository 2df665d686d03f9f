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
    """What training keeps of the block for the backward pass, at the analysed batch size and dtype."""
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
    outputs = [b for b, data in design.graph.nodes(data=True) if data["kind"] == "Output"]
    return set(outputs).union(*(nx.ancestors(design.graph, b) for b in outputs))


def summarize(
    design: DesignGraph,
    report: DesignReport,
    batch_size: int = 1,
    dtype: str = "float32",
    optimizer: str = "adam",
    length: int | None = None,
) -> Summary:
    """Every block's output shape, parameters, FLOPs and training memory, in dependency order, and totals.

    Memory is worked out for ``batch_size`` samples of ``dtype`` trained with ``optimizer``; a varying sequence
    length is taken at ``length``, or at the length declared on the Input block.
    """
    used = feeds_output(design)
    analysis = analyze(design, report, used, batch_size, dtype, optimizer, length)
    nodes, rows = design.graph.nodes, []
    for block_id in report.order:
        data = nodes[block_id]
        types = report.outputs.get(block_id)
        shown = (
            types[0]
            if types
            else (report.inputs[block_id][0] if data["kind"] == "Output" and block_id in report.inputs else None)
        )
        cost = analysis.blocks.get(block_id)
        rows.append(
            BlockSummary(
                block_id,
                data["name"],
                data["kind"],
                None if shown is None else format_shape(shown.shape),
                None if cost is None else cost.params,
                None if cost is None else cost.flops,
                None if cost is None else cost.activation_bytes,
                block_id in used,
            )
        )
    return Summary(rows, analysis.parameters, analysis)
