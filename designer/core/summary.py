"""Per-block and total figures of a design: output shapes and parameter counts."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from designer.core.design import DesignGraph
from designer.core.inference import DesignReport
from designer.core.shapes import format_shape


@dataclass(frozen=True)
class BlockSummary:
    name: str
    kind: str
    output: str | None
    """Output shape such as ``N×64×5×5``; None when unknown because of a problem upstream."""
    params: int | None
    used: bool
    """Whether the block feeds an Output, and so is part of the compiled network."""


@dataclass(frozen=True)
class Summary:
    blocks: list[BlockSummary]
    total_params: int

    def to_json(self) -> dict:
        return {
            "blocks": [vars(b) for b in self.blocks],
            "total_params": self.total_params,
        }


def feeds_output(design: DesignGraph) -> set[str]:
    """Blocks from which some Output block can be reached (Output blocks included)."""
    outputs = [b.id for b in design.blocks() if b.kind == "Output"]
    return set(outputs).union(*(nx.ancestors(design.graph, b) for b in outputs))


def summarize(design: DesignGraph, report: DesignReport) -> Summary:
    """Output shape and parameter count of every block, in dependency order, and the network's total."""
    used = feeds_output(design)
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
        rows.append(
            BlockSummary(
                block.name, block.kind, None if shown is None else format_shape(shown.shape), count, block_id in used
            )
        )
    total = sum(r.params or 0 for r in rows if r.used)
    return Summary(rows, total)
