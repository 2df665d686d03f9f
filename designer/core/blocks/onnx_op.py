"""OnnxOp: one ONNX operator kept as it was, for imported models whose operators have no Designer block."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from designer.core.blocks.spec import BlockSpec, ShapeContext
from designer.core.params import ChoiceParam, IntParam, Param, ParamError
from designer.core.shapes import BATCH, Dim, TensorType

_OP_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")
_DOMAIN = re.compile(r"[A-Za-z0-9_.]{0,64}")
_SYMBOL = re.compile(r"[A-Za-z0-9_(⌊⌈][A-Za-z0-9_+\-·()⌊⌋⌈⌉/]{0,63}")
MAX_TEXT = 100_000
"""Longest attribute text accepted: attributes are small settings, weights travel in the weights file."""
DTYPES = ("float32", "int64", "bool")


@dataclass(frozen=True)
class NameParam(Param):
    """An identifier such as an ONNX operator type or domain."""

    pattern: re.Pattern[str] = _OP_NAME

    def _check(self, value: Any) -> Any:
        if not isinstance(value, str) or not self.pattern.fullmatch(value):
            raise ParamError(f"{self.name} must be a name of letters, digits and _ (at most 64), not {value!r}")
        return value

    def describe(self) -> str:
        return "a name"


@dataclass(frozen=True)
class JsonParam(Param):
    """A JSON value kept as compact text, so that a file and the inspector show and edit the same thing."""

    top: type = dict

    def _check(self, value: Any) -> Any:
        if not isinstance(value, str) or len(value) > MAX_TEXT:
            raise ParamError(f"{self.name} must be JSON text of at most {MAX_TEXT:,} characters")
        try:
            parsed = json.loads(value, parse_constant=_refuse)
        except ValueError as exc:
            raise ParamError(f"{self.name} is not valid JSON: {exc}") from None
        if not isinstance(parsed, self.top):
            raise ParamError(f"{self.name} must be a JSON {'object' if self.top is dict else 'list'}")
        return json.dumps(parsed, separators=(",", ":"), sort_keys=True)

    def describe(self) -> str:
        return "JSON " + ("object" if self.top is dict else "list")


def _refuse(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


@dataclass(frozen=True)
class ShapeParam(Param):
    """A tensor shape, batch first: whole numbers and size names such as N or T; empty means the first input's."""

    def _check(self, value: Any) -> Any:
        if isinstance(value, str):
            value = [part.strip() for part in value.replace("×", ",").split(",") if part.strip()]
            value = [int(part) if part.lstrip("-").isdigit() else part for part in value]
        if not isinstance(value, (list, tuple)) or len(value) > 8:
            raise ParamError(f"{self.name} must be a list of at most 8 sizes such as N, 64, 7, 7; not {value!r}")
        for dim in value:
            fixed = isinstance(dim, int) and not isinstance(dim, bool) and 0 <= dim <= 1_000_000_000
            if not fixed and not (isinstance(dim, str) and _SYMBOL.fullmatch(dim)):
                raise ParamError(f"each size in {self.name} must be a whole number from 0 or a size name, not {dim!r}")
        return list(value)

    def describe(self) -> str:
        return "sizes separated by commas, batch first (empty: as the first input)"


def attribute_values(params: dict[str, Any]) -> dict[str, Any]:
    return json.loads(params["attributes"])


def constant_inputs(params: dict[str, Any]) -> list[dict[str, Any]]:
    """The operator inputs that are constants, each ``{"position", "dtype", "shape"}``; values live in the weights."""
    return json.loads(params["constants"])


def _check_constants(ctx: ShapeContext) -> None:
    total = ctx.params["inputs"] + len(constant_inputs(ctx.params))
    positions = set()
    for entry in constant_inputs(ctx.params):
        ok = isinstance(entry, dict) and isinstance(entry.get("position"), int) and 0 <= entry["position"] < total
        shape = entry.get("shape") if isinstance(entry, dict) else None
        ok = ok and entry.get("dtype") in DTYPES and isinstance(shape, list)
        ok = ok and all(isinstance(d, int) and 0 <= d <= 1_000_000_000 for d in shape)
        if not ok or entry["position"] in positions or math.prod(shape) > 100_000_000:
            ctx.fail(
                'each constant must be {"position": p, "dtype": float32|int64|bool, "shape": [...]} '
                f"with a distinct position below {total} and at most 100,000,000 values",
            )
        positions.add(entry["position"])


def _rule(ctx: ShapeContext) -> list[TensorType]:
    _check_constants(ctx)
    ctx.warn(
        f"runs the ONNX operator {ctx.params['op_type']} as it was imported, with ONNX Runtime: "
        "it computes outputs but passes no gradients and cannot be exported",
        "replace it with Designer blocks to train or export the design",
    )
    shape: list[Dim] = ctx.params["output_shape"] or list(ctx.x.shape)
    if not shape:
        shape = [BATCH]
    return [TensorType(tuple(shape), ctx.params["output_dtype"])]


ONNX_OP = BlockSpec(
    kind="OnnxOp",
    category="Imported",
    help="One ONNX operator kept from an imported model because Designer has no block for it: its type, "
    "attributes (JSON) and constant inputs are kept, and it runs with ONNX Runtime. It computes but does not "
    "train or export; replace it with Designer blocks for that.",
    params=(
        NameParam("op_type", "Identity", "The ONNX operator, e.g. Erf or Einsum."),
        NameParam("domain", "", "The operator's domain; empty for the standard ONNX operators.", pattern=_DOMAIN),
        IntParam("opset", 17, "The ONNX opset the operator is read in.", minimum=9, maximum=30),
        JsonParam("attributes", "{}", "The operator's attributes as a JSON object."),
        IntParam("inputs", 1, "Tensors arriving from other blocks.", minimum=1, maximum=16),
        JsonParam(
            "constants",
            "[]",
            "Constant operator inputs as a JSON list of {position, dtype, shape}; their values are weights.",
            top=list,
        ),
        ShapeParam("output_shape", [], "Shape of the result, batch first; empty means the first input's shape."),
        ChoiceParam("output_dtype", "float32", "Element type of the result.", choices=DTYPES),
    ),
    shape_rule=_rule,
    count_params=lambda p, _: sum(math.prod(c["shape"]) for c in constant_inputs(p) if c["dtype"] == "float32"),
    input_count_param="inputs",
    onnx_ops=(),
)
