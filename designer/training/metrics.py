"""Losses and metrics per task, tallied on the device so that a training step never waits for them."""

from __future__ import annotations

import math
from typing import Any

import torch
from torch.nn import functional

_LOSSES = {
    "classification": functional.cross_entropy,
    "regression": functional.mse_loss,
    "multi-label": functional.binary_cross_entropy_with_logits,
}


def compute_loss(task: str, output: torch.Tensor, target: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    """Cross-entropy on class scores, mean squared error, or BCE with logits; the batch's mean, or its ``sum``."""
    if task != "classification":
        target = target.view_as(output)
    return _LOSSES[task](output.float(), target, reduction=reduction)


class Tally:
    """Sums of one epoch's loss and errors, kept as device tensors until :meth:`result` reads them once.

    :meth:`add` only holds a batch's outputs and targets back; they are tallied together, a handful of device
    operations for many batches, when :meth:`flush` runs: when the held outputs reach ``HELD_VALUES`` numbers,
    and before the sums are read. A small model's step is mostly fixed per-operation cost, which several
    operations per step for the tally would add to.
    """

    HELD_VALUES = 1 << 22
    """Output numbers held back at most (16 MB in fp32) before they are tallied."""

    def __init__(self, task: str, device: torch.device, num_classes: int = 0, confusion: bool = False) -> None:
        self.task, self.num_classes = task, num_classes
        self.samples = 0
        self.values = 0
        self.loss = torch.zeros((), device=device)
        self.correct = torch.zeros((), device=device, dtype=torch.long)
        self.abs_error = torch.zeros((), device=device)
        self.squared_error = torch.zeros((), device=device)
        self.confusion = torch.zeros(num_classes * num_classes, device=device, dtype=torch.long) if confusion else None
        self._outputs: list[torch.Tensor] = []
        self._targets: list[torch.Tensor] = []
        self._held = 0

    def add(self, output: torch.Tensor, target: torch.Tensor) -> None:
        """Count one batch: ``output`` of the model, ``target`` the true classes or values."""
        self._outputs.append(output.detach())
        self._targets.append(target)
        self.samples += target.shape[0]
        if self.task != "classification":
            self.values += target.numel()
        self._held += output.numel()
        if self._held >= self.HELD_VALUES:
            self.flush()

    def flush(self) -> None:
        """Add the batches held back to the sums."""
        if not self._outputs:
            return
        output, target = (torch.cat(held) if len(held) > 1 else held[0] for held in (self._outputs, self._targets))
        self._outputs, self._targets, self._held = [], [], 0
        with torch.no_grad():
            output = output.float()
            self.loss += compute_loss(self.task, output, target, reduction="sum")
            if self.task == "classification":
                predicted = output.argmax(dim=1)
                self.correct += (predicted == target).sum()
                if self.confusion is not None:
                    self.confusion += torch.bincount(
                        target * self.num_classes + predicted, minlength=self.confusion.numel()
                    )
            elif self.task == "multi-label":
                self.correct += ((output > 0) == (target.view_as(output) > 0.5)).sum()
            else:
                error = output - target.view_as(output)
                self.abs_error += error.abs().sum()
                self.squared_error += error.square().sum()

    def result(self) -> dict[str, Any]:
        """``{loss, accuracy}`` or ``{loss, mae, rmse}`` as plain floats: the loss per sample for
        classification, per target value otherwise (the mean the training step minimises)."""
        self.flush()
        samples = max(self.samples, 1)
        if self.task == "classification":
            return {"loss": self.loss.item() / samples, "accuracy": self.correct.item() / samples}
        values = max(self.values, 1)
        result: dict[str, Any] = {"loss": self.loss.item() / values}
        if self.task == "multi-label":
            result["accuracy"] = self.correct.item() / values
        else:
            result["mae"] = self.abs_error.item() / values
            result["rmse"] = math.sqrt(self.squared_error.item() / values)
        return result

    def class_report(self) -> dict[str, Any]:
        """The confusion matrix (rows: true class) and per-class precision and recall."""
        assert self.confusion is not None
        self.flush()
        matrix = self.confusion.view(self.num_classes, self.num_classes).cpu()
        hits = matrix.diagonal().double()
        predicted, actual = matrix.sum(dim=0).double(), matrix.sum(dim=1).double()
        return {
            "confusion": matrix.tolist(),
            "precision": (hits / predicted.clamp(min=1)).tolist(),
            "recall": (hits / actual.clamp(min=1)).tolist(),
        }
