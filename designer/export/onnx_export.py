"""ONNX export with torch's dynamo exporter, then the full ONNX check and a parity run in onnxruntime.

The dynamo exporter is used, not the legacy TorchScript one: the legacy exporter is deprecated in torch 2.9+
and freezes the sequence length into attention graphs (a Transformer exported at one length fails at another),
though it is several times faster.
"""

from __future__ import annotations

import contextlib
import io
import logging
import warnings
from collections.abc import Iterator
from pathlib import Path

import onnx
import onnxruntime
import torch
from torch.export import Dim

from designer.core.shapes import BATCH, SEQUENCE
from designer.export.parity import ParityReport, compare
from designer.export.prepare import EXPORT_BATCH, ExportError, PreparedModel, first_line
from designer.export.recurrent import ONNX_TRANSLATIONS, recurrent_loops

BATCH_DIM, LENGTH_DIM = "batch", "length"
_SIZE_NAMES = {BATCH: BATCH_DIM, SEQUENCE: LENGTH_DIM}


def export_onnx(model: PreparedModel, path: Path, opset: int) -> None:
    """Write ``model`` to ``path`` as one self-contained ONNX file with a dynamic batch (and length)."""
    inputs = model.example_inputs(EXPORT_BATCH, model.length)
    batch, length = Dim(BATCH_DIM, min=1), Dim(LENGTH_DIM, min=1)
    dynamic = {i.name: {0: batch, 1: length} if i.declared_length is not None else {0: batch} for i in model.inputs}
    try:
        with quiet(), recurrent_loops():
            torch.onnx.export(
                model.module,
                inputs,
                str(path),
                dynamo=True,
                external_data=False,
                input_names=[i.name for i in model.inputs],
                output_names=model.output_names,
                dynamic_shapes=dynamic,
                opset_version=opset,
                custom_translation_table=ONNX_TRANSLATIONS,
            )
    except Exception as exc:  # the exporter raises many kinds; each becomes one clear message
        raise ExportError([f"torch could not export the model to ONNX: {first_line(exc)}"]) from None


def check_onnx(path: Path, model: PreparedModel) -> list[str]:
    """``onnx.checker`` with the full check, and the dynamic sizes declared; one line per check passed.

    Output sizes that vary are named after the design's (the exporter sometimes writes the traced size there).
    """
    proto = onnx.load(str(path))
    _name_output_sizes(proto, model)
    onnx.save(proto, str(path))
    try:
        onnx.checker.check_model(proto, full_check=True)
    except onnx.checker.ValidationError as exc:
        raise ExportError([f"onnx.checker rejects {path.name}: {first_line(exc)}"]) from None
    frozen = []
    for model_input, graph_input in zip(model.inputs, proto.graph.input, strict=False):
        dims = graph_input.type.tensor_type.shape.dim
        wanted = [0, 1] if model_input.declared_length is not None else [0]
        frozen += [
            f"the exporter fixed the {('batch size', 'sequence length')[d]} of input {model_input.name} at "
            f"{dims[d].dim_value}, so the ONNX model would refuse other sizes"
            for d in wanted
            if dims[d].HasField("dim_value")
        ]
    if frozen:
        raise ExportError(frozen)
    opset = next(o.version for o in proto.opset_import if o.domain in ("", "ai.onnx"))
    return [f"onnx.checker (full check): passed, opset {opset}", "dynamic sizes: " + _dynamic_names(model)]


def _name_output_sizes(proto: onnx.ModelProto, model: PreparedModel) -> None:
    for graph_output, output_type in zip(proto.graph.output, model.output_types, strict=False):
        dims = graph_output.type.tensor_type.shape.dim
        for dim, size in zip(dims, output_type.shape, strict=False):
            if isinstance(size, str):
                dim.dim_param = _SIZE_NAMES.get(size, size)


def onnx_parity(path: Path, model: PreparedModel, tolerance: float) -> ParityReport:
    """Outputs of onnxruntime against the torch module at every parity size."""
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3  # errors only: its warnings would land on the user's terminal
    session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    names = [i.name for i in model.inputs]

    def run(inputs: tuple[torch.Tensor, ...]) -> list[torch.Tensor]:
        feeds = {name: tensor.numpy() for name, tensor in zip(names, inputs, strict=True)}
        return [torch.from_numpy(out) for out in session.run(model.output_names, feeds)]

    return compare(model, run, f"onnxruntime {onnxruntime.__version__}", tolerance)


def _dynamic_names(model: PreparedModel) -> str:
    return BATCH_DIM + (f", {LENGTH_DIM}" if model.varies else "")


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Keep the exporter's progress lines, warnings and log messages off the user's terminal."""
    logger = logging.getLogger("torch")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)
