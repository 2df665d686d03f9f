"""The ``designer`` command: the editor, and headless commands for scripts and CI.

    designer [FILE]                               open the editor (an example design when no FILE)
    designer templates                            list the shipped templates
    designer new --template NAME -o FILE          start a project from a template
    designer check FILE                           exit 0 when the design is valid, 1 with its problems
    designer summary FILE [--json]                output shape and parameters of every block

Exit status 2 means the file could not be read; the message says why and where.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from designer import __version__
from designer.core.inference import infer
from designer.core.project import Project
from designer.core.project_file import ProjectFileError, load_project, save_project
from designer.core.summary import Summary, summarize
from designer.core.templates import list_templates, load_template

COMMANDS = ("templates", "new", "check", "summary")
EXIT_PROBLEMS, EXIT_UNREADABLE = 1, 2


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or (argv[0] not in COMMANDS and not argv[0].startswith("-")):
        return _open_editor(argv[0] if argv else None)
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except ProjectFileError as exc:
        print(f"designer: cannot read {exc}", file=sys.stderr)
        return EXIT_UNREADABLE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="designer", description="Design neural networks by drawing them.")
    parser.add_argument("--version", action="version", version=f"designer {__version__}")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")
    sub.add_parser("templates", help="list the shipped templates").set_defaults(run=_templates)
    new = sub.add_parser("new", help="start a project from a template")
    new.add_argument("--template", required=True, help="template name (see 'designer templates')")
    new.add_argument("-o", "--output", required=True, type=Path, help="project file to write")
    new.add_argument("--force", action="store_true", help="overwrite an existing file")
    new.set_defaults(run=_new)
    check = sub.add_parser("check", help="check a design; exit 1 when it has errors")
    check.add_argument("file", type=Path)
    check.set_defaults(run=_check)
    summary = sub.add_parser("summary", help="output shape and parameter count of every block")
    summary.add_argument("file", type=Path)
    summary.add_argument("--json", action="store_true", help="print JSON instead of a table")
    summary.set_defaults(run=_summary)
    return parser


def _open_editor(path: str | None) -> int:
    from designer.ui.app import run

    return run(path)


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
        print(f"designer: {exc.args[0]}", file=sys.stderr)
        return EXIT_UNREADABLE
    if args.output.exists() and not args.force:
        print(f"designer: {args.output} already exists; use --force to overwrite it", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        save_project(project, args.output)
    except OSError as exc:
        print(f"designer: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    print(f"{args.output}: new project from template {args.template} ({len(project.design)} blocks)")
    return 0


def _check(args: argparse.Namespace) -> int:
    project = load_project(args.file)
    report = infer(project.design)
    for problem in report.problems:
        print(f"{args.file}: {problem.severity}: {problem}")
    if not report.ok:
        return EXIT_PROBLEMS
    total = summarize(project.design, report).total_params
    print(f"{args.file}: valid: {len(project.design)} blocks, {total:,} parameters")
    return 0


def _summary(args: argparse.Namespace) -> int:
    project = load_project(args.file)
    report = infer(project.design)
    summary = summarize(project.design, report)
    if args.json:
        print(json.dumps({**summary.to_json(), "problems": [str(p) for p in report.problems]}, indent=2))
    else:
        _print_table(project, summary)
        for problem in report.problems:
            print(f"{problem.severity}: {problem}")
    return 0 if report.ok else EXIT_PROBLEMS


def _print_table(project: Project, summary: Summary) -> None:
    rows = [("block", "kind", "output", "parameters")]
    for b in summary.blocks:
        params = "" if b.params is None else f"{b.params:,}"
        rows.append((b.name + ("" if b.used else " (unused)"), b.kind, b.output or "?", params))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
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
