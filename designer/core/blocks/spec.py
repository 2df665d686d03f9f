"""The declaration of a block kind, and the context its shape rule runs in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn

from designer.core.params import Param, ParamError
from designer.core.shapes import Dim, TensorType, format_shape, is_fixed


class BlockError(Exception):
    """A problem with one block: what is wrong and, where there is one, how to fix it."""

    def __init__(self, message: str, fix: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix


class ShapeContext:
    """What a shape rule sees: the block's parameters and the types arriving at its inputs.

    Inferred parameters are settled through :meth:`infer`, which records the value the compiler
    will use and refuses a pinned value that disagrees with the upstream shape.
    """

    def __init__(self, params: dict[str, Any], inputs: list[TensorType]) -> None:
        self.params = params
        self.inputs = inputs
        self.resolved: dict[str, Any] = {}
        self.warnings: list[BlockError] = []

    @property
    def x(self) -> TensorType:
        return self.inputs[0]

    def fail(self, message: str, fix: str | None = None) -> NoReturn:
        raise BlockError(message, fix)

    def warn(self, message: str, fix: str | None = None) -> None:
        """Note something legal but probably unintended; the design still compiles."""
        self.warnings.append(BlockError(message, fix))

    def infer(self, name: str, actual: Dim, noun: str, detail: str | None = None) -> int:
        """Settle inferred parameter ``name`` from the upstream size ``actual`` (counted in ``noun``)."""
        if not is_fixed(actual):
            self.fail(
                f"needs a fixed number of {noun} but receives {actual}, which varies with the input",
                "fix the sequence length on the Input block, or pool over the sequence first",
            )
        pinned = self.params.get(name)
        if pinned is not None and pinned != actual:
            origin = f" ({detail})" if detail else ""
            self.fail(
                f"expects {pinned} {noun} but receives {actual}{origin}",
                f"set {name} to {actual}, or leave it automatic",
            )
        self.resolved[name] = actual
        return int(actual)

    def expect_rank(self, ranks: tuple[int, ...], layout: str, fix: str | None = None) -> None:
        """Refuse an input whose rank (batch included) is not one of ``ranks``."""
        if self.x.rank not in ranks:
            self.fail(f"expects {layout} input but receives {self.x}", fix)

    def expect_float(self) -> None:
        if self.x.dtype != "float32":
            self.fail(
                f"expects floating-point values but receives integer tokens ({self.x})",
                "add an Embedding block to turn tokens into vectors",
            )

    def features_detail(self) -> str | None:
        """Where a flat feature count came from, e.g. ``64×5×5``, when a Flatten made it."""
        src = self.x.flattened_from
        return format_shape(src) if src and len(src) > 1 else None


def no_params(_: dict[str, Any], __: list[TensorType]) -> int:
    return 0


Shape = tuple[int, ...]
"""A concrete shape, batch first, once symbolic sizes are given values."""


def no_flops(_: dict[str, Any], __: list[Shape], ___: list[Shape]) -> int:
    return 0


@dataclass(frozen=True)
class Saved:
    """What one training step keeps of a block for its backward pass, as torch's autograd keeps it on the CPU.

    Tensors that other blocks also see (the block's inputs and output) are named rather than counted, so that
    a tensor kept by two blocks is counted once; what only the block sees is counted in ``floats`` and ``bytes``.
    """

    inputs: tuple[int, ...] = ()
    """Indices of the inputs kept as they arrive."""
    output: bool = False
    """Whether the block's output is kept."""
    floats: int = 0
    """Elements of the training dtype kept inside the block (states, masks, statistics, projections)."""
    bytes: int = 0
    """Other bytes kept inside the block: int64 indices, oneDNN's workspace."""
    for_the_others: bool = False
    """Each kept input is kept only for the gradients of the other inputs (a product): kept when one of them needs
    a gradient."""
    view: bool = False
    """The output shares the first input's memory (Flatten, Reshape, Permute): it costs nothing new."""
    storage: int | None = None
    """Elements of the tensor the output is a view of, when that tensor is bigger than the output."""


NOTHING_SAVED = Saved()


def saves_nothing(_: dict[str, Any], __: list[Shape], ___: list[Shape]) -> Saved:
    return NOTHING_SAVED


def saves_input(_: dict[str, Any], __: list[Shape], ___: list[Shape]) -> Saved:
    return Saved(inputs=(0,))


def saves_output(_: dict[str, Any], __: list[Shape], ___: list[Shape]) -> Saved:
    return Saved(output=True)


def saves_view(_: dict[str, Any], __: list[Shape], ___: list[Shape]) -> Saved:
    return Saved(view=True)


@dataclass(frozen=True)
class BlockSpec:
    """One block kind, declared once for the palette, inspector, checks, compiler and files."""

    kind: str
    category: str
    help: str
    params: tuple[Param, ...]
    shape_rule: Callable[[ShapeContext], list[TensorType]]
    formula: str = ""
    """What the block computes and its output-size rule, in plain Unicode math, as torch computes it."""
    count_params: Callable[[dict[str, Any], list[TensorType]], int] = no_params
    """Trainable parameters, from the resolved parameters and input types."""
    count_flops: Callable[[dict[str, Any], list[Shape], list[Shape]], int] = no_flops
    """Floating-point operations of one forward pass, from the resolved parameters and the concrete input and
    output shapes, counted as ``torch.utils.flop_counter.FlopCounterMode`` counts them: 2 per multiply-add of
    matrix products and convolutions (bias additions, element-wise work, norms and pooling count 0)."""
    count_saved: Callable[[dict[str, Any], list[Shape], list[Shape]], Saved] = saves_nothing
    """What a training step keeps for the backward pass, from the resolved parameters and the concrete input
    and output shapes at the batch size (see :class:`Saved`). Nothing is kept when no input needs a gradient
    and the block has no weights: autograd records nothing then."""
    outputs: tuple[str, ...] = ("out",)
    inputs: tuple[str, ...] = ("in",)
    input_count_param: str | None = None
    """For merges: the parameter that says how many inputs (``in1`` … ``inN``) there are."""
    torch_names: tuple[str, ...] = ()
    """torch.nn classes (or functions) this block stands for, for importing torch models."""
    onnx_ops: tuple[str, ...] = ()
    """ONNX operators this block stands for, for importing ONNX models."""
    _by_name: dict[str, Param] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {p.name: p for p in self.params})

    def param(self, name: str) -> Param:
        return self._by_name[name]

    def input_ports(self, params: dict[str, Any]) -> tuple[str, ...]:
        if self.input_count_param is None:
            return self.inputs
        return tuple(f"in{i + 1}" for i in range(params[self.input_count_param]))

    def default_params(self) -> dict[str, Any]:
        return {p.name: None if p.inferred else p.default for p in self.params}

    def check_params(self, values: dict[str, Any]) -> dict[str, Any]:
        """Defaults filled in and every value checked; unknown names are refused."""
        unknown = sorted(set(values) - set(self._by_name))
        if unknown:
            raise ParamError(f"{self.kind} has no parameter {unknown[0]!r} (it has {', '.join(self._by_name)})")
        checked = self.default_params()
        for name, value in values.items():
            checked[name] = self._by_name[name].check(value)
        return checked

    def infer_shapes(self, params: dict[str, Any], inputs: list[TensorType]) -> ShapeResult:
        """Output types, resolved parameters (inferred ones filled in) and warnings for these inputs."""
        ctx = ShapeContext(params, inputs)
        outputs = self.shape_rule(ctx)
        return ShapeResult(outputs, {**params, **ctx.resolved}, ctx.warnings)


@dataclass(frozen=True)
class ShapeResult:
    outputs: list[TensorType]
    params: dict[str, Any]
    warnings: list[BlockError]
