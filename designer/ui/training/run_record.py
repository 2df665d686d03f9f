"""What one training run has reported so far, built from its events; the widgets only read it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from designer.ui.training.series import Series

ENDED = ("finished", "stopped", "early stopping", "failed")
"""States of a run that is over; a live one is "starting" or "running"."""


@dataclass
class Curves:
    """Everything a chart draws for one run; x is in epochs (step 150 at 100 steps an epoch is 1.5)."""

    step_loss: Series = field(default_factory=Series)
    step_lr: Series = field(default_factory=Series)
    train_loss: Series = field(default_factory=Series)
    val_loss: Series = field(default_factory=Series)
    train_metric: Series = field(default_factory=Series)
    val_metric: Series = field(default_factory=Series)


@dataclass
class RunRecord:
    """One run, live or read back from its folder."""

    name: str
    folder: Path | None = None
    state: str = "starting"
    message: str = ""
    """Why it failed, or how it ended."""
    config: dict[str, Any] = field(default_factory=dict)
    task: str = ""
    class_names: list[str] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)
    epochs: int = 0
    steps_per_epoch: int = 0
    batch_size: int = 0
    device: str = ""
    step: int = 0
    epoch: int = 0
    lr: float | None = None
    samples_per_s: float | None = None
    eta_s: float | None = None
    curves: Curves = field(default_factory=Curves)
    last_epoch: dict[str, Any] = field(default_factory=dict)
    """The latest epoch event: its confusion matrix, precision and recall."""
    gradients: dict[str, dict[str, float]] = field(default_factory=dict)
    """The latest gradient statistics, by block name."""
    init_weights: dict[str, Any] = field(default_factory=dict)
    """What the run's weights started from (the start event's ``init_weights``); empty for fresh weights."""
    warnings: list[str] = field(default_factory=list)
    error_kind: str = ""
    best: dict[str, Any] = field(default_factory=dict)
    complete: bool = True
    """False for a past run of which only the summary has been read (see ``run_history``)."""

    @property
    def ended(self) -> bool:
        return self.state in ENDED

    @property
    def metric_name(self) -> str:
        """The quality measure of the task: accuracy for classification, mean absolute error otherwise."""
        return "accuracy" if self.task == "classification" else "mae"

    @property
    def total_steps(self) -> int:
        return self.epochs * self.steps_per_epoch

    def apply(self, event: dict[str, Any]) -> None:
        """Take in one event; fields a (possibly older) engine leaves out are left as they were."""
        handler = getattr(self, f"_on_{event.get('event')}", None)
        if handler is None:
            return
        try:
            handler(event)
        except (KeyError, TypeError, ValueError) as exc:
            self.warnings.append(f"an event the panel could not read ({exc!r} in {event.get('event')})")

    def _on_start(self, event: dict[str, Any]) -> None:
        self.state = "running"
        if event.get("run"):
            self.folder = Path(event["run"])
        self.config = dict(event.get("config") or {})
        self.task = str(event.get("task", ""))
        self.class_names = [str(name) for name in event.get("class_names") or []]
        self.blocks = [str(name) for name in event.get("blocks") or []]
        self.epochs = int(event.get("epochs") or 0)
        self.steps_per_epoch = int(event.get("steps_per_epoch") or 0)
        self.batch_size = int(event.get("batch_size") or 0)
        self.device = str(event.get("device", ""))
        self.init_weights = dict(event.get("init_weights") or {})

    def _on_step(self, event: dict[str, Any]) -> None:
        self.state = "running"
        self.step, self.epoch = int(event["step"]), int(event.get("epoch", self.epoch))
        self.lr = _number(event.get("lr"), self.lr)
        self.samples_per_s = _number(event.get("samples_per_s"), self.samples_per_s)
        x = self.step / self.steps_per_epoch if self.steps_per_epoch else float(self.step)
        loss = _number(event.get("loss"))
        if loss is not None:
            self.curves.step_loss.append(x, loss)
        if self.lr is not None:
            self.curves.step_lr.append(x, self.lr)
        if (eta := _number(event.get("eta_s"))) is not None:
            self.eta_s = eta
        elif self.samples_per_s and self.batch_size and self.total_steps:
            self.eta_s = (self.total_steps - self.step) * self.batch_size / self.samples_per_s

    def _on_epoch(self, event: dict[str, Any]) -> None:
        self.epoch = int(event["epoch"])
        self.last_epoch = event
        self.eta_s = _number(event.get("eta_s"), self.eta_s)
        self.lr = _number(event.get("lr"), self.lr)
        self.samples_per_s = _number(event.get("samples_per_s"), self.samples_per_s)
        curves, metric = self.curves, self.metric_name
        for split, loss_series, metric_series in (
            ("train", curves.train_loss, curves.train_metric),
            ("val", curves.val_loss, curves.val_metric),
        ):
            values = event.get(split) or {}
            if (loss := _number(values.get("loss"))) is not None:
                loss_series.append(self.epoch, loss)
            if (value := _number(values.get(metric))) is not None:
                metric_series.append(self.epoch, value)

    def _on_gradients(self, event: dict[str, Any]) -> None:
        self.gradients = dict(event.get("blocks") or {})

    def _on_warning(self, event: dict[str, Any]) -> None:
        self.warnings.append(str(event.get("message", "")))

    def _on_done(self, event: dict[str, Any]) -> None:
        self.state = str(event.get("reason") or "finished")
        self.best = dict(event.get("best") or {})
        if isinstance(event.get("epochs"), int):
            self.message = f"{self.state} after {event['epochs']} epoch{'s' if event['epochs'] != 1 else ''}"
        self.eta_s = 0.0 if self.state == "finished" else None
        if event.get("run"):
            self.folder = Path(event["run"])

    def _on_error(self, event: dict[str, Any]) -> None:
        self.state = "failed"
        self.error_kind = str(event.get("kind", ""))
        self.message = str(event.get("message", "the run failed"))
        self.eta_s = None

    def fail(self, message: str) -> None:
        """End a run whose engine stopped without saying why."""
        self.state, self.message, self.eta_s = "failed", message, None


def _number(value: Any, otherwise: float | None = None) -> float | None:
    """A finite float from an event field, or ``otherwise`` (NaN loss is reported by an error event)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return otherwise
