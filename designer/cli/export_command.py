"""``designer export``: ONNX, PyTorch code, weights or a torch.export program, each checked after writing."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from designer.cli.common import EXIT_PROBLEMS, fail
from designer.core.project import Project
from designer.core.project_file import load_project
from designer.export.formats import DEFAULT_OPSET, DEFAULT_TOLERANCE, FORMATS, PROJECT_FORMATS, SUFFIXES

if TYPE_CHECKING:
    from designer.export.prepare import ExportError


def register(sub: argparse._SubParsersAction) -> None:
    export = sub.add_parser(
        "export",
        help="export a design as ONNX, PyTorch code, weights or a torch.export program",
        description="Export a project's design and verify what was written: ONNX files pass onnx.checker and match "
        "torch in onnxruntime; PyTorch code and torch.export programs are loaded back and compared with the design. "
        "Exit status 0 when every check passes, 1 when the design, the weights or a check fails, 2 when a file "
        "cannot be read or written.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="formats:\n"
        + "\n".join(f"  {name:<12} {text}" for name, text in {**FORMATS, **PROJECT_FORMATS}.items()),
    )
    export.add_argument("file", type=Path, help="project file")
    export.add_argument("--format", required=True, choices=(*FORMATS, *PROJECT_FORMATS), help="what to write")
    export.add_argument("-o", "--output", required=True, type=Path, help="file to write (model.py for pytorch)")
    export.add_argument(
        "--weights",
        type=Path,
        metavar="RUN_OR_FILE",
        help="a run folder or a .pt state dict; for train-script, the weights training starts from (replacing the "
        "project's init_weights)",
    )
    export.add_argument("--opset", type=int, default=DEFAULT_OPSET, help=f"ONNX opset (default {DEFAULT_OPSET})")
    export.add_argument(
        "--tolerance",
        type=float,
        default=DEFAULT_TOLERANCE,
        help=f"largest output difference accepted in the parity checks (default {DEFAULT_TOLERANCE:g})",
    )
    export.set_defaults(run=_export)


def _export(args: argparse.Namespace) -> int:
    from designer.export.exporter import export_model
    from designer.export.prepare import ExportError

    project = load_project(args.file)
    if not args.output.parent.is_dir():
        return fail(f"cannot write {args.output}: folder {args.output.parent} does not exist")
    wanted = SUFFIXES[args.format]
    if args.output.suffix != wanted:
        print(f"note: {args.format} files usually end in {wanted}; writing {args.output} as asked")
    if args.format in PROJECT_FORMATS:
        return _export_train_script(project, args)
    try:
        result = export_model(
            project.design,
            args.format,
            args.output,
            title=project.name,
            weights=args.weights,
            opset=args.opset,
            tolerance=args.tolerance,
        )
    except ExportError as exc:
        return _refused(args, exc)
    except OSError as exc:
        return fail(f"cannot write {args.output}: {exc.strerror or exc}")
    for line in result.lines():
        print(line)
    return 0 if result.passed else EXIT_PROBLEMS


def _export_train_script(project: Project, args: argparse.Namespace) -> int:
    """The training script: its data and settings from the training side, its network from the code export."""
    from designer.core.training_settings import TrainingSettingsError
    from designer.export.prepare import ExportError
    from designer.export.train_script import network_code
    from designer.training.dataset import DataError
    from designer.training.script import training_script

    try:
        script = training_script(project, args.file, args.weights.resolve() if args.weights else None)
        lines = script.write(args.output, network_code(script.design, project.name))
    except (DataError, TrainingSettingsError) as exc:
        return fail(f"{args.file}: {exc}", EXIT_PROBLEMS)
    except ExportError as exc:
        return _refused(args, exc)
    except OSError as exc:
        return fail(f"cannot write {args.output}: {exc.strerror or exc}")
    print(f"wrote {args.output} (train-script)")
    for line in lines:
        print(line)
    return 0


def _refused(args: argparse.Namespace, exc: ExportError) -> int:
    """One line per problem that stopped the export, each naming the project file."""
    for problem in exc.problems:
        fail(f"{args.file}: {problem}", EXIT_PROBLEMS)
    return EXIT_PROBLEMS
