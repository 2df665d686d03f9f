"""Commands on project files: templates, new, check, summary."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from designer.cli.common import EXIT_PROBLEMS, fail, positive
from designer.core.analysis import DTYPE_BYTES, OPTIMIZER_STATES, Analysis, format_bytes, format_flops
from designer.core.dataset_settings import validate_dataset_settings
from designer.core.inference import infer
from designer.core.project import Project
from designer.core.project_file import load_project, save_project
from designer.core.summary import Summary, summarize
from designer.core.templates import list_templates, load_template
from designer.core.training_settings import setting, starting_weights_path, validate_training_settings


def register(sub: argparse._SubParsersAction) -> None:
    sub.add_parser("templates", help="list the shipped templates").set_defaults(run=_templates)
    new = sub.add_parser("new", help="start a project from a template")
    new.add_argument("--template", required=True, help="template name (see 'designer templates')")
    new.add_argument("-o", "--output", required=True, type=Path, help="project file to write")
    new.add_argument("--force", action="store_true", help="overwrite an existing file")
    new.set_defaults(run=_new)
    check = sub.add_parser("check", help="check a design; exit 1 when it has errors")
    check.add_argument("file", type=Path)
    check.set_defaults(run=_check)
    summary = sub.add_parser("summary", help="output shape, parameters, FLOPs and memory of every block")
    summary.add_argument("file", type=Path)
    summary.add_argument("--json", action="store_true", help="print JSON instead of a table")
    summary.add_argument(
        "--batch-size", type=positive, help="samples per batch for memory (default: the project's batch size)"
    )
    summary.add_argument("--dtype", choices=tuple(DTYPE_BYTES), default="float32", help="type of weights and data")
    summary.add_argument(
        "--optimizer", choices=tuple(OPTIMIZER_STATES), help="optimiser whose state counts (default: the project's)"
    )
    summary.add_argument("--length", type=positive, help="length T of varying sequences (default: the Input's)")
    summary.set_defaults(run=_summary)


def _templates(_: argparse.Namespace) -> int:
    templates = list_templates()
    width = max(len(t.name) for t in templates)
    for t in templates:
        print(f"{t.name:<{width}}  {t.title}: {t.description}")
    return 0


def _new(args: argparse.Namespace) -> int:
    try:
        project = load_template(args.template)
    except KeyError as exc:
        return fail(exc.args[0])
    if args.output.exists() and not args.force:
        return fail(f"{args.output} already exists; use --force to overwrite it")
    try:
        save_project(project, args.output)
    except OSError as exc:
        return fail(f"cannot write {args.output}: {exc.strerror or exc}")
    print(f"{args.output}: new project from template {args.template} ({len(project.design)} blocks)")
    return 0


def _check(args: argparse.Namespace) -> int:
    project = load_project(args.file)
    report = infer(project.design)
    for problem in report.problems:
        print(f"{args.file}: {problem.severity}: {problem}")
    settings_problems = _settings_problems(project) + _starting_weights_problems(project, args.file)
    for problem in settings_problems:
        print(f"{args.file}: error: {problem}")
    if not report.ok or settings_problems:
        return EXIT_PROBLEMS
    total = summarize(project.design, report).total_params
    print(f"{args.file}: valid: {len(project.design)} blocks, {total:,} parameters")
    return 0


def _settings_problems(project: Project) -> list[str]:
    """The dataset and training settings' problems, each with its place (``training.learning_rate: …``)."""
    tasks = {b.params["task"] for b in project.design.blocks() if b.kind == "Output"}
    task = tasks.pop() if len(tasks) == 1 else None
    return validate_dataset_settings(project.dataset) + validate_training_settings(project.training, task)


def _starting_weights_problems(project: Project, path: Path) -> list[str]:
    """A missing ``init_weights`` file, found as training finds it: a relative path is from the project's folder."""
    source = project.training.get("init_weights")
    if not isinstance(source, str) or not source:
        return []
    weights = starting_weights_path(source, path.parent)
    return [] if weights.exists() else [f"training.init_weights: there is no {weights} to start from"]


def _training_setting(project: Project, name: str, given: object) -> object:
    """The value given on the command line, else the project's training setting, else its default."""
    return given if given is not None else project.training.get(name, setting(name).default)


def _summary(args: argparse.Namespace) -> int:
    project = load_project(args.file)
    report = infer(project.design)
    summary = summarize(
        project.design,
        report,
        batch_size=_training_setting(project, "batch_size", args.batch_size),
        dtype=args.dtype,
        optimizer=_training_setting(project, "optimizer", args.optimizer),
        length=args.length,
    )
    if args.json:
        print(json.dumps({**summary.to_json(), "problems": [str(p) for p in report.problems]}, indent=2))
    else:
        _print_table(project, summary)
        for problem in report.problems:
            print(f"{problem.severity}: {problem}")
    return 0 if report.ok else EXIT_PROBLEMS


def _print_table(project: Project, summary: Summary) -> None:
    rows = [("block", "kind", "output", "parameters", "FLOPs", "kept for backward")]
    for b in summary.blocks:
        rows.append(
            (
                b.name + ("" if b.used else " (unused)"),
                b.kind,
                b.output or "?",
                "" if b.params is None else f"{b.params:,}",
                "" if b.flops is None else f"{b.flops:,}",
                "" if b.activation_bytes is None else format_bytes(b.activation_bytes),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    print(project.name)
    for i, row in enumerate(rows):
        print(
            "  ".join(
                cell.ljust(w) if j < 3 else cell.rjust(w) for j, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if i == 0:
            print("  ".join("-" * w for w in widths))
    print(f"total parameters: {summary.total_params:,}")
    _print_memory(summary.analysis)


def _print_memory(analysis: Analysis) -> None:
    at = f" at T={analysis.sequence_length}" if analysis.sequence_length is not None else ""
    print(f"FLOPs per sample{at}: {analysis.flops:,} ({format_flops(analysis.flops)})")
    batch = f"a batch of {analysis.batch_size} in {analysis.dtype}"
    print(f"activations kept for backward, {batch}: {format_bytes(analysis.activation_bytes)}")
    print(
        f"peak training memory, estimated: {format_bytes(analysis.training_bytes)} = weights "
        f"{format_bytes(analysis.weight_bytes)} + gradients {format_bytes(analysis.weight_bytes)} + "
        f"{analysis.optimizer} state {format_bytes(analysis.optimizer_bytes)} + activations "
        f"{format_bytes(analysis.activation_bytes)}"
    )
