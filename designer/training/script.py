"""A standalone training script (``designer export --format train-script``): the engine's training, torch only.

The data is loaded, split and normalised by Designer's own loaders and saved beside the script as ``.npz``
(numeric arrays, read with ``allow_pickle=False``): every source (built-in sets, CSV, IDX, image folders) leaves
the desktop the same way, the split and normalisation are exactly the engine's, and the script needs no
scikit-learn. The loss, tallies, optimiser, schedule, batching and augmentation are Designer's own definitions,
copied in as source, so the script trains as the engine does; the network comes from the PyTorch code export.
When the project starts from saved weights (``init_weights``), they are matched to the design's blocks here, as the
engine matches them, and the tensors of the blocks that take them go beside the script as a ``.start.pt`` state dict.
"""

from __future__ import annotations

import ast
import inspect
import pprint
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import torch

from designer.compiler.compile import compile_design
from designer.core.design import DesignGraph
from designer.core.inference import infer
from designer.core.project import Project
from designer.core.summary import summarize
from designer.core.training_settings import resolve_training_settings
from designer.training import distributed, loop, metrics, optimization
from designer.training.data import augment, load_dataset
from designer.training.data.configure import apply_changes, changes_to_fit
from designer.training.dataset import Dataset
from designer.training.device import select_cpu_threads
from designer.training.script_template import MAIN
from designer.training.session import augmentation_settings
from designer.training.starting_weights import StartingWeights, load_init_weights, loaded_tensors, weights_left_beside

IMPORTS = """from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import distributed, nn
from torch.nn import functional
from torch.nn.parallel import DistributedDataParallel
from torch.optim import lr_scheduler"""
COPIED: tuple[tuple[ModuleType, tuple[str, ...]], ...] = (
    (metrics, ("_LOSSES", "compute_loss", "Tally")),
    (distributed, ("reduce_tally",)),
    (loop, ("steps_per_epoch",)),
    (optimization, ("make_optimizer", "Schedule", "_scheduler")),
    (augment, ("augment", "random_flip", "random_crop")),
)
"""Designer's definitions the script runs, module by module."""


@dataclass
class TrainingScript:
    """What a training script is made of, besides the network: the data, the settings, the design fitted to it."""

    title: str
    dataset: Dataset
    settings: dict[str, Any]
    design: DesignGraph
    """A snapshot of the design with its Input and Output set to the data, as the engine trains it."""
    augmentation: dict[str, Any] | None
    cpu_threads: int | None
    starting: StartingWeights | None = None
    """What the run starts from when ``init_weights`` is set; ``None`` for fresh weights."""
    starting_tensors: dict[str, torch.Tensor] = field(default_factory=dict)
    """The tensors of the blocks that take the starting weights, by their names in the network."""
    notes: list[str] = field(default_factory=list)
    """What a user should know about the starting weights."""

    def write(self, path: Path, network: str) -> list[str]:
        """Write the script to ``path`` around ``network`` (its class code) and the data beside it as ``.npz``;
        a line per thing written."""
        data = path.with_suffix(".npz")
        arrays = self.dataset
        np.savez(
            data, x_train=arrays.x_train, y_train=arrays.y_train, x_val=arrays.x_val, y_val=arrays.y_val
        )  # fmt: skip
        start = path.with_suffix(".start.pt") if self.starting is not None else None
        if start is not None:
            torch.save(self.starting_tensors, start)
        text = self.source(network, data.name, start.name if start is not None else None)
        compile(text, str(path), "exec")
        path.write_text(text, encoding="utf-8")
        return [
            f"data: {len(arrays.x_train):,} training and {len(arrays.x_val):,} validation samples in {data.name}",
            *([self._starting_line(start.name)] if start is not None else []),
            *(f"note: {note}" for note in self.notes),
            f"imports: {', '.join(sorted(imported_packages(text)))} and the standard library",
            f"run it: python {path.name}   or   torchrun --nproc_per_node N {path.name}",
        ]

    def source(self, network: str, data_name: str, start_name: str | None = None) -> str:
        """The text of the script, reading its data from ``data_name`` beside it, and its starting weights from
        ``start_name`` beside it when there are some."""
        start = f"Path(__file__).with_name({start_name!r})" if start_name is not None else "None"
        starting_from = [self._starting_line(start_name), *self.notes] if start_name is not None else []
        # the script reads its starting weights from STARTING_WEIGHTS, never from the path the project gave
        settings = {key: value for key, value in self.settings.items() if key != "init_weights"}
        constants = [
            f"DATA = Path(__file__).with_name({data_name!r})",
            f"STARTING_WEIGHTS = {start}",
            '"""Weights Designer matched to the network\'s blocks (init_weights); other blocks keep the seed\'s."""',
            f"STARTING_FROM: list[str] = {pprint.pformat(starting_from)}",
            f"TASK = {self.dataset.task!r}",
            f"NUM_CLASSES = {len(self.dataset.class_names)}",
            f"SETTINGS: dict[str, Any] = {pprint.pformat(settings, sort_dicts=False)}",
            f"AUGMENTATION: dict[str, Any] | None = {self.augmentation!r}",
            f"CPU_THREADS = {self.cpu_threads!r}",
            '"""Threads per operation on the CPU (None: torch\'s default); one is fastest for a small network."""',
        ]
        copied = [_definitions(module, names) for module, names in COPIED]
        head = _docstring(self.title, data_name, start_name)
        parts = [head, IMPORTS, network, *copied, "\n".join(constants), MAIN.strip()]
        return "\n\n\n".join(parts) + '\n\n\nif __name__ == "__main__":\n    main()\n'

    def _starting_line(self, start_name: str) -> str:
        """What the script starts from: the file Designer matched, the blocks that take it, where the copy is."""
        starting = self.starting
        assert starting is not None, "only scripts that start from saved weights say so"
        return (
            f"starting from {starting.path} (sha256 {starting.sha256[:12]}…), copied into {start_name}: "
            f"weights for {', '.join(starting.loaded)}"
        )


def training_script(project: Project, project_path: Path | None, init_weights: Path | None = None) -> TrainingScript:
    """The data, settings and starting weights of ``project``'s script, ``init_weights`` replacing the project's
    setting when given; raises ``DataError`` or ``TrainingSettingsError``."""
    base_dir = project_path.resolve().parent if project_path else None
    dataset = load_dataset(project.dataset, base_dir)
    training = project.training if init_weights is None else {**project.training, "init_weights": str(init_weights)}
    settings = resolve_training_settings(training, dataset.task)
    design = project.design.snapshot()
    apply_changes(design, changes_to_fit(design, dataset))
    report = infer(design)
    step_flops = summarize(design, report).total_flops * settings["batch_size"]
    threads = select_cpu_threads(settings["cpu_threads"], step_flops)
    augmentation = augmentation_settings(replace(project, design=design), dataset)
    if augmentation is not None:
        augmentation = {key: augmentation[key] for key in ("augment_flip", "augment_crop_padding")}
    script = TrainingScript(
        project.name, dataset, settings, design, augmentation, 1 if threads == 1 else settings["cpu_threads"]
    )
    if not settings["init_weights"]:
        script.notes = weights_left_beside(project_path)
    elif report.ok:  # a design with errors is refused when its network is exported, with the checks' messages
        model = compile_design(design, report)
        script.starting = load_init_weights(model, settings["init_weights"], base_dir)
        script.starting_tensors = loaded_tensors(model, script.starting)
        script.notes = script.starting.notes()
    return script


def imported_packages(text: str) -> set[str]:
    """The top-level packages a script imports, the standard library and ``__future__`` left out."""
    names = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return {name for name in names if name not in sys.stdlib_module_names and name != "__future__"}


def _docstring(title: str, data_name: str, start_name: str | None) -> str:
    starting = (
        f"Training starts from the weights in {start_name} beside this file, matched by Designer to the network's\n"
        "blocks (init_weights); the blocks they do not fit start from the seed's fresh weights.\n"
        if start_name is not None
        else ""
    )
    return (
        f'"""{title}: train the network designed in Designer, with only torch and numpy.\n\n'
        "    python train.py                          # one process: the first GPU, or the CPU\n"
        "    torchrun --nproc_per_node N train.py     # N processes: NCCL on GPUs, gloo on the CPU\n"
        "    torchrun --nnodes 2 --node_rank R --rdzv_backend c10d --rdzv_endpoint HOST:29400 \\\\\n"
        "        --nproc_per_node N train.py          # two machines: R is 0 on one, 1 on the other\n\n"
        f"The data, split and normalised by Designer, is {data_name} beside this file. batch_size is the global\n"
        "batch: every process draws the same seeded order and takes its share of each batch, with the learning\n"
        "rate of one process. Only rank 0 prints and saves last.pt, best.pt (state dicts) and metrics.jsonl in --out.\n"
        f'{starting}"""'
    )


def _definitions(module: ModuleType, names: tuple[str, ...]) -> str:
    """The source of the top-level functions, classes and assignments called ``names`` in ``module``, in order."""
    source = inspect.getsource(module)
    found = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            name = node.name
        else:
            continue
        if name in names:
            found[name] = ast.get_source_segment(source, node)
    return "\n\n\n".join(found[name] for name in names)
