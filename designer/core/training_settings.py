"""The training settings a project stores under ``"training"``: declared once for the panel, checks and engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from designer.core.params import ChoiceParam, FloatParam, IntParam, Param, TextParam, check_section

OPTIMIZERS = ("adam", "adamw", "sgd")
SCHEDULES = ("none", "step", "cosine", "one-cycle", "plateau")
METRICS = ("val_loss", "val_accuracy", "val_mae", "val_rmse")
HIGHER_IS_BETTER = frozenset({"val_accuracy"})
METRIC_TASKS = {
    "val_accuracy": ("classification", "multi-label"),
    "val_mae": ("regression",),
    "val_rmse": ("regression",),
}
"""Metrics that only some tasks report; ``val_loss`` is there for every task."""

SETTINGS: tuple[Param, ...] = (
    ChoiceParam("optimizer", "adam", "adam and adamw adapt each weight's step; sgd uses momentum.", choices=OPTIMIZERS),
    FloatParam("learning_rate", 0.001, "Size of each update step (the peak rate for one-cycle).", minimum=0.0),
    FloatParam(
        "momentum",
        0.9,
        "sgd: how much of the previous update carries into the next.",
        minimum=0.0,
        maximum=1.0,
        exclusive_maximum=True,
    ),
    FloatParam("weight_decay", 0.0, "Pulls weights towards zero to curb over-fitting (0: off).", minimum=0.0),
    IntParam("batch_size", 64, "Samples per update step.", minimum=1, maximum=1_000_000),
    IntParam("epochs", 10, "Passes over the training samples.", minimum=1, maximum=100_000),
    ChoiceParam(
        "schedule",
        "none",
        "How the learning rate changes: step lowers it every few epochs, cosine eases it to zero, one-cycle "
        "warms up then anneals per step, plateau lowers it when the monitored metric stops improving.",
        choices=SCHEDULES,
    ),
    IntParam("step_every", 10, "step: lower the learning rate every this many epochs.", minimum=1, maximum=100_000),
    FloatParam("step_factor", 0.1, "step: multiply the learning rate by this.", minimum=0.0, maximum=1.0),
    FloatParam(
        "plateau_factor",
        0.1,
        "plateau: multiply the learning rate by this.",
        minimum=0.0,
        maximum=1.0,
        exclusive_maximum=True,
    ),
    IntParam(
        "plateau_patience",
        2,
        "plateau: epochs without improvement before lowering the rate.",
        minimum=0,
        maximum=100_000,
    ),
    IntParam("seed", 0, "Seed of the initial weights, the batch order and dropout.", minimum=0, maximum=2**31 - 1),
    TextParam(
        "init_weights",
        "",
        "Start from these weights instead of fresh ones: a .pt state dict (such as the one designer import writes "
        "beside the project) or a run folder (its best.pt), relative to the project file's folder. Blocks the file "
        "has no fitting weights for keep fresh weights; the run lists them.",
        empty_means="fresh weights from the seed",
    ),
    FloatParam(
        "gradient_clipping", 0.0, "Scale gradients down when their total norm exceeds this (0: off).", minimum=0.0
    ),
    ChoiceParam(
        "monitor",
        "val_loss",
        "The validation metric that picks the best epoch (best.pt), drives plateau and early stopping.",
        choices=METRICS,
    ),
    IntParam(
        "early_stopping_patience",
        None,
        "Stop when the monitored metric has not improved for this many epochs.",
        minimum=1,
        maximum=100_000,
        optional=True,
        none_means="never stop early",
    ),
    ChoiceParam(
        "device",
        "auto",
        "Where to train; auto picks CUDA, then Apple MPS, then the CPU.",
        choices=("auto", "cpu", "cuda", "mps"),
    ),
    IntParam(
        "cpu_threads",
        None,
        "CPU: threads per operation. Automatic uses one for small designs, whose operations gain less from "
        "sharing out than they lose waiting for busy cores, and every core for larger ones.",
        minimum=1,
        maximum=1024,
        optional=True,
        none_means="automatic",
    ),
    ChoiceParam(
        "precision",
        "auto",
        "auto: bf16 mixed precision on a GPU that supports it, fp32 elsewhere.",
        choices=("auto", "fp32", "bf16"),
    ),
)

_BY_NAME = {p.name: p for p in SETTINGS}
APPLIES_WHEN: dict[str, tuple[str, tuple[str, ...]]] = {
    "momentum": ("optimizer", ("sgd",)),
    "step_every": ("schedule", ("step",)),
    "step_factor": ("schedule", ("step",)),
    "plateau_factor": ("schedule", ("plateau",)),
    "plateau_patience": ("schedule", ("plateau",)),
}
"""Settings that mean something only for some values of another: name → (that setting, its values)."""


class TrainingSettingsError(ValueError):
    """Training settings that cannot be used; ``problems`` each start with their place (``training.epochs: …``)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def setting(name: str) -> Param:
    """The declaration of one setting."""
    return _BY_NAME[name]


def applies(name: str, settings: dict[str, Any]) -> bool:
    """Whether setting ``name`` means something given the other ``settings`` (the panel hides it otherwise)."""
    if name not in APPLIES_WHEN:
        return True
    other, values = APPLIES_WHEN[name]
    return settings.get(other, _BY_NAME[other].default) in values


def validate_training_settings(settings: Any, task: str | None = None) -> list[str]:
    """Every problem with ``settings``, each starting with its place; ``task`` also checks the monitored metric."""
    problems = check_section("training", settings, _BY_NAME)
    if not isinstance(settings, dict):
        return problems
    monitor = settings.get("monitor", setting("monitor").default)
    if task is not None and task not in METRIC_TASKS.get(monitor, (task,)):
        problems.append(f"training.monitor: {task} does not report {monitor}; monitor val_loss instead")
    return problems


def resolve_training_settings(settings: Any, task: str | None = None) -> dict[str, Any]:
    """All settings with defaults filled in and values normalised; raises :class:`TrainingSettingsError`."""
    problems = validate_training_settings(settings, task)
    if problems:
        raise TrainingSettingsError(problems)
    return {p.name: p.check(settings[p.name]) if p.name in settings else p.default for p in SETTINGS}


def starting_weights_path(setting: str, project_folder: Path | None) -> Path:
    """The file the ``init_weights`` setting names: ``~`` expanded, a relative path taken from the project's folder."""
    path = Path(setting.strip()).expanduser()
    return path if path.is_absolute() or project_folder is None else project_folder / path
