"""Design → ``torch.fx.GraphModule``, built explicitly from the design's dependency order."""

from __future__ import annotations

from torch import fx, nn

from designer.compiler.builders import TORCH_BLOCKS, Emitter
from designer.core.design import DesignGraph, id_order
from designer.core.inference import DesignReport, Problem, infer
from designer.core.summary import feeds_output


class CompileError(Exception):
    """The design has errors; ``problems`` lists them as the checks reported them."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("the design has errors:\n" + "\n".join(f"  {p}" for p in problems))
        self.problems = problems


def used_blocks(design: DesignGraph, report: DesignReport) -> list[str]:
    """Blocks that feed some Output, in dependency order: the ones that become part of the network."""
    needed = feeds_output(design)
    return [b for b in report.order if b in needed]


def blocks_of_kind(design: DesignGraph, block_ids: list[str], kind: str) -> list[str]:
    """The blocks of ``kind`` among ``block_ids``, in the order they were added."""
    return sorted((b for b in block_ids if design.block(b).kind == kind), key=id_order)


def compile_design(design: DesignGraph, report: DesignReport | None = None) -> fx.GraphModule:
    """Build the torch module of ``design``: one submodule per block, named after it.

    Its arguments are the Input blocks and its results the Output blocks, each in the order they were
    added; a design with one Output returns one tensor, otherwise a tuple. Blocks that feed no Output
    are left out. Raises :class:`CompileError` when the design has errors.
    """
    report = report or infer(design)
    if not report.ok:
        raise CompileError(report.errors)
    used = used_blocks(design, report)
    graph, root = fx.Graph(), nn.Module()
    values = {b: graph.placeholder(design.block(b).name) for b in blocks_of_kind(design, used, "Input")}
    for block_id in used:
        block = design.block(block_id)
        if block.kind in ("Input", "Output"):
            continue
        params = report.params[block_id]
        torch_block = TORCH_BLOCKS[block.kind]
        if torch_block.build is not None:
            root.add_module(block.name, torch_block.build(params))
        values[block_id] = torch_block.emit(
            Emitter(graph, block.kind, block.name, params),
            _inputs(design, block_id, values),
        )
    results = [_inputs(design, b, values)[0] for b in blocks_of_kind(design, used, "Output")]
    graph.output(results[0] if len(results) == 1 else tuple(results))
    module = fx.GraphModule(root, graph, class_name="DesignedNetwork")
    module.graph.lint()
    return module


def _inputs(design: DesignGraph, block_id: str, values: dict[str, fx.Node]) -> list[fx.Node]:
    block, incoming = design.block(block_id), design.incoming(block_id)
    return [values[incoming[port].source] for port in block.spec.input_ports(block.params)]
