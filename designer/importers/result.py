"""What an import gives back: the project, its weights, and a report of what became of every part of the model."""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from designer.core.project import Project


class ModelImportError(Exception):
    """A model that cannot be imported; the message says what is wrong and where."""


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message: onnx and torch messages go on for pages."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def unexpected(source: str, exc: BaseException) -> ModelImportError:
    """The refusal for a failure the importer did not foresee: what failed, and that it is worth reporting."""
    return ModelImportError(
        f"{source} could not be imported ({type(exc).__name__}: {first_line(exc)}); the file may be damaged, "
        "or it uses something the importer does not handle yet: please report it"
    )


@dataclass(frozen=True)
class Mapping:
    """One part of the source model and the block it became."""

    source: str
    """The ONNX node or torch call, as the source model names it."""
    op: str
    block: str
    kind: str


@dataclass
class ImportReport:
    """What mapped to Designer blocks, what was kept as a generic operator, and what else was noticed."""

    source: str
    mapped: list[Mapping] = field(default_factory=list)
    kept: list[Mapping] = field(default_factory=list)
    """Operators with no Designer block, kept as OnnxOp blocks."""
    folded: list[str] = field(default_factory=list)
    """Source parts that became part of a neighbouring block (a bias Add, a transpose around an LSTM, …)."""
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The report as text, one line per fact, for the command line and the editor."""
        lines = [f"imported {self.source}: {len(self.mapped)} parts mapped to blocks, {len(self.kept)} kept as OnnxOp"]
        lines += [f"  {m.source} ({m.op}) -> {m.block} ({m.kind})" for m in self.mapped]
        if self.kept:
            lines.append("kept as generic ONNX operators (they run, but cannot train or export; replace them):")
            lines += [f"  {m.source} ({m.op}) -> {m.block}" for m in self.kept]
        if self.folded:
            lines.append(
                f"folded into neighbouring blocks: {len(self.folded)} ({', '.join(self.folded[:8])}"
                + (", …)" if len(self.folded) > 8 else ")")
            )
        lines += [f"note: {note}" for note in self.notes]
        return lines


@dataclass
class ImportResult:
    """An imported model: a project whose compiled module takes ``weights`` as its state dict."""

    project: Project
    weights: dict[str, torch.Tensor]
    report: ImportReport
