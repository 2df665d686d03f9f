"""One training run from start to end: settings, data, the design fitted to it, epochs, checkpoints and events."""

from __future__ import annotations

import math
import platform
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from designer import __version__
from designer.compiler.compile import compile_design
from designer.core.dataset_settings import resolve_dataset_settings
from designer.core.inference import infer
from designer.core.project import Project
from designer.core.summary import summarize
from designer.core.training_settings import HIGHER_IS_BETTER, resolve_training_settings
from designer.training.data import load_dataset
from designer.training.data.configure import apply_changes, changes_to_fit
from designer.training.dataset import Dataset
from designer.training.device import select_cpu_threads, select_device, select_precision
from designer.training.distributed import unwrap
from designer.training.event_log import EventLog
from designer.training.loop import DeviceData, Diverged, Trainer, steps_per_epoch
from designer.training.optimization import Schedule, make_optimizer
from designer.training.run_folder import BEST, CHECKPOINT, CONFIG, LAST, PROJECT, RunFolder, serialized
from designer.training.starting_weights import load_init_weights, weights_left_beside
from designer.training.stopping import StopRequest

if TYPE_CHECKING:
    from designer.training.engine import RunRequest


class DesignProblems(Exception):
    """The design cannot be trained on this data; the message lists what the checks said."""


class ResumeError(Exception):
    """A run folder that cannot be resumed."""


class OutOfMemory(Exception):
    def __init__(self, device: torch.device, batch_size: int, epoch: int | None) -> None:
        super().__init__(
            f"ran out of memory on {device} with batch_size {batch_size}; lower batch_size, "
            "make the design smaller, or train on the CPU"
        )
        self.epoch = epoch


class Session:
    """Carries out one :class:`RunRequest` in one run folder."""

    def __init__(self, request: RunRequest, run: RunFolder, events: EventLog, stop: StopRequest) -> None:
        self.request, self.run, self.events, self.stop = request, run, events, stop
        self.epoch: int | None = None
        self.best: dict[str, Any] | None = None
        self.stale_epochs = 0
        self.rows: list[dict[str, Any]] = []
        self.warnings: list[str] = []
        self.step_flops = 0
        self.starting_weights: dict[str, Any] | None = None
        """What the run's weights started from (see ``StartingWeights.to_json``); ``None`` for fresh weights."""

    def execute(self) -> dict[str, Any]:
        project, config = self._project_and_config()
        dataset = load_dataset(project.dataset, self._base_dir(config))
        self.warnings = self._fit_design(project, dataset)
        self.settings = resolve_training_settings(config["settings"], dataset.task)
        model = self._compile(project)
        self.device = select_device(self.settings["device"])
        if self.request.shard is not None:
            self.device = self.request.shard.join(self.device)
        precision = select_precision(self.settings["precision"], self.device)
        threads = torch.get_num_threads()
        if self.device.type == "cpu":
            torch.set_num_threads(select_cpu_threads(self.settings["cpu_threads"], self.step_flops))
        try:
            return self._train(project, dataset, model, precision, config)
        except Exception as exc:
            if _is_out_of_memory(exc):
                raise OutOfMemory(self.device, self.settings["batch_size"], self.epoch) from exc
            raise
        finally:
            torch.set_num_threads(threads)

    # ---- before training -----------------------------------------------------------------
    def _project_and_config(self) -> tuple[Project, dict[str, Any]]:
        """The project to train and the run's config; a resumed run brings its own snapshot and settings."""
        request, overrides = self.request, self.request.overrides
        if request.resume is None:
            assert request.project is not None
            project = replace(request.project, design=request.project.design.snapshot())
            self.run.save_project(project)
            settings = {**project.training, **overrides}
            resolve_training_settings(settings)  # settings problems before data problems
            return project, {"settings": settings, "dataset": project.dataset}
        for name in (PROJECT, CONFIG, CHECKPOINT):
            if not self.run.file(name).exists():
                raise ResumeError(f"{self.run.path} cannot be resumed: it has no {name}")
        config = self.run.read_json(CONFIG)
        config["settings"] = {**config["settings"], **overrides}
        resolve_training_settings(config["settings"])
        return self.run.load_project(), config

    def _base_dir(self, config: dict[str, Any]) -> Path | None:
        """The folder relative data paths are read from: the project file's, or the one a resumed run recorded."""
        if self.request.project_path is not None:
            return self.request.project_path.resolve().parent
        return Path(config["base_dir"]) if config.get("base_dir") else None

    def _fit_design(self, project: Project, dataset: Dataset) -> list[str]:
        """Set the snapshot's Input and Output to the data; one warning per change."""
        design = project.design
        inputs = [b.name for b in design.blocks() if b.kind == "Input"]
        outputs = [b.name for b in design.blocks() if b.kind == "Output"]
        if len(inputs) != 1 or len(outputs) != 1:
            raise DesignProblems(
                f"training needs exactly one Input and one Output block; this design has {len(inputs)} Input "
                f"({', '.join(inputs) or 'none'}) and {len(outputs)} Output ({', '.join(outputs) or 'none'})"
            )
        changes = changes_to_fit(design, dataset)
        apply_changes(design, changes)
        if changes:
            self.run.save_project(project)
        return [f"changed to fit the data: {change.message}" for change in changes]

    def _compile(self, project: Project) -> torch.nn.Module:
        report = infer(project.design)
        if not report.ok:
            fitted = f" (after {'; '.join(self.warnings)})" if self.warnings else ""
            raise DesignProblems("the design has errors: " + "; ".join(str(p) for p in report.errors) + fitted)
        self.step_flops = summarize(project.design, report).total_flops * self.settings["batch_size"]
        torch.manual_seed(self.settings["seed"])
        return compile_design(project.design, report)

    # ---- training ------------------------------------------------------------------------
    def _train(
        self, project: Project, dataset: Dataset, model: torch.nn.Module, precision: str, config: dict[str, Any]
    ) -> dict[str, Any]:
        if self.request.resume:
            self.starting_weights = config.get("init_weights")
        else:
            self.starting_weights = self._load_starting_weights(model, config)
        model.to(self.device)
        data = _to_device(dataset, self.device)
        _check_fit(model, dataset, data)
        shard = self.request.shard
        if shard is not None:  # each process validates its share; the tallies are summed
            data = DeviceData(data.x_train, data.y_train, shard.part(data.x_val), shard.part(data.y_val))
            model = shard.wrap(model, self.device)
        optimizer = make_optimizer(self.settings, model.parameters())
        schedule = Schedule(self.settings, optimizer, steps_per_epoch(len(data.x_train), self.settings["batch_size"]))
        trainer = Trainer(
            model, dataset, data, optimizer, schedule, self.settings,
            precision=precision, augmentation=augmentation_settings(project, dataset), events=self.events,
            stop=self.stop, shard=shard,
        )  # fmt: skip
        first = self._restore(trainer) if self.request.resume else 0
        self._write_config(config, precision, first)
        if not self.request.resume:
            self.run.save_tensors(LAST, model.state_dict())
        self._start_event(project, dataset, trainer, precision, first)
        for message in self.warnings:
            self.events.emit("warning", message=message)
        return self._epochs(trainer, first)

    def _load_starting_weights(self, model: torch.nn.Module, config: dict[str, Any]) -> dict[str, Any] | None:
        """Load the ``init_weights`` setting's weights into ``model``; a note per block they do not fit."""
        source = self.settings["init_weights"]
        if not source:
            self.warnings += weights_left_beside(self.request.project_path)
            return None
        starting = load_init_weights(model, source, self._base_dir(config))
        self.warnings += [f"starting from {starting.path.name}: {note}" for note in starting.notes()]
        return starting.to_json()

    def _epochs(self, trainer: Trainer, first: int) -> dict[str, Any]:
        started, reason = time.monotonic(), "finished"
        for epoch in range(first + 1, self.settings["epochs"] + 1):
            self.epoch = epoch
            metrics = self._one_epoch(trainer, epoch, first, started)
            if metrics is None:
                reason = "stopped"
                break
            if self._should_stop_early():
                reason = "early stopping"
                break
        finished = self.rows[-1]["epoch"] if self.rows else first
        return self.events.emit(
            "done",
            reason=reason,
            epochs=finished,
            best=self.best,
            seconds=time.monotonic() - started,
            run=str(self.run.path),
        )

    def _one_epoch(self, trainer: Trainer, epoch: int, first: int, started: float) -> dict[str, Any] | None:
        epoch_started, lr = time.monotonic(), trainer.schedule.lr
        train_seconds = trainer.train_seconds
        train = trainer.train_epoch(epoch)
        validation = None if train is None else trainer.evaluate()
        if train is None or validation is None:
            return None
        val, class_report = validation
        if not math.isfinite(val["loss"]):
            raise Diverged(epoch, trainer.step, val["loss"])
        monitored = self._monitored(val)
        is_best = self._update_best(epoch, monitored)
        trainer.schedule.after_epoch(monitored)
        done = epoch - first
        seconds = time.monotonic() - epoch_started
        row = {
            "epoch": epoch,
            "train": train,
            "val": val,
            "lr": lr,
            "seconds": seconds,
            "samples_per_s": len(trainer.data.x_train) / max(trainer.train_seconds - train_seconds, 1e-9),
            "eta_s": (time.monotonic() - started) / done * (self.settings["epochs"] - epoch),
            "best": is_best,
            **class_report,
        }
        self.rows.append(row)
        self.run.write_metrics(self.rows)  # before the checkpoint: a resumed run leaves out rows after its epoch
        self._save(trainer, epoch, is_best)
        self.events.emit("epoch", **row)
        self.events.emit("checkpoint", epoch=epoch, kind="last", path=str(self.run.file(LAST)))
        if is_best:
            self.events.emit("checkpoint", epoch=epoch, kind="best", path=str(self.run.file(BEST)))
        return row

    def _monitored(self, val: dict[str, Any]) -> float:
        return float(val[self.settings["monitor"].removeprefix("val_")])

    def _update_best(self, epoch: int, value: float) -> bool:
        metric = self.settings["monitor"]
        better = self.best is None or (
            value > self.best["value"] if metric in HIGHER_IS_BETTER else value < self.best["value"]
        )
        if better:
            self.best, self.stale_epochs = {"epoch": epoch, "metric": metric, "value": value}, 0
        else:
            self.stale_epochs += 1
        return better

    def _should_stop_early(self) -> bool:
        patience = self.settings["early_stopping_patience"]
        return patience is not None and self.stale_epochs >= patience

    # ---- checkpoints ---------------------------------------------------------------------
    def _save(self, trainer: Trainer, epoch: int, is_best: bool) -> None:
        weights = unwrap(trainer.model).state_dict()
        weights_file = serialized(weights)
        self.run.write_bytes(LAST, weights_file)
        if is_best:
            self.run.write_bytes(BEST, weights_file)
        state = {
            "epoch": epoch,
            "step": trainer.step,
            "model": weights,
            "optimizer": trainer.optimizer.state_dict(),
            "schedule": trainer.schedule.state_dict(),
            "best": self.best,
            "stale_epochs": self.stale_epochs,
            "torch_rng": torch.get_rng_state(),
            "batch_order_rng": trainer.generator.get_state(),
        }
        if self.device.type == "cuda":
            state["cuda_rng"] = torch.cuda.get_rng_state(self.device)
        self.run.save_tensors(CHECKPOINT, state)

    def _restore(self, trainer: Trainer) -> int:
        """Load the checkpoint of a resumed run; returns its last finished epoch."""
        state = self.run.load_tensors(CHECKPOINT)
        epoch = int(state["epoch"])
        if epoch >= self.settings["epochs"]:
            raise ResumeError(
                f"{self.run.path} has finished {epoch} of {self.settings['epochs']} epochs; "
                "ask for more epochs (--epochs) to continue it"
            )
        unwrap(trainer.model).load_state_dict(state["model"])
        trainer.optimizer.load_state_dict(state["optimizer"])
        trainer.schedule.load_state_dict(state["schedule"])
        trainer.generator.set_state(state["batch_order_rng"])
        torch.set_rng_state(state["torch_rng"])
        if "cuda_rng" in state and self.device.type == "cuda":
            torch.cuda.set_rng_state(state["cuda_rng"], self.device)
        trainer.step = int(state["step"])
        self.best, self.stale_epochs = state["best"], int(state["stale_epochs"])
        try:
            self.rows = [row for row in self.run.read_metrics() if row["epoch"] <= epoch]
        except ValueError as exc:
            raise ResumeError(f"{self.run.path} cannot be resumed: {exc}") from None
        return epoch

    # ---- what the run tells ----------------------------------------------------------------
    def _write_config(self, config: dict[str, Any], precision: str, first: int) -> None:
        base_dir = self._base_dir(config)
        self.run.write_json(
            CONFIG,
            {
                "settings": self.settings,
                "dataset": config.get("dataset"),
                "device": str(self.device),
                "precision": precision,
                "cpu_threads": torch.get_num_threads() if self.device.type == "cpu" else None,
                "project_file": str(self.request.project_path) if self.request.project_path else None,
                "base_dir": None if base_dir is None else str(base_dir),
                "resumed_from_epoch": first,
                "init_weights": self.starting_weights,
                "versions": {
                    "designer": __version__,
                    "torch": torch.__version__,
                    "numpy": np.__version__,
                    "python": platform.python_version(),
                },
            },
        )

    def _start_event(self, project: Project, dataset: Dataset, trainer: Trainer, precision: str, first: int) -> None:
        self.events.emit(
            "start",
            run=str(self.run.path),
            project=project.name,
            device=str(self.device),
            precision=precision,
            epochs=self.settings["epochs"],
            steps_per_epoch=trainer.steps,
            batch_size=self.settings["batch_size"],
            train_samples=len(dataset.x_train),
            val_samples=len(dataset.x_val),
            parameters=sum(p.numel() for p in trainer.model.parameters()),
            task=dataset.task,
            class_names=list(dataset.class_names),
            blocks=[b.name for b in project.design.blocks()],
            config=self.settings,
            resumed_from_epoch=first,
            dataset={"name": dataset.name, "notes": list(dataset.notes)},
            init_weights=self.starting_weights,
        )


def augmentation_settings(project: Project, dataset: Dataset) -> dict[str, Any] | None:
    """The dataset settings when they ask for image augmentation, else ``None``."""
    settings = resolve_dataset_settings(project.dataset)
    wanted = settings["augment_flip"] or settings["augment_crop_padding"] > 0
    return settings if wanted and dataset.input_kind == "image" else None


def _to_device(dataset: Dataset, device: torch.device) -> DeviceData:
    """The whole dataset as tensors on ``device``: targets as class indices or float values."""
    target_type = torch.int64 if dataset.task == "classification" else torch.float32

    def tensor(array: np.ndarray, dtype: torch.dtype | None = None) -> torch.Tensor:
        return torch.from_numpy(np.ascontiguousarray(array)).to(device=device, dtype=dtype)

    return DeviceData(
        tensor(dataset.x_train), tensor(dataset.y_train, target_type),
        tensor(dataset.x_val), tensor(dataset.y_val, target_type),
    )  # fmt: skip


def _check_fit(model: torch.nn.Module, dataset: Dataset, data: DeviceData) -> None:
    """Run two samples through the design before training so that a mismatch is a design error, named."""
    model.eval()
    try:
        with torch.inference_mode():
            output = model(data.x_val[:2])
    except RuntimeError as exc:
        if _is_out_of_memory(exc):
            raise
        first_line = (str(exc).strip().splitlines() or ["(no message)"])[0]
        raise DesignProblems(f"the design cannot run on samples of {dataset.name}: {first_line}") from None
    per_sample = int(np.prod(output.shape[1:], dtype=np.int64))
    if per_sample != dataset.num_outputs:
        what = "classes" if dataset.task == "classification" else "target values per sample"
        raise DesignProblems(
            f"the design gives {per_sample} values per sample but {dataset.name} has {dataset.num_outputs} {what}; "
            "make the last layer give that many"
        )


def _is_out_of_memory(exc: BaseException) -> bool:
    return isinstance(exc, (torch.OutOfMemoryError, MemoryError)) or (
        isinstance(exc, RuntimeError) and "out of memory" in str(exc).lower()
    )
