"""Starting a run from saved weights (the ``init_weights`` setting): block by block, each taking its tensors from
the file only when all of them fit.

A block the file has nothing for (added to the design since), or whose tensors do not fit (another shape, more or
fewer tensors: the block was edited, or fitted to the data as the last layer is), keeps the fresh weights the seed
gave it; such blocks are listed with the reason, and so are blocks of the file that the design no longer has.
A file that fits no block at all is refused: it was saved from another model.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from designer.compiler.weights_file import WeightsError, read_state_dict, shape_text, weights_file
from designer.core.training_settings import TrainingSettingsError, starting_weights_path


@dataclass(frozen=True)
class StartingWeights:
    """What a run started from: the file, and which blocks took its weights."""

    path: Path
    sha256: str
    loaded: list[str]
    """Blocks that start from the file's weights, in design order."""
    fresh: dict[str, str]
    """Blocks that keep fresh weights, each with the reason."""
    unused: list[str]
    """Blocks of the file that the design does not have."""

    def to_json(self) -> dict[str, Any]:
        """What the run folder's config and the start event record."""
        return {
            "path": str(self.path),
            "sha256": self.sha256,
            "loaded": self.loaded,
            "fresh": self.fresh,
            "unused": self.unused,
        }

    def notes(self) -> list[str]:
        """What a user should know: the blocks that did not take the file's weights, and those left unused."""
        notes = [f"{block} keeps fresh weights: {why}" for block, why in self.fresh.items()]
        if self.unused:
            notes.append(f"{self.path.name} also holds weights for {_names(self.unused)}, which the design lacks")
        return notes


def load_starting_weights(model: nn.Module, source: Path) -> StartingWeights:
    """Put the weights of ``source`` (a ``.pt`` state dict or a run folder) into the blocks of ``model`` they fit;
    raises :class:`WeightsError` when the file cannot be read or fits no block."""
    path = weights_file(source)
    theirs, ours = _by_block(read_state_dict(path)), _by_block(model.state_dict())
    fresh = {block: why for block, tensors in ours.items() if (why := _misfit(path.name, block, tensors, theirs))}
    loaded = [block for block in ours if block not in fresh]
    if ours and not loaded:
        reasons = "; ".join(f"{block}: {why}" for block, why in list(fresh.items())[:3])
        raise WeightsError(f"{path} fits no block of this design ({reasons}); was it saved from another model?")
    model.load_state_dict({key: tensor for block in loaded for key, tensor in theirs[block].items()}, strict=False)
    unused = [block for block in theirs if block not in ours]
    return StartingWeights(path.resolve(), _sha256(path), loaded, fresh, unused)


def load_init_weights(model: nn.Module, setting: str, base_dir: Path | None) -> StartingWeights:
    """Load the weights the ``init_weights`` setting names into ``model``, a relative path being from ``base_dir``
    (the project's folder); raises :class:`TrainingSettingsError` saying what is wrong with the file."""
    try:
        return load_starting_weights(model, starting_weights_path(setting, base_dir))
    except WeightsError as exc:
        raise TrainingSettingsError([f"training.init_weights: {exc}"]) from None


def loaded_tensors(model: nn.Module, starting: StartingWeights) -> dict[str, torch.Tensor]:
    """The tensors of ``model`` that came from the file: what a copy of the design needs to start as ``model`` does."""
    blocks = _by_block(model.state_dict())
    return {key: tensor for block in starting.loaded for key, tensor in blocks[block].items()}


def weights_left_beside(project_path: Path | None) -> list[str]:
    """A note when the weights ``designer import`` wrote beside the project (``<name>.pt``) go unused."""
    beside = project_path.with_suffix(".pt") if project_path is not None else None
    if beside is None or not beside.is_file():
        return []
    return [
        f"training starts from fresh weights; {beside.name} beside the project is not used. To fine-tune from it, "
        f"set init_weights to {beside.name} (designer train --init-weights {beside})"
    ]


def _by_block(state: dict[str, torch.Tensor]) -> dict[str, dict[str, torch.Tensor]]:
    """A state dict's tensors grouped by block: the first part of each name (``conv1.weight`` → ``conv1``)."""
    blocks: dict[str, dict[str, torch.Tensor]] = {}
    for key, tensor in state.items():
        blocks.setdefault(key.split(".", 1)[0], {})[key] = tensor
    return blocks


def _misfit(file: str, block: str, ours: dict[str, torch.Tensor], theirs: dict[str, dict[str, torch.Tensor]]) -> str:
    """Why ``block`` cannot take the file's tensors, or ``""`` when it can."""
    if block not in theirs:
        return f"{file} has no weights for it"
    missing = [key for key in ours if key not in theirs[block]]
    if missing:
        return f"{file} lacks {_names(missing)}"
    extra = [key for key in theirs[block] if key not in ours]
    if extra:
        return f"{file} has {_names(extra)}, which the design's {block} does not"
    for key, tensor in ours.items():
        if theirs[block][key].shape != tensor.shape:
            return f"{key} is {shape_text(theirs[block][key])} in {file}, the design needs {shape_text(tensor)}"
    return ""


def _names(names: list[str]) -> str:
    return ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
