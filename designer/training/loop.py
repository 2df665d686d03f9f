"""One epoch of training and one pass of validation over tensors already on the device, batched by indexing."""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from designer.training.data.augment import augment
from designer.training.dataset import Dataset
from designer.training.distributed import Shard, reduce_tally, unwrap
from designer.training.event_log import EventLog
from designer.training.metrics import Tally, compute_loss
from designer.training.optimization import Schedule
from designer.training.stopping import StopRequest

STEP_EVENT_INTERVAL = 0.05
"""Seconds between step events: enough for smooth charts, few enough to cost nothing."""
GRADIENT_REPORT_INTERVAL = 0.25
"""Seconds at least between gradient reports. Each reads every weight and gradient of the model, which would
cost a small model's short epochs several per cent if it came a fixed number of times per epoch."""


class Diverged(Exception):
    """The loss stopped being a finite number."""

    def __init__(self, epoch: int, step: int, value: float) -> None:
        super().__init__(f"the loss became {value} at epoch {epoch}, step {step}")
        self.epoch, self.step, self.value = epoch, step, value


@dataclass
class DeviceData:
    """The whole dataset as tensors on the training device."""

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor


def steps_per_epoch(samples: int, batch_size: int) -> int:
    """Batches per epoch; a last batch of a single sample is skipped (batch norm cannot train on one sample)."""
    steps = math.ceil(samples / batch_size)
    return steps - 1 if samples % batch_size == 1 and steps > 1 else steps


class Trainer:
    """Runs epochs of one model, sending step and gradient events as it goes."""

    def __init__(
        self,
        model: nn.Module,
        dataset: Dataset,
        data: DeviceData,
        optimizer: torch.optim.Optimizer,
        schedule: Schedule,
        settings: dict[str, Any],
        *,
        precision: str,
        augmentation: dict[str, Any] | None,
        events: EventLog,
        stop: StopRequest,
        shard: Shard | None = None,
    ) -> None:
        self.model, self.task, self.num_classes, self.data = model, dataset.task, len(dataset.class_names), data
        self.optimizer, self.schedule, self.events, self.stop = optimizer, schedule, events, stop
        self.batch_size, self.epochs = settings["batch_size"], settings["epochs"]
        self.clip = settings["gradient_clipping"]
        self.augmentation = augmentation
        """Dataset settings asking for random flips or crops of training images, or ``None``."""
        self.shard = shard
        """This process's share of each batch in a data-parallel run; ``None`` alone."""
        self.device = data.x_train.device
        self.steps = steps_per_epoch(len(data.x_train), self.batch_size)
        self.generator = torch.Generator(device=self.device).manual_seed(settings["seed"])
        self.step = 0
        self.last_gradient_report: float | None = None
        """When this run last reported gradients (``time.perf_counter``); ``None`` before its first report."""
        self.train_seconds = 0.0
        self.steps_this_run = 0
        self._autocast: Callable[[], Any] = (
            (lambda: torch.autocast(self.device.type, dtype=torch.bfloat16))
            if precision == "bf16"
            else contextlib.nullcontext
        )
        blocks = _parameters_by_block(unwrap(model))
        self._block_names = list(blocks)
        self._parameters = [p for params in blocks.values() for p in params]
        block_of = [i for i, params in enumerate(blocks.values()) for _ in params]
        self._block_of = torch.tensor(block_of, dtype=torch.long, device=self.device)
        """The index of each parameter's block in ``_block_names``, kept on the device for the gradient reports."""

    def train_epoch(self, epoch: int) -> dict[str, Any] | None:
        """Train on every batch once; the epoch's metrics, or ``None`` when a stop was asked for."""
        self.model.train()
        tally = Tally(self.task, self.device, self.num_classes)
        order = torch.randperm(len(self.data.x_train), device=self.device, generator=self.generator)
        final_step = self.steps - 1 if epoch == self.epochs else None
        first_step = self.step + 1
        started = last_event = time.perf_counter()
        samples_since_event = 0
        for i in range(self.steps):
            if self._stop_asked():
                return None
            index = order[i * self.batch_size : (i + 1) * self.batch_size]
            x, y = self.data.x_train[index], self.data.y_train[index]
            if self.augmentation is not None:
                x = augment(x, self.augmentation, self.generator)
            if self.shard is not None:  # the whole batch is drawn and augmented alike in every process
                x, y = self.shard.part(x), self.shard.part(y)
            with self._autocast():
                output = self.model(x)
                # A share left empty by a batch smaller than the processes still joins the gradient exchange.
                loss = compute_loss(self.task, output, y) if y.shape[0] else output.float().sum() * 0.0
            self.optimizer.zero_grad(set_to_none=True)
            (loss if self.shard is None else self.shard.weighted(loss, y.shape[0], index.shape[0])).backward()
            self.step += 1
            if self._gradients_due(i == final_step):
                self.events.emit("gradients", epoch=epoch, step=self.step, blocks=self.gradient_stats())
            if self.clip > 0:
                nn.utils.clip_grad_norm_(self.model.parameters(), self.clip)
            self.optimizer.step()
            self.schedule.after_step()
            tally.add(output, y)
            samples_since_event += index.shape[0]
            now, last = time.perf_counter(), i == self.steps - 1
            due = last or now - last_event >= STEP_EVENT_INTERVAL
            if due:
                value = loss.item()
                if self.shard is None and not math.isfinite(value):
                    tally.flush()
                    raise self._diverged(epoch, first_step, tally, value)
                self._step_event(epoch, i, value, samples_since_event / max(now - last_event, 1e-9), now - started)
                last_event, samples_since_event = now, 0
        self.train_seconds += time.perf_counter() - started
        self.steps_this_run += self.steps
        if self.shard is not None:
            reduce_tally(tally)
        result = tally.result()
        if not math.isfinite(result["loss"]):
            raise self._diverged(epoch, first_step, tally, result["loss"])
        return result

    def _diverged(self, epoch: int, first_step: int, tally: Tally, value: float) -> Diverged:
        """The exact step whose loss stopped being finite, found from the batches ``tally`` held (the epoch's
        first one at ``first_step``); the training went on a few steps past it, but no weights were saved since.
        """
        if tally.first_not_finite is None:
            return Diverged(epoch, self.step, value)
        batch, loss = tally.first_not_finite
        return Diverged(epoch, first_step + batch, loss)

    def evaluate(self) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """Metrics on the validation samples and, for classification, the class report; ``None`` when stopped."""
        model = unwrap(self.model)  # processes may hold different numbers of batches: no collectives here
        model.eval()
        tally = Tally(self.task, self.device, self.num_classes, confusion=self.task == "classification")
        batch = max(self.batch_size, 256)
        with torch.inference_mode(), self._autocast():
            for start in range(0, len(self.data.x_val), batch):
                if self.shard is None and self.stop.is_set():
                    return None
                x, y = self.data.x_val[start : start + batch], self.data.y_val[start : start + batch]
                tally.add(model(x), y)
        if self.shard is not None:
            reduce_tally(tally)
        report = tally.class_report() if self.task == "classification" else {}
        return tally.result(), report

    def _stop_asked(self) -> bool:
        """Whether to stop before the next step; in a data-parallel run, whether any process was asked to."""
        asked = self.stop.is_set()
        return asked if self.shard is None else self.shard.anyone(asked, self.device)

    def _gradients_due(self, last_of_run: bool) -> bool:
        """Whether to report gradients at this step: the first of the run, the last of its last epoch, and
        others at most every ``GRADIENT_REPORT_INTERVAL`` seconds."""
        now = time.perf_counter()
        last = self.last_gradient_report
        if last is not None and not last_of_run and now - last < GRADIENT_REPORT_INTERVAL:
            return False
        self.last_gradient_report = now
        return True

    def gradient_stats(self) -> dict[str, dict[str, float]]:
        """Per block: the norm of its gradients and of its weights, all of its parameters together.

        A few batched operations for the whole model, whatever its number of blocks, and one read of the results.
        """
        if not self._parameters:
            return {}
        with torch.no_grad():
            grads = [p.grad for p in self._parameters]
            present = [i for i, grad in enumerate(grads) if grad is not None]
            grad_blocks = self._block_of if len(present) == len(grads) else self._block_of[present]
            norms = torch.stack(
                [
                    self._norms_by_block([grads[i] for i in present], grad_blocks),
                    self._norms_by_block(self._parameters, self._block_of),
                ]
            ).tolist()
        return {
            name: {"grad_norm": grad, "weight_norm": weight}
            for name, grad, weight in zip(self._block_names, *norms, strict=True)
        }

    def _norms_by_block(self, tensors: list[torch.Tensor], blocks: torch.Tensor) -> torch.Tensor:
        """The norm of each block's ``tensors`` taken together (``blocks`` gives each one's block); 0 for none."""
        squares = torch.zeros(len(self._block_names), device=self.device)
        if tensors:
            norms = torch.stack(torch._foreach_norm(tensors)).float()
            squares.index_add_(0, blocks, norms.square())
        return squares.sqrt()

    def _step_event(self, epoch: int, i: int, loss: float, samples_per_s: float, epoch_seconds: float) -> None:
        steps_done = self.steps_this_run + i + 1
        step_seconds = (self.train_seconds + epoch_seconds) / steps_done
        steps_left = (self.epochs - epoch) * self.steps + (self.steps - i - 1)
        self.events.emit(
            "step",
            epoch=epoch,
            step=self.step,
            loss=loss,
            lr=self.schedule.lr,
            samples_per_s=samples_per_s,
            eta_s=steps_left * step_seconds,
        )


def _parameters_by_block(model: nn.Module) -> dict[str, list[nn.Parameter]]:
    """Trainable parameters grouped by the block (top-level submodule) they belong to."""
    blocks: dict[str, list[nn.Parameter]] = {}
    for name, param in model.named_parameters():
        if param.requires_grad:
            blocks.setdefault(name.split(".", 1)[0], []).append(param)
    return blocks
