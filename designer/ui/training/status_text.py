"""The words of the panel: progress (epoch, step, time left), speed (samples per second, rate), run times."""

from __future__ import annotations

import re
import time
from pathlib import Path

from designer.ui.training.run_record import RunRecord


def duration(seconds: float) -> str:
    """``42 s``, ``3:05``, ``1 h 02 min``."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}:{seconds:02d}"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def progress_text(record: RunRecord) -> str:
    """``epoch 3/10 · step 150/500 · 1:05 left``, or the state of a run that has not started or has ended."""
    if record.state == "starting":
        return "starting…"
    parts = [f"epoch {max(record.epoch, 1 if record.step else 0)}/{record.epochs}"]
    parts.append(f"step {record.step}/{record.total_steps}" if record.total_steps else f"step {record.step}")
    if record.ended:
        parts.append(record.state)
    elif record.eta_s is not None:
        parts.append(f"{duration(record.eta_s)} left")
    return " · ".join(parts)


def speed_text(record: RunRecord) -> str:
    """``1,234 samples/s · lr 0.001``."""
    parts = []
    if record.samples_per_s:
        parts.append(f"{record.samples_per_s:,.0f} samples/s")
    if record.lr is not None:
        parts.append(f"lr {record.lr:.3g}")
    return " · ".join(parts)


def starting_text(record: RunRecord) -> str:
    """`` · from model.pt`` (`` · from model.pt, 1 block fresh``) for a run that started from saved weights."""
    weights = record.init_weights
    if not weights.get("path"):
        return ""
    fresh = len(weights.get("fresh") or {})
    text = f" · from {Path(str(weights['path'])).name}"
    return text + (f", {fresh} block{'s' if fresh != 1 else ''} fresh" if fresh else "")


def run_time(name: str, today: str | None = None) -> str:
    """``lenet-20261129-135505`` as ``13:55:05`` on the day of the run, ``2026-11-29 13:55:05`` later.

    The project part of the name is the same for every run of a project, so it is left out.
    """
    found = re.search(r"(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})(-\d+)?$", name)
    if not found:
        return name
    y, mo, d, h, mi, sec, again = found.groups()
    clock = f"{h}:{mi}:{sec}{again or ''}"
    return clock if f"{y}{mo}{d}" == (today or time.strftime("%Y%m%d")) else f"{y}-{mo}-{d} {clock}"
