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


def compute_loss(task: str, output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Cross-entropy on class scores, mean squared error, or BCE with logits; the mean over the batch."""
    if task != "classification":
        target = target.view_as(output)
    return _LOSSES[task](output.float(), target)


class Tally:
    """Sums of one epoch's loss and errors, kept as device tensors until :meth:`result` reads them once."""

    def __init__(self, task: str, device: torch.device, num_classes: int = 0, confusion: bool = False) -> None:
        self.task, self.num_classes = task, num_classes
        self.samples = 0
        self.values = 0
        self.loss = torch.zeros((), device=device)
        self.correct = torch.zeros((), device=device, dtype=torch.long)
        self.abs_error = torch.zeros((), device=device)
        self.squared_error = torch.zeros((), device=device)
        self.confusion = torch.zeros(num_classes * num_classes, device=device, dtype=torch.long) if confusion else None

    def add(self, output: torch.Tensor, target: torch.Tensor, loss: torch.Tensor) -> None:
        output, loss = output.detach(), loss.detach()
        batch = target.shape[0]
        self.samples += batch
        self.loss += loss * batch
        if self.task == "classification":
            predicted = output.argmax(dim=1)
            self.correct += (predicted == target).sum()
            if self.confusion is not None:
                self.confusion += torch.bincount(
                    target * self.num_classes + predicted, minlength=self.confusion.numel()
                )
        elif self.task == "multi-label":
            self.values += target.numel()
            self.correct += ((output > 0) == (target > 0.5)).sum()
        else:
            error = output.float() - target.view_as(output)
            self.values += error.numel()
            self.abs_error += error.abs().sum()
            self.squared_error += error.square().sum()

    def result(self) -> dict[str, Any]:
        """``{loss, accuracy}`` or ``{loss, mae, rmse}`` as plain floats."""
        samples = max(self.samples, 1)
        result: dict[str, Any] = {"loss": self.loss.item() / samples}
        if self.task == "classification":
            result["accuracy"] = self.correct.item() / samples
        elif self.task == "multi-label":
            result["accuracy"] = self.correct.item() / max(self.values, 1)
        else:
            values = max(self.values, 1)
            result["mae"] = self.abs_error.item() / values
            result["rmse"] = math.sqrt(self.squared_error.item() / values)
        return result

    def class_report(self) -> dict[str, Any]:
        """The confusion matrix (rows: true class) and per-class precision and recall."""
        assert self.confusion is not None
        matrix = self.confusion.view(self.num_classes, self.num_classes).cpu()
        hits = matrix.diagonal().double()
        predicted, actual = matrix.sum(dim=0).double(), matrix.sum(dim=1).double()
        return {
            "confusion": matrix.tolist(),
            "precision": (hits / predicted.clamp(min=1)).tolist(),
            "recall": (hits / actual.clamp(min=1)).tolist(),
        }
