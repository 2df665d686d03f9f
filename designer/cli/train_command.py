"""``designer train``: train a project headless, with a progress bar, or as the GUI's engine streaming JSON lines."""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

from designer.cli.common import EXIT_PROBLEMS, fail, positive
from designer.core.project_file import load_project

BAR_WIDTH = 24


def register(sub: argparse._SubParsersAction) -> None:
    train = sub.add_parser(
        "train",
        help="train a project's design on its dataset",
        description="Train a project's design on its dataset and write a run folder (weights, metrics, events). "
        "Stop with Ctrl+C, SIGTERM or a line 'stop' on stdin: the last finished epoch is kept. "
        "Exit status 0 when the run ends well, 1 when it fails, 2 when the file cannot be read.",
    )
    train.add_argument("file", type=Path, help="project file")
    train.add_argument("--epochs", type=positive, help="number of epochs (replaces the project's setting)")
    train.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"), help="where to train (default: auto)")
    train.add_argument("--out", type=Path, help="run folder (default: runs/<project>-<date-time> beside FILE)")
    train.add_argument("--events", metavar="PATH|-", help="write events as JSON lines to PATH, or to stdout with -")
    train.add_argument(
        "--resume",
        type=Path,
        metavar="RUN",
        help="continue run folder RUN (its own design snapshot and settings) after its last finished epoch; "
        "--epochs gives the new total",
    )
    train.add_argument(
        "--init-weights",
        metavar="WEIGHTS",
        help="start from these weights (a .pt state dict, such as the one designer import writes beside its "
        "project, or a run folder's best.pt) instead of fresh ones; blocks they do not fit keep fresh weights and "
        "are listed. Replaces the project's init_weights setting; '' starts fresh. Without it a run starts from "
        "the project's init_weights, or fresh, and says so when FILE.pt lies beside FILE unused",
    )
    train.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    _register_processes(train)
    train.set_defaults(run=_train)


def _register_processes(train: argparse.ArgumentParser) -> None:
    group = train.add_argument_group(
        "several processes or machines",
        "Started through torch's elastic launcher (torchrun) with DistributedDataParallel: NCCL on GPUs, gloo on "
        "the CPU. batch_size is the global batch, shared out between the processes; the learning rate is "
        "unchanged. Only rank 0 writes the run folder and the events.",
    )
    group.add_argument("--nproc", type=positive, default=1, help="processes on this machine, one per GPU (default 1)")
    group.add_argument("--nnodes", type=positive, default=1, help="machines taking part (default 1)")
    group.add_argument("--node-rank", type=int, default=0, help="this machine's rank, from 0 (default 0)")
    group.add_argument("--rdzv-endpoint", metavar="HOST:PORT", help="where the machines meet (c10d rendezvous)")
    group.add_argument("--master-addr", metavar="HOST", help="rank 0's machine (static rendezvous)")
    group.add_argument("--master-port", type=positive, metavar="PORT", help="its port (default: a free one)")


def _train(args: argparse.Namespace) -> int:
    project = load_project(args.file)
    if args.resume is not None and not args.resume.is_dir():
        return fail(f"cannot resume {args.resume}: there is no such run folder")
    if args.resume is not None and args.init_weights is not None:
        return fail("--init-weights cannot be given with --resume: a resumed run goes on from its own checkpoint")
    from designer.training.distributed import Shard

    shard = Shard.from_environment()  # set when torch's launcher started this process
    if shard is None and args.out is not None and args.out.is_dir() and any(args.out.iterdir()):
        return fail(f"{args.out} already holds files; choose a new or empty folder, or continue a run with --resume")
    processes = _processes(args)
    if shard is None and processes.distributed:
        return _launch(args, project.name, processes)
    from designer.training.engine import RunRequest, train
    from designer.training.stopping import StopRequest

    overrides = {key: value for key, value in (("epochs", args.epochs), ("device", args.device)) if value}
    if args.init_weights is not None:
        overrides["init_weights"] = _init_weights(args.init_weights)
    request = RunRequest(project, args.file, args.out, args.resume, overrides, shard)
    stop = StopRequest()
    with ExitStack() as stack:
        listeners = _event_sinks(args, stack, stop) if shard is None or shard.is_main else []
        if listeners is None:
            return fail(f"cannot write events to {args.events}")
        if args.events != "-" and not args.quiet and (shard is None or shard.is_main):
            listeners.append(Progress(sys.stdout))
        stack.callback(stop.on_signals())
        if not sys.stdin.isatty():  # reading a terminal would suspend a run started in the background
            stop.on_stop_line(sys.stdin)
        last = train(request, listeners, stop)
    if last["event"] == "error":
        rank = f"process {shard.rank}: " if shard is not None else ""
        return fail(f"{rank}training failed ({last['kind']}): {last['message']}", EXIT_PROBLEMS)
    return 0


def _init_weights(given: str) -> str:
    """``--init-weights`` made absolute: relative to where the command runs, as every path on a command line."""
    return str(Path(given).resolve()) if given.strip() else ""


def _event_sinks(args: argparse.Namespace, stack: ExitStack, stop: Any) -> list[Any] | None:
    """Listeners writing events to stdout or to the ``--events`` file; ``None`` when that file cannot be opened."""
    from designer.training.event_log import json_lines

    if args.events == "-":
        return [json_lines(sys.stdout, on_closed=stop.set)]  # the GUI has gone: stop, keep the files
    if not args.events:
        return []
    try:
        return [json_lines(stack.enter_context(open(args.events, "a", encoding="utf-8")))]
    except OSError:
        return None


def _processes(args: argparse.Namespace) -> Any:
    from designer.training.launcher import Processes

    return Processes(
        args.nproc, args.nnodes, args.node_rank, args.rdzv_endpoint, args.master_addr, args.master_port
    )  # fmt: skip


def _launch(args: argparse.Namespace, name: str, processes: Any) -> int:
    """Start ``processes`` running this command each, through torch's launcher; rank 0 reports the run."""
    from designer.training.event_log import EventLog
    from designer.training.launcher import LaunchError, launch
    from designer.training.run_folder import default_run_dir
    from designer.training.stopping import StopRequest

    run_path = args.resume or args.out or default_run_dir(args.file, name)
    worker_args = [str(args.file), "--resume" if args.resume else "--out", str(run_path)]
    for option, value in (("--epochs", args.epochs), ("--device", args.device), ("--events", args.events)):
        worker_args += [option, str(value)] if value else []
    if args.init_weights is not None:
        worker_args += ["--init-weights", _init_weights(args.init_weights)]
    worker_args += ["--quiet"] if args.quiet else []
    with ExitStack() as stack:
        listeners = _event_sinks(args, stack, StopRequest())
        if listeners is None:
            return fail(f"cannot write events to {args.events}")
        try:
            last = launch(processes, worker_args, run_path, EventLog(listeners))
        except LaunchError as exc:
            return fail(str(exc))
    if last["event"] != "error":
        return 0
    if last["kind"] == "distributed":  # rank 0 has already said what went wrong otherwise
        fail(f"training failed: {last['message']}")
    return EXIT_PROBLEMS


class Progress:
    """Shows a run as it goes: a bar redrawn with ``\\r`` on a terminal, one line per epoch, then a summary."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.live = stream.isatty()
        self.start: dict[str, Any] = {}
        self.epochs: dict[int, dict[str, Any]] = {}
        self.bar_shown = False

    def __call__(self, event: dict[str, Any]) -> None:
        handler = getattr(self, f"_on_{event['event']}", None)
        if handler is None or self.stream.closed:
            return
        try:
            handler(event)
            self.stream.flush()
        except BrokenPipeError:  # e.g. piped into head: the run goes on, its folder records everything
            self.stream.close()

    def _on_start(self, event: dict[str, Any]) -> None:
        self.start = event
        resumed = f", resuming after epoch {event['resumed_from_epoch']}" if event["resumed_from_epoch"] else ""
        weights = event.get("init_weights")
        resumed += f", starting from {Path(weights['path']).name}" if weights else ""
        self._line(
            f"training {event['project']} on {event['device']} ({event['precision']}): {event['train_samples']:,} "
            f"training and {event['val_samples']:,} validation samples, {event['parameters']:,} parameters{resumed}"
        )

    def _on_step(self, event: dict[str, Any]) -> None:
        if not self.live or not self.start:
            return
        steps, epochs = self.start["steps_per_epoch"], self.start["epochs"]
        done = (event["step"] - 1) % steps + 1
        filled = round(BAR_WIDTH * done / steps)
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        text = f"epoch {event['epoch']}/{epochs} [{bar}] loss {event['loss']:.4f}  ETA {_duration(event['eta_s'])}"
        self.stream.write("\r" + text + "\x1b[K")
        self.bar_shown = True

    def _on_epoch(self, event: dict[str, Any]) -> None:
        self.epochs[event["epoch"]] = event
        parts = [f"epoch {event['epoch']}/{self.start.get('epochs', '?')}"]
        parts += [f"train {_metrics(event['train'])}", f"val {_metrics(event['val'])}"]
        parts += [f"{event['samples_per_s']:,.0f} samples/s", f"ETA {_duration(event['eta_s'])}"]
        self._line("  ".join(parts) + ("  *" if event["best"] else ""))

    def _on_warning(self, event: dict[str, Any]) -> None:
        self._line(f"warning: {event['message']}")

    def _on_done(self, event: dict[str, Any]) -> None:
        self._line(f"{event['reason']}: {event['epochs']} epochs in {_duration(event['seconds'])}")
        best = event["best"]
        if best and best["epoch"] in self.epochs:
            self._line(f"best epoch {best['epoch']}: val {_metrics(self.epochs[best['epoch']]['val'])}")
        self._line(f"run folder: {event['run']}")

    def _on_error(self, event: dict[str, Any]) -> None:
        if self.bar_shown:
            self._line("")

    def _line(self, text: str) -> None:
        if self.bar_shown:
            self.stream.write("\r\x1b[K")
            self.bar_shown = False
        if text:
            self.stream.write(text + "\n")


def _metrics(values: dict[str, Any]) -> str:
    """``loss 0.0712 accuracy 98.1 %`` or ``loss 0.02 mae 0.11 rmse 0.14``."""
    parts = []
    for name, value in values.items():
        if value is None:
            parts.append(f"{name} –")
        elif name == "accuracy":
            parts.append(f"{name} {100 * value:.1f} %")
        else:
            parts.append(f"{name} {value:#.4g}")
    return " ".join(parts)


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
