"""The ``designer`` command: the editor, and headless commands for scripts and CI.

    designer [FILE]                               open the editor (an example design when no FILE)
    designer templates                            list the shipped templates
    designer new --template NAME -o FILE          start a project from a template
    designer check FILE                           exit 0 when the design is valid, 1 with its problems
    designer summary FILE [--json]                output shape, parameters, FLOPs and memory of every block
    designer export FILE --format F -o OUT        ONNX, PyTorch code, weights or torch.export, each verified
    designer import MODEL.onnx|module.py:Class -o FILE   an outside model as a project, weights beside it
    designer doctor                               what this machine offers: Python, torch, GPU, Qt, ONNX Runtime
    designer render FILE -o OUT.png|OUT.svg       the diagram as the editor draws it; needs no display

Exit status 2 means a file could not be read or written; the message says why and where.

Each command lives in its own module with a ``register(subparsers)`` function that adds its parser and sets
``run`` to the function that carries it out; add a new command by adding its module to ``COMMAND_MODULES``.
"""

from __future__ import annotations

import argparse
import os
import sys

from designer import __version__
from designer.cli import (
    doctor_command,
    export_command,
    import_command,
    project_commands,
    render_command,
    train_command,
)
from designer.cli.common import EXIT_UNREADABLE, fail
from designer.core.project_file import ProjectFileError

EXIT_BROKEN_PIPE = 141
"""What a shell reports for a command ended by SIGPIPE (128 + 13)."""

COMMAND_MODULES = (
    project_commands,
    doctor_command,
    train_command,
    render_command,
    export_command,
    import_command,
)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser, commands = _parser()
    if not argv or (argv[0] not in commands and not argv[0].startswith("-")):
        return _open_editor(argv[0] if argv else None)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except ProjectFileError as exc:
        return fail(f"cannot read {exc}", EXIT_UNREADABLE)
    except BrokenPipeError:  # the reader went away (``designer summary FILE | head``): stop quietly, as cat does
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the flush at exit cannot fail again
        return EXIT_BROKEN_PIPE


def _parser() -> tuple[argparse.ArgumentParser, set[str]]:
    parser = argparse.ArgumentParser(prog="designer", description="Design neural networks by drawing them.")
    parser.add_argument("--version", action="version", version=f"designer {__version__}")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser, set(sub.choices)


def _open_editor(path: str | None) -> int:
    from designer.ui.app import run

    return run(path)
