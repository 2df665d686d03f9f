"""A stand-in for ``designer train FILE --events - --out DIR``: a scripted event stream, fast and deterministic.

    python fake_engine.py SCENARIO FILE --events - --out DIR

Scenarios: ``finish`` (2 epochs of 20 steps, then done), ``endless`` (steps until ``stop`` on stdin),
``stubborn`` (steps, ignores ``stop``; ends on SIGTERM), ``crash`` (a few steps, a message on stderr, exit 3),
``noise`` (malformed lines and lines split across writes among real events), ``design-error`` (an error
event naming a block), ``flood`` (step events for FLOOD_SECONDS, FLOOD_RATE a second or as many as it can, then done).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import threading
import time
from pathlib import Path

CLASSES = ["zero", "one", "two"]
BLOCKS = ["conv1", "fc1", "fc2"]
STEPS_PER_EPOCH = 20


def emit(event: dict, **fields) -> None:
    sys.stdout.write(json.dumps({**event, **fields}) + "\n")
    sys.stdout.flush()


def start(out: Path, epochs: int = 2) -> None:
    emit(
        {"event": "start", "time": 0.0},
        run=str(out),
        project="fake",
        device="cpu",
        precision="fp32",
        epochs=epochs,
        steps_per_epoch=STEPS_PER_EPOCH,
        batch_size=32,
        train_samples=640,
        val_samples=90,
        parameters=1234,
        task="classification",
        class_names=CLASSES,
        blocks=BLOCKS,
        config={"learning_rate": float(os.environ.get("FAKE_LR", "0.01")), "batch_size": 32, "epochs": epochs},
    )


def step(n: int) -> None:
    epoch = (n - 1) // STEPS_PER_EPOCH + 1
    emit({"event": "step"}, epoch=epoch, step=n, loss=2.0 / n, lr=0.01, samples_per_s=1000.0 + n)


def gradients(n: int) -> None:
    epoch = (n - 1) // STEPS_PER_EPOCH + 1
    norms = {"conv1": 1e-4, "fc1": 0.02, "fc2": 3.0}
    blocks = {name: {"grad_norm": norm, "weight_norm": 1.5} for name, norm in norms.items()}
    emit({"event": "gradients"}, epoch=epoch, step=n, blocks=blocks)


def epoch(e: int) -> None:
    emit(
        {"event": "epoch"},
        epoch=e,
        train={"loss": 1.0 / e, "accuracy": 0.5 + 0.2 * e},
        val={"loss": 1.2 / e, "accuracy": 0.4 + 0.2 * e},
        lr=0.01,
        seconds=0.1,
        samples_per_s=1000.0,
        eta_s=0.0,
        best=True,
        confusion=[[28, 1, 1], [2, 27, 1], [0, 3, 27]],
        precision=[0.93, 0.87, 0.93],
        recall=[0.93, 0.9, 0.9],
    )


def run_epochs(epochs: int) -> None:
    for e in range(1, epochs + 1):
        for n in range((e - 1) * STEPS_PER_EPOCH + 1, e * STEPS_PER_EPOCH + 1):
            step(n)
            if n % 10 == 0:
                gradients(n)
        epoch(e)


def watch_stdin(stopped: threading.Event) -> None:
    def read() -> None:
        for line in sys.stdin:
            if line.strip() == "stop":
                stopped.set()
                return

    threading.Thread(target=read, daemon=True).start()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario")
    parser.add_argument("file", type=Path)
    parser.add_argument("--events")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    out = args.out or args.file.parent
    assert args.file.is_file(), "the panel must write the snapshot before starting the engine"
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(args.file, out / "project.json")  # as the real engine keeps its copy of the project
    scenario = args.scenario
    if scenario == "finish":
        start(out)
        run_epochs(2)
        emit({"event": "done"}, reason="finished", epochs=2, best={"epoch": 2, "metric": "val_loss", "value": 0.6})
    elif scenario in ("endless", "stubborn"):
        stopped = threading.Event()
        if scenario == "endless":
            watch_stdin(stopped)
        start(out, epochs=1000)
        n = 0
        while not stopped.is_set():
            n += 1
            step(n)
            if n % 5 == 0:
                gradients(n)
            time.sleep(0.01)
        emit({"event": "done"}, reason="stopped", epochs=n // STEPS_PER_EPOCH, best={})
    elif scenario == "crash":
        start(out)
        for n in range(1, 6):
            step(n)
        sys.stderr.write("Traceback (most recent call last):\nRuntimeError: CUDA driver exploded\n")
        return 3
    elif scenario == "noise":
        start(out)
        sys.stdout.write("Loading weights, please wait\n")
        sys.stdout.flush()
        half = json.dumps({"event": "step", "epoch": 1, "step": 1, "loss": 2.0, "lr": 0.01, "samples_per_s": 5.0})
        sys.stdout.write(half[:17])
        sys.stdout.flush()
        time.sleep(0.05)
        sys.stdout.write(half[17:] + "\n[1, 2, 3]\n")
        sys.stdout.write(json.dumps({"event": "teleport"}) + "\n")
        sys.stdout.flush()
        step(2)
        emit({"event": "done"}, reason="finished", epochs=1, best={})
    elif scenario == "design-error":
        start(out)
        emit(
            {"event": "error"},
            kind="design",
            message="fc1: expects 3136 features but receives 1600 (64×5×5) — fix: set in_features to 1600",
        )
    elif scenario == "flood":
        start(out, epochs=1_000_000)
        started = time.monotonic()
        deadline = started + float(os.environ.get("FLOOD_SECONDS", "2"))
        rate = float(os.environ.get("FLOOD_RATE", "0"))  # steps a second; 0: as fast as it can
        n = 0
        while time.monotonic() < deadline:
            n += 1
            if rate and (ahead := started + n / rate - time.monotonic()) > 0:
                time.sleep(ahead)
            step(n)
            if n % 100 == 0:
                gradients(n)
            if n % STEPS_PER_EPOCH == 0:
                epoch(n // STEPS_PER_EPOCH)
        emit({"event": "done"}, reason="stopped", epochs=n // STEPS_PER_EPOCH, best={})
    return 0


if __name__ == "__main__":
    sys.exit(main())
