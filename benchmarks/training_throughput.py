"""Training throughput of the engine's epoch loop against a minimal hand-written PyTorch loop.

    python -m benchmarks.training_throughput [--quick]

Both train the same compiled model (same initial weights) on the same in-memory data with the same batch size and
optimiser, one thread, epochs alternating. The engine runs as in a real run: step and gradient events written as
JSON lines, metrics tallied on the device. Epochs are timed in processor time (on a shared machine wall time also
counts the neighbours' turns), as ``model_step`` times its steps. The figure is the engine's samples per second
relative to the hand loop's, the median over the rounds of each round's ratio (target: at least 0.95). The
benchmark fails when the engine's model has not learnt (a broken loop timed fast proves nothing).
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable

import torch
from torch.nn import functional as F

from benchmarks.table import Row, Target, print_table
from benchmarks.timing import compare
from designer.compiler.compile import compile_design
from designer.core.templates import load_template
from designer.core.training_settings import resolve_training_settings
from designer.training.data import load_dataset
from designer.training.data.configure import apply_changes, changes_to_fit
from designer.training.event_log import EventLog, json_lines
from designer.training.loop import DeviceData, Trainer
from designer.training.optimization import Schedule, make_optimizer
from designer.training.stopping import StopRequest

TARGET = 0.95
TEMPLATES = ("lenet-digits", "mlp-tabular")
ROUNDS = {"lenet-digits": 40, "mlp-tabular": 300}
"""Epochs timed of each (a quarter with --quick): the MLP's take about 10 ms, so many more for a steady median."""
LEARNT = {"lenet-digits": 0.9, "mlp-tabular": 0.7}
"""Training accuracy the engine's model must reach by the end, or the benchmark fails."""


def contenders(template: str) -> tuple[Callable[[], None], Callable[[], None], Callable[[], float]]:
    """The engine's epoch, the hand loop's epoch, and the engine model's training accuracy."""
    project = load_template(template)
    settings = resolve_training_settings({**project.training, "schedule": "none", "epochs": 10_000})
    dataset = load_dataset(project.dataset)
    design = project.design.snapshot()
    apply_changes(design, changes_to_fit(design, dataset))
    x, y = torch.from_numpy(dataset.x_train), torch.from_numpy(dataset.y_train)
    batch = settings["batch_size"]

    torch.manual_seed(0)
    hand_model = compile_design(design)
    hand_optimizer = make_optimizer(settings, hand_model.parameters())
    order_generator = torch.Generator().manual_seed(0)

    def hand_epoch() -> None:
        hand_model.train()
        order = torch.randperm(len(x), generator=order_generator)
        for i in range(0, len(x), batch):
            index = order[i : i + batch]
            loss = F.cross_entropy(hand_model(x[index]), y[index])
            hand_optimizer.zero_grad(set_to_none=True)
            loss.backward()
            hand_optimizer.step()

    torch.manual_seed(0)
    model = compile_design(design)
    optimizer = make_optimizer(settings, model.parameters())
    data = DeviceData(x, y, torch.from_numpy(dataset.x_val), torch.from_numpy(dataset.y_val))
    trainer = Trainer(
        model,
        dataset,
        data,
        optimizer,
        Schedule(settings, optimizer, 1),
        settings,
        precision="fp32",
        augmentation=None,
        events=EventLog([json_lines(io.StringIO())]),
        stop=StopRequest(),
    )
    epochs = iter(range(1, 10_001))

    def engine_epoch() -> None:
        trainer.train_epoch(next(epochs))

    def accuracy() -> float:
        model.eval()
        with torch.no_grad():
            return float((model(x).argmax(1) == y).float().mean())

    return engine_epoch, hand_epoch, accuracy


def run(quick: bool = False) -> list[Row]:
    """One row per template: the engine's throughput over the hand loop's, in one thread."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return [measure(template, ROUNDS[template] // (4 if quick else 1)) for template in TEMPLATES]
    finally:
        torch.set_num_threads(threads)


def measure(template: str, rounds: int) -> Row:
    """Time ``rounds`` epochs of each, side by side; stop with an error when the engine's model has not learnt."""
    engine_epoch, hand_epoch, accuracy = contenders(template)
    result = compare(engine_epoch, hand_epoch, rounds=rounds, calls=1, clock=time.process_time)
    learnt = accuracy()
    if learnt < LEARNT[template]:
        raise SystemExit(f"{template}: the engine's model reached only {learnt:.1%} training accuracy")
    return Row(
        f"training throughput, {template} (CPU time)",
        "a minimal hand-written loop",
        1 / result.ratio,  # throughput is the inverse of an epoch's time
        "×",
        Target("≥", TARGET),
        {
            "engine_ms_per_epoch": result.ours_s * 1e3,
            "by_hand_ms_per_epoch": result.reference_s * 1e3,
            "rounds": rounds,
        },
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer epochs, for a sanity check")
    args = parser.parse_args(argv)
    print_table(run(args.quick))
    return 0


if __name__ == "__main__":
    sys.exit(main())
