"""An index of an ONNX graph: who produces and consumes each tensor, constants, shapes, and what the outputs need."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import onnx
from onnx import TensorProto, helper

from designer.importers.onnx_file import MAX_ELEMENTS, Shape, inferred_shapes, to_array
from designer.importers.result import ModelImportError

_ZERO_PASSING = {"Expand", "Slice", "Reshape", "Unsqueeze", "Squeeze", "Tile", "Identity", "Cast"}
"""Operators whose result is all zeros when their first input is."""
_REARRANGING = {"Reshape", "Transpose", "Squeeze", "Unsqueeze", "Identity", "Flatten", "Cast"}
"""Operators that only move a constant's values, so folding one costs no more than the constant itself."""
MAX_MEASURED = 1024
"""Largest result that running the model can show to be a constant (sizes and scales computed from them)."""
MAX_PROBE_VALUES = 2**24
"""Most input values the model is run on to measure sizes (batches of 2 and 3): 64 MiB of float32."""
MAX_FILLED = 2**30
"""Most values all ConstantOfShape nodes together may make (4 GiB of float32)."""
MAX_FOLDED = 1_000_000
"""Largest result computed at import from constants (size arithmetic, small tables)."""


class OnnxGraph:
    """The graph of one model, indexed for import."""

    def __init__(self, model: onnx.ModelProto) -> None:
        self.model = model
        graph = model.graph
        self.nodes = list(graph.node)
        self.initializers = {t.name: t for t in graph.initializer}
        self.inputs = [i for i in graph.input if i.name not in self.initializers]
        self.outputs = [o.name for o in graph.output]
        self.producer: dict[str, tuple[int, int]] = {}
        self.consumers: dict[str, list[int]] = {}
        for index, node in enumerate(self.nodes):
            for k, name in enumerate(node.output):
                if name:
                    self.producer[name] = (index, k)
            for name in node.input:
                if name:
                    self.consumers.setdefault(name, []).append(index)
        self.shapes, self.types, self.notes = inferred_shapes(model)
        self._constants: dict[str, np.ndarray] = {}
        self.filled = 0
        """Values made by ConstantOfShape so far, against :data:`MAX_FILLED`."""

    def label(self, index: int) -> str:
        node = self.nodes[index]
        return node.name or f"{node.op_type}_{index}"

    def used(self, name: str) -> bool:
        return bool(self.consumers.get(name)) or name in self.outputs

    def constant(self, name: str) -> np.ndarray | None:
        """The value of ``name`` when it is a weight or the result of a Constant node; None otherwise."""
        if name in self._constants:
            return self._constants[name]
        value = None
        if name in self.initializers:
            value = to_array(self.initializers[name], "weight tensor")
        elif name in self.producer:
            node = self.nodes[self.producer[name][0]]
            if node.op_type == "Constant":
                value = _constant_node_value(node)
        if value is not None:
            self._constants[name] = value
        return value

    def fold(self, index: int) -> bool:
        """Compute a node whose inputs are all constants, if its results are small; they become constants."""
        node = self.nodes[index]
        inputs = [self.constant(name) if name else None for name in node.input]
        if any(value is None for name, value in zip(node.input, inputs, strict=True) if name):
            return False
        if node.op_type == "ConstantOfShape":
            return self._fill(node, inputs[0])
        sizes = [self.shapes.get(name) for name in node.output if name]
        if any(s is None or None in s or any(isinstance(d, str) for d in s) for s in sizes):
            return False
        limit = MAX_ELEMENTS if node.op_type in _REARRANGING else MAX_FOLDED
        if sum(math.prod(s) for s in sizes) > limit:  # type: ignore[arg-type]
            return False
        from onnx.reference import ReferenceEvaluator

        graph = helper.make_graph(
            [node],
            "fold",
            [helper.make_tensor_value_info(f"x{i}", self.elem_type(n) or 0, None) for i, n in enumerate(node.input)],
            [helper.make_empty_tensor_value_info(n) for n in node.output if n],
        )
        renamed = helper.make_node(
            node.op_type,
            [f"x{i}" if n else "" for i, n in enumerate(node.input)],
            list(node.output),
            domain=node.domain,
        )
        renamed.attribute.extend(node.attribute)
        graph.node[0].CopyFrom(renamed)
        model = helper.make_model(graph, opset_imports=list(self.model.opset_import))
        try:
            feeds = {f"x{i}": v for i, v in enumerate(inputs) if v is not None}
            results = ReferenceEvaluator(model).run(None, feeds)
        except Exception:  # an operator the reference evaluator lacks: the node is kept instead
            return False
        for name, value in zip([n for n in node.output if n], results, strict=True):
            self._constants[name] = np.asarray(value)
        return True

    def probe(self, names: list[str], sample_sizes: dict[str, int]) -> dict[str, Shape]:
        """Shapes of ``names`` found by running the model in ONNX Runtime at batches of 2 and 3.

        For results whose size comes from arithmetic on sizes, which shape inference leaves open. A size that
        follows the batch is written ``N`` (or ``k·N``); ``sample_sizes`` fixes the other open input sizes.
        """
        try:
            runs = self.run(names, (2, 3), sample_sizes)
        except ValueError as exc:
            self.notes.append(f"{exc}, so the sizes ONNX leaves open could not be measured")
            return {}
        for name in names:
            first, second = runs[0].get(name), runs[1].get(name)
            same = first is not None and second is not None and first.shape == second.shape
            if same and first.size <= MAX_MEASURED and np.array_equal(first, second) and name not in self.outputs:
                self._constants[name] = first  # size arithmetic: the same whatever the batch and the data
        return {name: _batch_shape(runs[0][name].shape, runs[1][name].shape) for name in names if name in runs[0]}

    def run(
        self, names: list[str], batches: tuple[int, ...], sample_sizes: dict[str, int]
    ) -> list[dict[str, np.ndarray]]:
        """The values of ``names`` (and the outputs) when the model runs in ONNX Runtime on seeded random inputs,
        once per batch size; ``sample_sizes`` fixes the open input sizes. A ValueError says why it could not run."""
        import onnxruntime

        samples = [self._example_size(i, sample_sizes) for i in self.inputs]
        if None in samples or max(batches) * sum(samples) > MAX_PROBE_VALUES:  # type: ignore[operator]
            raise ValueError("the model's inputs are too big to run it")
        model = onnx.ModelProto()
        model.CopyFrom(self.model)
        known = {o.name for o in model.graph.output}
        model.graph.output.extend(helper.make_empty_tensor_value_info(n) for n in names if n not in known)
        runs: list[dict[str, np.ndarray]] = []
        try:
            options = onnxruntime.SessionOptions()
            options.log_severity_level = 4  # what goes wrong is reported once, by the caller, not logged on the way
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # leave the cores to torch
            session = onnxruntime.InferenceSession(
                model.SerializeToString(), options, providers=["CPUExecutionProvider"]
            )
            outputs = [o.name for o in session.get_outputs()]
            for batch in batches:
                feeds = {i.name: self._example(i, batch, sample_sizes) for i in self.inputs}
                runs.append(dict(zip(outputs, session.run(None, feeds), strict=True)))
        except Exception as exc:  # onnxruntime raises its own types
            raise ValueError(f"running the model failed: {str(exc).splitlines()[0]}") from None
        return runs

    def _example_size(self, graph_input: onnx.ValueInfoProto, sizes: dict[str, int]) -> int | None:
        shape = self.shapes.get(graph_input.name)
        if shape is None:
            return None
        dims = [d if isinstance(d, int) else sizes.get(d, 1) if d else None for d in shape[1:]]
        return None if None in dims else math.prod(dims)  # type: ignore[arg-type]

    def _example(self, graph_input: onnx.ValueInfoProto, batch: int, sizes: dict[str, int]) -> np.ndarray:
        shape = self.shapes[graph_input.name]
        dims = [batch if i == 0 else d if isinstance(d, int) else sizes.get(d, 1) for i, d in enumerate(shape)]
        element = self.elem_type(graph_input.name)
        if element in (TensorProto.INT64, TensorProto.INT32):
            return np.zeros(dims, helper.tensor_dtype_to_np_dtype(element))
        return np.random.default_rng(batch).standard_normal(dims).astype(helper.tensor_dtype_to_np_dtype(element))

    def _fill(self, node: onnx.NodeProto, shape: np.ndarray) -> bool:
        """ConstantOfShape with a constant shape: how some files keep their weights (one value repeated)."""
        dims = [int(d) for d in shape.reshape(-1)]
        count = math.prod(dims)
        if any(d < 0 for d in dims) or count > MAX_ELEMENTS or self.filled + count > MAX_FILLED:
            raise ModelImportError(f"{node.name or node.op_type} asks for a constant of {count:,} values, too many")
        fill = next((a.t for a in node.attribute if a.name == "value"), None)
        value = to_array(fill) if fill is not None else np.zeros(1, np.float32)
        self.filled += count
        self._constants[node.output[0]] = np.full(dims, value.reshape(-1)[0], value.dtype)
        return True

    def is_zeros(self, name: str) -> bool:
        """Whether ``name`` is absent or certainly all zeros (a zero initial state, built however the exporter did)."""
        if not name:
            return True
        value = self.constant(name)
        if value is not None:
            return not np.any(value)
        if name not in self.producer:
            return False
        node = self.nodes[self.producer[name][0]]
        if node.op_type == "ConstantOfShape":
            fill = next((a.t for a in node.attribute if a.name == "value"), None)
            return fill is None or not np.any(to_array(fill))
        return node.op_type in _ZERO_PASSING and self.is_zeros(node.input[0])

    def open_shapes(self) -> bool:
        """Whether ONNX shape inference left the shape of some node's result open."""
        results = (name for node in self.nodes if node.op_type != "Constant" for name in node.output if name)
        return any(self.shapes.get(name) is None or None in self.shapes[name] for name in results)

    def needed(self, data_inputs: Callable[[onnx.NodeProto], list[str]]) -> list[int]:
        """Indices of the nodes the outputs depend on through data (not through size arithmetic), in graph order."""
        seen: set[int] = set()
        stack = list(self.outputs)
        while stack:
            name = stack.pop()
            if name not in self.producer or self.constant(name) is not None:
                continue
            index = self.producer[name][0]
            if index not in seen:
                seen.add(index)
                stack.extend(data_inputs(self.nodes[index]))
        return sorted(seen)

    def shape(self, name: str) -> Shape | None:
        return self.shapes.get(name)

    def elem_type(self, name: str) -> int | None:
        if name in self.initializers:
            return self.initializers[name].data_type
        return self.types.get(name)


def _constant_node_value(node: onnx.NodeProto) -> np.ndarray | None:
    for attribute in node.attribute:
        if attribute.name == "value":
            return to_array(attribute.t)
        if attribute.name in ("value_float", "value_int"):
            return np.array(helper.get_attribute_value(attribute))
        if attribute.name in ("value_floats", "value_ints"):
            values = helper.get_attribute_value(attribute)
            if len(values) > MAX_ELEMENTS:
                raise ModelImportError(f"constant {node.name} holds more than {MAX_ELEMENTS:,} values")
            return np.array(values, dtype=np.float32 if attribute.name == "value_floats" else np.int64)
    return None


ELEMENT_TYPES = {TensorProto.FLOAT: "float32", TensorProto.INT64: "int64", TensorProto.BOOL: "bool"}


def _batch_shape(first: tuple[int, ...], second: tuple[int, ...]) -> Shape:
    """Sizes from runs at batches 2 and 3: the same in both, or k times the batch (``N``, ``2·N``)."""
    dims: list[int | str | None] = []
    for a, b in zip(first, second, strict=True):
        if a == b:
            dims.append(int(a))
        elif a % 2 == 0 and a // 2 * 3 == b:
            dims.append("N" if a == 2 else f"{a // 2}·N")
        else:
            dims.append(None)
    return tuple(dims) if len(first) == len(second) else tuple(None for _ in first)
