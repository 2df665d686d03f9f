"""The engine's events: one JSON object per line, the only thing the GUI reads from a training run.

Every event has ``"event"`` (its kind) and ``"time"`` (seconds since the run started). The kinds, in the order
a run sends them:

``start``       run (run folder), project, device ("cpu", "cuda:0", "mps"), precision ("fp32", "bf16"),
                epochs, steps_per_epoch, batch_size, train_samples, val_samples, parameters, task,
                class_names (classification), blocks (block names in design order), config (the settings used),
                resumed_from_epoch (0 for a new run), dataset ({"name", "notes"}: what loading the data did),
                init_weights (null for fresh weights, else what the run started from: {"path", "sha256",
                "loaded": [block names], "fresh": {block name: why it keeps fresh weights}, "unused": [blocks of
                the file the design lacks]}; a resumed run repeats what its first part started from)
``step``        epoch (1-based), step (global, 1-based), loss, lr, samples_per_s, eta_s; sent at most every
                50 ms, and always for the last step of an epoch
``gradients``   epoch, step, blocks: {block name: {"grad_norm": float, "weight_norm": float}} for blocks with
                weights, as they are after the step's backward pass; sent on the first step of a run, on the last
                step of its last epoch, and between them at most every 0.25 s (the panel shows the latest)
``epoch``       epoch, train: {loss, accuracy | mae, rmse}, val: {the same}, lr, seconds, samples_per_s,
                eta_s (seconds left), best (true when this epoch is the best so far on the monitored metric),
                and for classification confusion (rows: true class, columns: predicted), precision, recall
                (per class, on validation)
``checkpoint``  epoch, kind ("last" | "best"), path
``warning``     message
``done``        reason ("finished" | "stopped" | "early stopping"), epochs (finished epochs), best
                ({"epoch", "metric", "value"}, or null when no epoch finished), seconds, run
``error``       kind ("diverged" | "out of memory" | "data" | "design" | "settings" | "internal" |
                "distributed"), message, run, epoch (when known), rank (for "distributed": the process that
                died); the last event of a failed run. The run folder keeps the last good
                weights; an "internal" error's traceback is in the run folder's ``run.log``, never in the message.

Warnings come right after ``start``: one per change made to fit the design to the data, one per block that keeps
fresh weights when the run starts from ``init_weights``, and one when weights beside the project go unused.
Numbers that are not finite (a diverged loss) are sent as ``null``.

A stopped run (SIGINT, SIGTERM, or a line ``stop`` on the engine's stdin) ends within a second with ``done``
and reason "stopped"; the weights of its last finished epoch are in ``last.pt``.
"""

from __future__ import annotations

EVENT_KINDS = ("start", "step", "gradients", "epoch", "checkpoint", "warning", "done", "error")
ERROR_KINDS = ("diverged", "out of memory", "data", "design", "settings", "internal")
DONE_REASONS = ("finished", "stopped", "early stopping")

REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "start": (
        "run",
        "project",
        "device",
        "precision",
        "epochs",
        "steps_per_epoch",
        "batch_size",
        "train_samples",
        "val_samples",
        "parameters",
        "task",
        "class_names",
        "blocks",
        "config",
        "resumed_from_epoch",
        "dataset",
        "init_weights",
    ),
    "step": ("epoch", "step", "loss", "lr", "samples_per_s", "eta_s"),
    "gradients": ("epoch", "step", "blocks"),
    "epoch": ("epoch", "train", "val", "lr", "seconds", "samples_per_s", "eta_s", "best"),
    "checkpoint": ("epoch", "kind", "path"),
    "warning": ("message",),
    "done": ("reason", "epochs", "best", "seconds", "run"),
    "error": ("kind", "message", "run"),
}
"""The fields every event of a kind carries besides ``event`` and ``time`` (classification epochs add
``confusion``, ``precision`` and ``recall``; an error adds ``epoch`` when it is known)."""
