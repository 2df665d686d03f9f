"""``designer import``: an ONNX model or a PyTorch module as a project, with its weights beside it."""

from __future__ import annotations

import argparse
from pathlib import Path

from designer.cli.common import fail


def register(sub: argparse._SubParsersAction) -> None:
    command = sub.add_parser(
        "import",
        help="import an ONNX model or a PyTorch module as an editable design",
        description="Turn MODEL.onnx or module.py:ClassName (built with no arguments) into a project file, with the "
        "model's weights in a .pt file beside it, and print what each part of the model became. ONNX operators "
        "with no Designer block are kept as OnnxOp blocks. Exit status 0 on success, 2 when the model cannot be "
        "read or imported, or the files cannot be written.",
    )
    command.add_argument("model", help="MODEL.onnx, or module.py:ClassName")
    command.add_argument("-o", "--output", required=True, type=Path, help="project file to write (.json)")
    command.add_argument("--force", action="store_true", help="overwrite the project and weights files")
    command.add_argument(
        "--input-shape",
        type=_shape,
        metavar="SIZES",
        help="PyTorch modules: one sample's shape without the batch, e.g. 1,28,28 (guessed when the first layer "
        "is Linear)",
    )
    command.set_defaults(run=_import)


def _shape(text: str) -> list[int]:
    try:
        return [int(part) for part in text.replace("x", ",").split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not sizes separated by commas, such as 1,28,28") from None


def _import(args: argparse.Namespace) -> int:
    from designer.importers import ModelImportError, import_model
    from designer.importers.saving import save_import

    try:
        result = import_model(args.model, args.input_shape)
        project, weights = save_import(result, args.output, args.force)
    except ModelImportError as exc:
        return fail(str(exc))
    for line in result.report.lines():
        print(line)
    print(f"wrote {project} and its weights {weights}")
    return 0
