"""Time to 97 % validation accuracy on digits: the engine training lenet-digits against a hand-written script.

    python -m benchmarks.time_to_accuracy [--quick] [--device cuda]

Both follow the template's recipe: the same LeNet (the script's is built under the same seed, so it starts from the
same weights, which is checked), Adam at the template's learning rate with its one-cycle schedule over its epochs,
batch 64, the same stratified split normalised with training statistics (also checked), batches in an order drawn
from a generator seeded alike, one CPU thread (what the engine picks for a design this small), bf16 autocast on a GPU.

The engine runs in this process through :func:`designer.training.engine.train`, which is what ``designer train``
runs once it has read its arguments: it writes its run folder, checkpoints and JSON-lines events as in a real run.
A separate process would add the interpreter's and torch's start-up (seconds on this machine, noisy, and paid by a
hand-written script too) to a measurement of a few seconds. The clock runs from the call until the validation pass
that first reaches 97 %; with the same data, weights and batch order both reach it at the same epoch, so they are
timed doing the same work. Each of five seeds (of the weights, the batch order and the split) runs twice, each
contender going first once; the figure is the median over those turns of engine time / script time, in processor
time on the CPU (on a shared machine wall time measures the neighbours) and wall time on a GPU. Target: at most
1.1×. The benchmark stops with an error when either never reaches 97 %.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from benchmarks.devices import DEVICES, autocast, precision, synchronizer, torch_device
from benchmarks.table import Row, Target, print_table
from designer.compiler.compile import compile_design
from designer.core.project import Project
from designer.core.templates import load_template
from designer.training.data import load_dataset
from designer.training.engine import RunRequest, train
from designer.training.event_log import json_lines
from designer.training.stopping import StopRequest

TEMPLATE = "lenet-digits"
ACCURACY = 0.97
TARGET = Target("≤", 1.1)
VALIDATION_FRACTION = 0.2
WHO = ("engine", "script")


@dataclass(frozen=True)
class Reached:
    """When a run first reached the accuracy: wall and processor seconds since it started, and the epoch."""

    seconds: float
    cpu_seconds: float
    epoch: int


class Stopwatch:
    """Wall and processor time since it was made."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def reached(self, epoch: int) -> Reached:
        return Reached(time.perf_counter() - self.wall, time.process_time() - self.cpu, epoch)


class LeNet(nn.Module):
    """The lenet-digits template written by hand, its layers created in the order the compiler creates them."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc1 = nn.Linear(32 * 2 * 2, 64)
        self.dropout = nn.Dropout(0.2)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc2(self.dropout(F.relu(self.fc1(torch.flatten(x, 1)))))


def digits(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """scikit-learn's digits split 80/20 within each class, scaled to mean 0 and deviation 1 by the training part."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    x, y = (bunch.images.astype(np.float32) / 16.0)[:, None], bunch.target.astype(np.int64)
    rng = np.random.default_rng(seed)
    train_parts, val_parts = [], []
    for label in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == label))
        held_out = round(len(members) * VALIDATION_FRACTION)
        val_parts.append(members[:held_out])
        train_parts.append(members[held_out:])
    train_index, val_index = np.sort(np.concatenate(train_parts)), np.sort(np.concatenate(val_parts))
    train = x[train_index]
    mean = np.float32(train.mean(dtype=np.float64))
    std = np.float32(np.sqrt(np.square(train - mean).mean(dtype=np.float64)))
    x = (x - mean) / std
    return x[train_index], y[train_index], x[val_index], y[val_index]


def hand_written(settings: dict[str, Any], device: torch.device, seed: int) -> Reached | None:
    """The script a PyTorch user would write for the recipe; ``None`` when it never reaches the accuracy."""
    clock = Stopwatch()
    x_train, y_train, x_val, y_val = (torch.from_numpy(a).to(device) for a in digits(seed))
    torch.manual_seed(seed)
    model = LeNet().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=settings["learning_rate"])
    batch, epochs = settings["batch_size"], settings["epochs"]
    steps = len(range(0, len(x_train), batch))
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=settings["learning_rate"], epochs=epochs, steps_per_epoch=steps
    )
    order_generator = torch.Generator(device=device).manual_seed(seed)
    in_precision, log = autocast(device), io.StringIO()
    for epoch in range(1, epochs + 1):
        model.train()
        order = torch.randperm(len(x_train), device=device, generator=order_generator)
        for i in range(0, len(x_train), batch):
            index = order[i : i + batch]
            with in_precision():
                loss = F.cross_entropy(model(x_train[index]).float(), y_train[index])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
        model.eval()
        with torch.inference_mode(), in_precision():
            accuracy = (model(x_val).argmax(1) == y_val).float().mean().item()
        print(f"epoch {epoch}: loss {loss.item():.4f}, validation accuracy {accuracy:.4f}", file=log)
        if accuracy >= ACCURACY:
            return clock.reached(epoch)
    return None


def engine(project: Project, device: str, seed: int, out: Path, epochs: int | None = None) -> Reached | None:
    """Train with the engine, stopping at the accuracy; ``None`` when it never gets there."""
    reached: list[Reached] = []
    stop = StopRequest()
    clock = Stopwatch()

    def watch(event: dict[str, Any]) -> None:
        if event["event"] == "epoch" and event["val"]["accuracy"] >= ACCURACY and not reached:
            reached.append(clock.reached(event["epoch"]))
            stop.set()

    overrides = {"seed": seed, "device": device} | ({"epochs": epochs} if epochs else {})
    request = RunRequest(project=seeded(project, seed), out=out, overrides=overrides)
    last = train(request, [json_lines(io.StringIO()), watch], stop)
    if last["event"] == "error":
        raise SystemExit(f"{TEMPLATE}: the engine failed ({last['kind']}): {last['message']}")
    return reached[0] if reached else None


def seeded(project: Project, seed: int) -> Project:
    """``project`` with its dataset split by ``seed``."""
    return replace(project, dataset={**project.dataset, "seed": seed})


def check_same_recipe(project: Project, seed: int) -> None:
    """Stop with an error unless the script's data and initial weights are the engine's."""
    ours = load_dataset(seeded(project, seed).dataset)
    theirs = digits(seed)
    for name, a, b in zip(
        ("x_train", "y_train", "x_val", "y_val"),
        (ours.x_train, ours.y_train, ours.x_val, ours.y_val),
        theirs,
        strict=True,
    ):
        if not np.array_equal(a, b):
            raise SystemExit(f"{TEMPLATE}: the hand-written script's {name} differs from the engine's")
    torch.manual_seed(seed)
    compiled = compile_design(project.design)
    torch.manual_seed(seed)
    by_hand = LeNet()
    for (name, p), q in zip(compiled.named_parameters(), by_hand.parameters(), strict=True):
        if p.shape != q.shape or not torch.equal(p, q):
            raise SystemExit(f"{TEMPLATE}: the hand-written LeNet starts from other weights than the design ({name})")


def measure(seeds: range, repeats: int, device_name: str) -> dict[str, list[float]]:
    """Per turn (each seed ``repeats`` times): wall and processor seconds, and epochs, to the accuracy."""
    device = torch_device(device_name)
    project = load_template(TEMPLATE)
    settings = project.training
    for seed in seeds:
        check_same_recipe(project, seed)
    wait = synchronizer(device)
    results: dict[str, list[float]] = {f"{who}_{what}": [] for who in WHO for what in ("s", "cpu_s", "epochs")}
    turns = [seed for seed in seeds for _ in range(repeats)]
    with tempfile.TemporaryDirectory() as folder:
        engine(project, device_name, seeds[0], Path(folder) / "warm-up", epochs=1)  # first-call costs, untimed
        hand_written({**settings, "epochs": 1}, device, seeds[0])
        for turn, seed in enumerate(turns):
            contenders = [
                ("engine", lambda seed=seed, turn=turn: engine(project, device_name, seed, Path(folder) / f"{turn}")),
                ("script", lambda seed=seed: hand_written(settings, device, seed)),
            ]
            for who, run_once in contenders if turn % 2 == 0 else reversed(contenders):
                wait()
                reached = run_once()
                if reached is None:
                    raise SystemExit(
                        f"{TEMPLATE}: the {who} never reached {ACCURACY:.0%} validation accuracy "
                        f"in {settings['epochs']} epochs (seed {seed})"
                    )
                results[f"{who}_s"].append(reached.seconds)
                results[f"{who}_cpu_s"].append(reached.cpu_seconds)
                results[f"{who}_epochs"].append(reached.epoch)
    return results


def run(quick: bool = False, device: str = "cpu") -> list[Row]:
    """One row: the median over the turns of the engine's time to 97 % over the script's."""
    seeds, repeats = (range(3), 1) if quick else (range(5), 2)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        results = measure(seeds, repeats, device)
    finally:
        torch.set_num_threads(threads)
    clock = "s" if device == "cuda" else "cpu_s"  # a GPU's work is not the process's CPU time
    ratios = [e / s for e, s in zip(results[f"engine_{clock}"], results[f"script_{clock}"], strict=True)]
    medians = {f"{key}_median": statistics.median(values) for key, values in results.items() if key.endswith("_s")}
    raw = {"seeds": list(seeds), "repeats": repeats, "ratios": ratios, **results, **medians}
    return [
        Row(
            f"time to {ACCURACY:.0%} val accuracy, {TEMPLATE}" + (" (CPU time)" if clock == "cpu_s" else ""),
            "a hand-written script, same recipe",
            statistics.median(ratios),
            "×",
            TARGET,
            {**raw, "precision": precision(torch_device(device))},
        )
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="three seeds once instead of five twice")
    parser.add_argument("--device", choices=DEVICES, default="cpu", help="cuda trains in bf16, as the engine does")
    args = parser.parse_args(argv)
    rows = run(args.quick, args.device)
    print_table(rows)
    raw = rows[0].raw
    for who in WHO:
        print(
            f"{who}: median {raw[f'{who}_s_median']:.2f} s, CPU {raw[f'{who}_cpu_s_median']:.2f} s, "
            f"epochs {raw[f'{who}_epochs']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
