"""The model every export starts from: the design compiled, its weights loaded, in evaluation mode."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import torch
from torch import fx

from designer.compiler.compile import CompileError, blocks_of_kind, compile_design, used_blocks
from designer.core.analysis import concrete_shape
from designer.core.design import DesignGraph
from designer.core.inference import infer
from designer.core.shapes import BATCH, SEQUENCE, TensorType
from designer.export.weights import WeightsError, load_weights

EXPORT_BATCH = 2
"""Exported with a batch of 2: a batch of 1 can freeze the batch size into recurrent and attention graphs."""
PARITY_BATCHES = (1, 3, 17)
TRACE_LENGTH = 8
OTHER_LENGTHS = (5, -3, 1, -1)
"""Offsets from the declared length tried, in order, for a second parity length when it is the traced one."""


class ExportError(Exception):
    """An export that cannot be made or did not verify; ``problems`` holds one message per thing wrong."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message: torch's messages go on for pages."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@dataclass(frozen=True)
class ModelInput:
    name: str
    type: TensorType
    declared_length: int | None
    """The length declared on the Input block when the length varies; None when it is fixed."""


@dataclass
class PreparedModel:
    module: fx.GraphModule
    inputs: list[ModelInput]
    output_names: list[str]
    output_types: list[TensorType]
    weights: Path | None
    """The weights file loaded; None for the initial weights."""

    @property
    def varies(self) -> bool:
        return any(i.declared_length is not None for i in self.inputs)

    @property
    def declared_length(self) -> int | None:
        """The length declared on the first Input whose length varies (at least 2: a length of 1 gets frozen)."""
        declared = [i.declared_length for i in self.inputs if i.declared_length is not None]
        return max(declared[0], 2) if declared else None

    @cached_property
    def length(self) -> int | None:
        """The sequence length exports are traced at: a short one where the design runs there, since tracing a
        recurrent block costs time in proportion to the length; else the declared one."""
        declared = self.declared_length
        if declared is not None and declared > TRACE_LENGTH and self._runs_at(TRACE_LENGTH):
            return TRACE_LENGTH
        return declared

    def example_inputs(self, batch: int, length: int | None = None, seed: int = 0) -> tuple[torch.Tensor, ...]:
        """Random inputs for every Input block, in order: token ids below the vocabulary size, or normal values."""
        generator = torch.Generator().manual_seed(seed)
        sizes = {BATCH: batch, SEQUENCE: length or self.length or 1}
        tensors = []
        for model_input in self.inputs:
            shape, kind = concrete_shape(model_input.type.shape, sizes), model_input.type
            if kind.dtype == "int64":
                tensors.append(torch.randint(kind.vocab_size or 2, shape, generator=generator))
            else:
                tensors.append(torch.randn(shape, generator=generator))
        return tuple(tensors)

    def outputs_of(self, inputs: tuple[torch.Tensor, ...]) -> list[torch.Tensor]:
        result = self.module(*inputs)
        return list(result) if isinstance(result, tuple) else [result]

    def parity_sizes(self, vary_length: bool = True) -> list[tuple[int, int | None]]:
        """Batch sizes (and, for varying sequences, two lengths) that an exported model is compared at."""
        lengths = [self.declared_length, self.other_length] if self.varies and vary_length else [self.declared_length]
        return [(batch, length) for batch in PARITY_BATCHES for length in lengths]

    @cached_property
    def other_length(self) -> int | None:
        """A second length to compare at: the traced one when it is not the declared one, else the first nearby
        length at which torch runs the design (None when no length varies)."""
        if self.declared_length is None or self.length != self.declared_length:
            return self.length
        candidates = (self.declared_length + offset for offset in OTHER_LENGTHS)
        return next((length for length in candidates if length > 1 and self._runs_at(length)), None)

    def _runs_at(self, length: int) -> bool:
        try:
            with torch.no_grad():
                self.outputs_of(self.example_inputs(EXPORT_BATCH, length))
        except RuntimeError:
            return False
        return True


def prepare(design: DesignGraph, weights: Path | None = None) -> PreparedModel:
    """Compile ``design``, load ``weights`` (a run folder or a ``.pt`` file) if given, and switch to evaluation.

    Raises :class:`ExportError` with the design's own messages when it has errors, or with the weights' problem.
    """
    report = infer(design)
    try:
        module = compile_design(design, report)
    except CompileError as exc:
        raise ExportError([f"the design has errors: {p}" for p in exc.problems]) from None
    loaded = None
    if weights is not None:
        try:
            loaded = load_weights(module, weights)
        except WeightsError as exc:
            raise ExportError([str(exc)]) from None
    used_ids = used_blocks(design, report)
    inputs = []
    for block_id in blocks_of_kind(design, used_ids, "Input"):
        block = design.block(block_id)
        declared = block.params["shape"][0] if block.params["variable_length"] else None
        inputs.append(ModelInput(block.name, report.outputs[block_id][0], declared))
    outputs = blocks_of_kind(design, used_ids, "Output")
    names, types = [design.block(b).name for b in outputs], [report.inputs[b][0] for b in outputs]
    return PreparedModel(module.eval(), inputs, names, types, loaded)
