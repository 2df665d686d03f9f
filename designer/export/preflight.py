"""Before an export: which blocks cannot be exported in the chosen format (and ONNX opset), and why."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import onnx

from designer.core.design import DesignGraph
from designer.core.inference import infer
from designer.core.shapes import TensorType, is_fixed
from designer.export.formats import HIGHEST_OPSET, LOWEST_OPSET

Rule = Callable[[dict[str, Any], list[TensorType]], str | None]
_FIXED_LENGTH = "turn off variable_length on the Input block to export at its declared length"


def _conv_transpose(p: dict[str, Any], _: list[TensorType]) -> str | None:
    if p["output_padding"] >= p["stride"]:
        return (
            f"output_padding {p['output_padding']} is not smaller than stride {p['stride']}: torch allows it "
            "(with dilation) but ONNX's ConvTranspose does not — fix: lower output_padding below the stride"
        )
    return None


def _fixes_length(what: str, fix: str) -> Rule:
    def rule(_: dict[str, Any], inputs: list[TensorType]) -> str | None:
        if any(not is_fixed(d) for d in inputs[0].sample):
            return f"torch's exporter fixes the length {what}, so the model would refuse other lengths — fix: {fix}"
        return None

    return rule


NOT_TORCH = {
    "OnnxOp": "it runs an imported ONNX operator in ONNX Runtime, which torch cannot trace or write as code — fix: "
    "replace it with Designer blocks",
}
"""Block kinds that only the weights format can take, and why."""
RULES: dict[str, Rule] = {
    "ConvTranspose2d": _conv_transpose,
    "MaxPool1d": _fixes_length("that max_pool1d slides over", _FIXED_LENGTH),
}
"""Per block kind: why a block with these resolved parameters and inputs cannot be exported, or None."""


def preflight(design: DesignGraph, format: str, opset: int) -> list[str]:
    """One message per reason the design cannot be exported as ``format`` (ONNX at ``opset``); empty when it can."""
    if format == "weights":
        return []
    highest = min(HIGHEST_OPSET, onnx.defs.onnx_opset_version())
    if format == "onnx" and not LOWEST_OPSET <= opset <= highest:
        return [f"opset {opset} cannot be written: choose an opset from {LOWEST_OPSET} to {highest}"]
    report = infer(design)
    problems = []
    for block_id in report.order:
        block = design.block(block_id)
        if block.kind in NOT_TORCH:
            problems.append(f"{block.name} ({block.kind}) cannot be exported as {format}: {NOT_TORCH[block.kind]}")
            continue
        rule = RULES.get(block.kind) if format == "onnx" else None
        reason = rule(report.params[block_id], report.inputs[block_id]) if rule and block_id in report.params else None
        if reason:
            problems.append(f"{block.name} ({block.kind}) cannot be exported to ONNX: {reason}")
    return problems
