"""Training settings → a torch optimiser and a learning-rate schedule that knows when it steps."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch
from torch import nn
from torch.optim import lr_scheduler


def make_optimizer(settings: dict[str, Any], parameters: Iterable[nn.Parameter]) -> torch.optim.Optimizer:
    """SGD with momentum, Adam or AdamW, with the settings' learning rate and weight decay."""
    lr, decay = settings["learning_rate"], settings["weight_decay"]
    if settings["optimizer"] == "sgd":
        return torch.optim.SGD(parameters, lr=lr, momentum=settings["momentum"], weight_decay=decay)
    if settings["optimizer"] == "adamw":
        return torch.optim.AdamW(parameters, lr=lr, weight_decay=decay)
    return torch.optim.Adam(parameters, lr=lr, weight_decay=decay)


class Schedule:
    """The ``schedule`` setting: one-cycle steps after every batch, the others after every epoch."""

    def __init__(self, settings: dict[str, Any], optimizer: torch.optim.Optimizer, steps_per_epoch: int) -> None:
        self.kind = settings["schedule"]
        self.optimizer = optimizer
        self.scheduler = _scheduler(settings, optimizer, steps_per_epoch)

    @property
    def lr(self) -> float:
        return float(self.optimizer.param_groups[0]["lr"])

    def after_step(self) -> None:
        # A resumed run given more epochs than it started with stays at the end of its cycle.
        if self.kind == "one-cycle" and self.scheduler.last_epoch < self.scheduler.total_steps:
            self.scheduler.step()

    def after_epoch(self, monitored: float) -> None:
        if isinstance(self.scheduler, lr_scheduler.ReduceLROnPlateau):
            self.scheduler.step(monitored)
        elif self.scheduler is not None and self.kind != "one-cycle":
            self.scheduler.step()

    def state_dict(self) -> dict[str, Any]:
        return {} if self.scheduler is None else self.scheduler.state_dict()

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if self.scheduler is not None:
            self.scheduler.load_state_dict(state)


def _scheduler(settings: dict[str, Any], optimizer: torch.optim.Optimizer, steps_per_epoch: int) -> Any:
    kind, epochs = settings["schedule"], settings["epochs"]
    if kind == "step":
        return lr_scheduler.StepLR(optimizer, step_size=settings["step_every"], gamma=settings["step_factor"])
    if kind == "cosine":
        return lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    if kind == "one-cycle":
        return lr_scheduler.OneCycleLR(
            optimizer, max_lr=settings["learning_rate"], epochs=epochs, steps_per_epoch=steps_per_epoch
        )
    if kind == "plateau":
        mode = "max" if settings["monitor"] == "val_accuracy" else "min"
        return lr_scheduler.ReduceLROnPlateau(
            optimizer, mode=mode, factor=settings["plateau_factor"], patience=settings["plateau_patience"]
        )
    return None
