"""An index of an ONNX graph: who produces and consumes each tensor, constants, shapes, and what the outputs need."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import onnx
from onnx import TensorProto, helper

from designer.importers.onnx_file import MAX_ELEMENTS, Shape, inferred_shapes, to_array
from designer.importers.result import ModelImportError

_ZERO_PASSING = {"Expand", "Slice", "Reshape", "Unsqueeze", "Squeeze", "Tile", "Identity", "Cast"}
"""Operators whose result is all zeros when their first input is."""


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
