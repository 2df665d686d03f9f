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
    operations per step for the tally would add to. The sums are ``None`` until the first flush creates them.
    """

    HELD_VALUES = 1 << 22
    """Output numbers held back at most (16 MB in fp32) before they are tallied."""

    def __init__(self, task: str, device: torch.device, num_classes: int = 0, confusion: bool = False) -> None:
        self.task, self.num_classes, self.device = task, num_classes, device
        self.samples = 0
        self.values = 0
        self.batches = 0
        self.loss: torch.Tensor | None = None
        self.correct: torch.Tensor | None = None
        self.abs_error: torch.Tensor | None = None
        self.squared_error: torch.Tensor | None = None
        self.confusion = torch.zeros(num_classes * num_classes, device=device, dtype=torch.long) if confusion else None
        self.first_not_finite: tuple[int, float] | None = None
        """The first batch whose loss is not a finite number (its index among those added) and that loss."""
        self._outputs: list[torch.Tensor] = []
        self._targets: list[torch.Tensor] = []
        self._held = 0

    def add(self, output: torch.Tensor, target: torch.Tensor) -> None:
        """Count one batch: ``output`` of the model, ``target`` the true classes or values."""
        self._outputs.append(output.detach())
        self._targets.append(target)
        self.batches += 1
        self.samples += target.shape[0]
        if self.task != "classification":
            self.values += target.numel()
        self._held += output.numel()
        if self._held >= self.HELD_VALUES:
            self.flush()

    def flush(self) -> None:
        """Add the batches held back to the sums; a loss that is not finite is traced to its first batch."""
        if not self._outputs:
            return
        outputs, targets = self._outputs, self._targets
        output, target = (torch.cat(held) if len(held) > 1 else held[0] for held in (outputs, targets))
        self._outputs, self._targets, self._held = [], [], 0
        with torch.no_grad():
            output = output.float()
            loss = compute_loss(self.task, output, target, reduction="sum")
            self.loss = loss if self.loss is None else self.loss + loss
            if self.task == "classification":
                predicted = output.argmax(dim=1)
                self._add_correct((predicted == target).sum())
                if self.confusion is not None:
                    self.confusion += torch.bincount(
                        target * self.num_classes + predicted, minlength=self.confusion.numel()
                    )
            elif self.task == "multi-label":
                self._add_correct(((output > 0) == (target.view_as(output) > 0.5)).sum())
            else:
                error = output - target.view_as(output)
                abs_error, squared_error = error.abs().sum(), error.square().sum()
                self.abs_error = abs_error if self.abs_error is None else self.abs_error + abs_error
                self.squared_error = squared_error if self.squared_error is None else self.squared_error + squared_error
            if self.first_not_finite is None and not math.isfinite(loss.item()):
                self._find_not_finite(outputs, targets)

    def _add_correct(self, correct: torch.Tensor) -> None:
        self.correct = correct if self.correct is None else self.correct + correct

    def _find_not_finite(self, outputs: list[torch.Tensor], targets: list[torch.Tensor]) -> None:
        """Set :attr:`first_not_finite` from the batches just tallied (the last ``len(outputs)`` added)."""
        first = self.batches - len(outputs)
        for i, (output, target) in enumerate(zip(outputs, targets, strict=True)):
            if not math.isfinite(compute_loss(self.task, output, target, reduction="sum").item()):
                self.first_not_finite = first + i, compute_loss(self.task, output, target).item()
                return

    @staticmethod
    def _read(total: torch.Tensor | None) -> float:
        return 0.0 if total is None else total.item()

    def result(self) -> dict[str, Any]:
        """``{loss, accuracy}`` or ``{loss, mae, rmse}`` as plain floats: the loss per sample for
        classification, per target value otherwise (the mean the training step minimises)."""
        self.flush()
        samples = max(self.samples, 1)
        if self.task == "classification":
            return {"loss": self._read(self.loss) / samples, "accuracy": self._read(self.correct) / samples}
        values = max(self.values, 1)
        result: dict[str, Any] = {"loss": self._read(self.loss) / values}
        if self.task == "multi-label":
            result["accuracy"] = self._read(self.correct) / values
        else:
            result["mae"] = self._read(self.abs_error) / values
            result["rmse"] = math.sqrt(self._read(self.squared_error) / values)
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
