"""Builds an imported design block by block: valid unique names, connections, and the weights of each block."""

from __future__ import annotations

import keyword
import re
from typing import Any

import torch

from designer.core.design import RESERVED_NAMES, Connection, DesignError, DesignGraph
from designer.importers.result import ImportReport, Mapping, ModelImportError

Port = tuple[str, str]
"""A block id and one of its output ports."""


def block_name(text: str, fallback: str) -> str:
    """``text`` made into a usable block name: ``layer1.0.conv1`` → ``layer1_0_conv1``."""
    name = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")[:80]
    if not name or not name[0].isalpha():
        name = f"{fallback}_{name}" if name else fallback
    if keyword.iskeyword(name) or name in RESERVED_NAMES:
        name += "_"
    return name


class DesignBuilder:
    """Adds blocks to a new design and gathers the state dict its compiled module will take."""

    def __init__(self, report: ImportReport) -> None:
        self.design = DesignGraph()
        self.weights: dict[str, torch.Tensor] = {}
        self.report = report
        self.paths: dict[str, str | None] = {}
        """The module path each block came from (``layer1.0.conv1``), for grouping."""
        self._taken: set[str] = set()

    def add(
        self,
        kind: str,
        name: str,
        params: dict[str, Any],
        inputs: list[Port],
        source: str = "",
        op: str = "",
    ) -> str:
        """Add a block fed by ``inputs`` (in port order) and return its id; a refused parameter names the source."""
        name = self.unique(block_name(name, kind.lower()))
        try:
            block_id = self.design.add_block(kind, name, params)
            ports = self.design.block(block_id).spec.input_ports(self.design.block(block_id).params)
            for port, (source_id, source_port) in zip(ports, inputs, strict=True):
                self.design.connect(Connection(source_id, source_port, block_id, port))
        except (DesignError, ValueError) as exc:
            raise ModelImportError(f"{source or name} ({op or kind}): {exc}") from None
        if source:
            entry = Mapping(source, op, name, kind)
            (self.report.kept if kind == "OnnxOp" else self.report.mapped).append(entry)
        return block_id

    def unique(self, name: str) -> str:
        candidate, n = name, 1
        while candidate in self._taken:
            n += 1
            candidate = f"{name}_{n}"
        self._taken.add(candidate)
        return candidate

    def name_of(self, block_id: str) -> str:
        return self.design.block(block_id).name

    def set_weights(self, block_id: str, tensors: dict[str, torch.Tensor]) -> None:
        prefix = self.name_of(block_id)
        for key, tensor in tensors.items():
            self.weights[f"{prefix}.{key}"] = tensor.detach().clone().contiguous()

    def drop_removed_weights(self) -> None:
        """Forget the weights of blocks taken out of the design again."""
        names = {block.name for block in self.design.blocks()}
        self.weights = {key: value for key, value in self.weights.items() if key.partition(".")[0] in names}
