"""One process's share of a data-parallel run started by torch's elastic launcher (``designer train --nproc``).

Every process holds the whole training set in memory and draws the same seeded order of samples each epoch;
each global batch (``batch_size`` samples) is split between the processes, process ``r`` taking every
``world_size``-th sample from the ``r``-th. Each process weighs its loss by its share of the batch, so that
DistributedDataParallel's average of the gradients is the gradient of the whole batch's mean loss: the same
update as one process with the same ``batch_size`` and learning rate. Tallies of loss and errors are summed
over the processes, so epoch metrics are those of the whole training and validation sets. Only rank 0 writes
the run folder and sends events.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import distributed, nn
from torch.nn.parallel import DistributedDataParallel

from designer.core.training_settings import TrainingSettingsError
from designer.training.metrics import Tally
from designer.training.run_folder import EVENTS, LOG, RunFolder


@dataclass(frozen=True)
class Shard:
    """This process's place in a data-parallel run: its rank among ``world_size`` and its local rank on its machine."""

    rank: int
    world_size: int
    local_rank: int

    @classmethod
    def from_environment(cls) -> Shard | None:
        """The shard torch's launcher gave this process (``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK``); ``None`` alone."""
        world_size = int(os.environ.get("WORLD_SIZE", "1"))
        if world_size < 2:
            return None
        return cls(int(os.environ["RANK"]), world_size, int(os.environ.get("LOCAL_RANK", "0")))

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    def join(self, device: torch.device) -> torch.device:
        """Join the process group on ``device`` (NCCL on CUDA, gloo elsewhere); returns this process's device."""
        if device.type == "cuda":
            if self.local_rank >= torch.cuda.device_count():
                raise TrainingSettingsError(
                    [f"--nproc: process {self.rank} needs GPU {self.local_rank}, but this machine has "
                     f"{torch.cuda.device_count()}; start at most one process per GPU, or train on the CPU"]
                )  # fmt: skip
            device = torch.device("cuda", self.local_rank)
            torch.cuda.set_device(device)
        if not distributed.is_initialized():
            distributed.init_process_group("nccl" if device.type == "cuda" else "gloo")
        return device

    def leave(self) -> None:
        if distributed.is_initialized():
            distributed.destroy_process_group()

    def wrap(self, model: nn.Module, device: torch.device) -> nn.Module:
        """``model`` in DistributedDataParallel, which starts every process from rank 0's weights."""
        return DistributedDataParallel(model, device_ids=[device] if device.type == "cuda" else None)

    def part(self, batch: torch.Tensor) -> torch.Tensor:
        """This process's samples of ``batch``: every ``world_size``-th one, starting at its rank."""
        return batch[self.rank :: self.world_size]

    def weighted(self, loss: torch.Tensor, samples: int, batch: int) -> torch.Tensor:
        """The mean ``loss`` of this process's ``samples`` weighted so that the gradients, averaged over the
        processes, are those of the mean loss over the whole ``batch``."""
        return loss * (samples * self.world_size / batch)

    def anyone(self, flag: bool, device: torch.device) -> bool:
        """Whether ``flag`` is set in any process: a stop asked of one process stops them all at the same step."""
        value = torch.tensor(int(flag), device=device)
        distributed.all_reduce(value, op=distributed.ReduceOp.MAX)
        return bool(value.item())

    def run_folder(self, path: Path) -> RunFolder:
        """The run folder as this process sees it: rank 0 writes it; the others only read it (to resume)."""
        return RunFolder(path) if self.is_main else ReadOnlyRunFolder(path)


def reduce_tally(tally: Tally) -> None:
    """Sum ``tally`` over the processes, so that its result is that of every process's samples together; a loss
    that is not finite is traced to the first batch of any process whose loss is not (the value that process
    found, or the summed loss in the others)."""
    tally.flush()
    counts = torch.tensor([tally.samples, tally.values], device=tally.device, dtype=torch.float64)
    zero = torch.zeros((), device=tally.device, dtype=torch.float64)
    sums = torch.stack([zero if s is None else s.double() for s in (tally.loss, tally.abs_error, tally.squared_error)])
    correct = torch.zeros((), device=tally.device, dtype=torch.long) if tally.correct is None else tally.correct
    for tensor in (counts, sums, correct, *([tally.confusion] if tally.confusion is not None else [])):
        distributed.all_reduce(tensor)
    tally.samples, tally.values = (int(v) for v in counts.tolist())
    tally.loss, tally.abs_error, tally.squared_error = (s.float() for s in sums)
    tally.correct = correct
    loss = tally.loss.item()
    if not math.isfinite(loss):  # the same in every process: all of them take part in finding the first batch
        own = tally.first_not_finite
        first = torch.tensor(tally.batches if own is None else own[0], device=tally.device)
        distributed.all_reduce(first, distributed.ReduceOp.MIN)
        index = int(first.item())
        if index < tally.batches:
            tally.first_not_finite = own if own is not None and own[0] == index else (index, loss)


def unwrap(model: nn.Module) -> nn.Module:
    """The design's own module inside a DistributedDataParallel wrapper (its state dict has no ``module.``)."""
    return model.module if isinstance(model, DistributedDataParallel) else model


class ReadOnlyRunFolder(RunFolder):
    """A run folder that a process other than rank 0 reads but never writes: its events and log go nowhere."""

    def create(self) -> RunFolder:
        return self

    def file(self, name: str) -> Path:
        return Path(os.devnull) if name in (EVENTS, LOG) else super().file(name)

    def _atomic(self, name: str, write: Any) -> None:
        pass

    def _append(self, name: str, text: str) -> None:
        pass
