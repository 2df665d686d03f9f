"""ONNX model → Designer project: each node mapped to a block where one fits, kept as an OnnxOp block where not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper

from designer.core.design import DesignError
from designer.core.inference import infer
from designer.core.project import Project
from designer.core.shapes import BATCH, SEQUENCE
from designer.importers.builder import DesignBuilder, Port, block_name
from designer.importers.encoder_layers import join_encoder_layers
from designer.importers.grouping import add_groups, onnx_module_path
from designer.importers.onnx_composite import Composite, find_composites
from designer.importers.onnx_file import Shape, default_opset, read_model, to_array
from designer.importers.onnx_graph import ELEMENT_TYPES, OnnxGraph
from designer.importers.onnx_ops import COMPOSITES, data_inputs, handler_for
from designer.importers.onnx_recurrent import View
from designer.importers.result import ImportReport, ImportResult, ModelImportError, unexpected
from designer.importers.saving import lay_out

Value = Port | View | np.ndarray
DECLARED_LENGTH = 16
"""Sequence length declared on an Input whose length the model leaves open."""
MAX_ATTRIBUTE_VALUES = 4096
MAX_INPUT_SIZE = 1_000_000
"""The largest size an Input block takes along one dimension."""


def import_onnx(path: str | Path) -> ImportResult:
    """Import the ONNX model at ``path``; raises :class:`ModelImportError` with a clear message when it cannot."""
    path = Path(path)
    importer = OnnxImporter(read_model(path), path.name)
    try:
        return importer.run(path.stem)
    except ModelImportError:
        raise
    except Exception as exc:  # a file unlike any seen: say so plainly rather than show a traceback
        raise unexpected(path.name, exc) from exc


class OnnxImporter:
    def __init__(self, model: onnx.ModelProto, source: str) -> None:
        self.graph = OnnxGraph(model)
        self.opset = default_opset(model)
        self.report = ImportReport(source, notes=list(self.graph.notes))
        self.builder = DesignBuilder(self.report)
        self.values: dict[str, Value] = {}
        self.skipped: set[int] = set()
        self.symbols: dict[str, str] = {}
        self.batch_size: int | None = None
        self.recurrent_use: dict[str, str] = {}
        """How each recurrent block's result is used: "sequence" or "last step"."""
        self.needed: list[int] = []
        self.probed: dict[str, Shape] | None = None
        self.produced: dict[str, str] = {}
        """The ONNX tensor each block's output stands for, to check shapes against."""
        self.composites: dict[str, Composite] = {}
        """Layers written out as many nodes, by the tensor they give."""

    def run(self, name: str) -> ImportResult:
        for graph_input in self.graph.inputs:
            self._add_input(graph_input)
        if self.graph.open_shapes():
            self._probed()
        self.composites = find_composites(self, COMPOSITES)
        self.needed = self.graph.needed(lambda node: data_inputs(self, node))
        for index in self.needed:
            if index not in self.skipped:
                self._map_node(index)
        for output in self.graph.outputs:
            self._add_output(output)
        self._prune_unused()
        join_encoder_layers(self.builder, self.produced)
        self._check_shapes()
        add_groups(self.builder.design, self.builder.paths, self.report.notes)
        lay_out(self.builder.design)
        project = Project(self.builder.design, name=block_name(name, "imported"), description=self._describe())
        return ImportResult(project, self.builder.weights, self.report)

    # ---- values ---------------------------------------------------------------------------------------
    def value(self, name: str) -> Value | None:
        if not name:
            return None
        constant = self.graph.constant(name)
        if constant is not None:
            return constant
        if name not in self.values:
            raise ModelImportError(f"tensor {name} is used before anything produces it")
        return self.values[name]

    def symbol(self, dim: int | str | None, position: int) -> int | str | None:
        """A size as Designer writes it: the batch as N, a varying length as T, other names kept."""
        if isinstance(dim, str):
            return self.symbols.get(dim, dim)
        if position == 0 and dim is not None and dim == self.batch_size:
            return BATCH
        return dim

    def designer_shape(self, name: str) -> list[int | str] | None:
        shape = self.graph.shape(name)
        if shape is None or any(d is None for d in shape):
            shape = self._probed().get(name)
        if shape is None or any(d is None for d in shape):
            return None
        return [self.symbol(d, i) for i, d in enumerate(shape)]

    def _probed(self) -> dict[str, Shape]:
        """Shapes ONNX inference left open, learnt once by running the model (see :meth:`OnnxGraph.probe`)."""
        if self.probed is None:
            names = [o for node in self.graph.nodes for o in node.output if o]
            sizes = {symbol: DECLARED_LENGTH for symbol, meaning in self.symbols.items() if meaning == SEQUENCE}
            self.probed = self.graph.probe(names, sizes)
            self.report.notes.append("sizes that ONNX inference left open were measured by running the model")
        return self.probed

    # ---- inputs and outputs -----------------------------------------------------------------------------
    def _add_input(self, graph_input: onnx.ValueInfoProto) -> None:
        shape = self.graph.shape(graph_input.name)
        element = self.graph.elem_type(graph_input.name)
        where = f"model input {graph_input.name}"
        if shape is None or len(shape) not in (2, 3, 4):
            raise ModelImportError(f"{where} has shape {shape}; Designer takes N×F, N×T×F or N×C×H×W inputs")
        batch, *sample = shape
        too_big = [d for d in sample if isinstance(d, int) and not 1 <= d <= MAX_INPUT_SIZE]
        if too_big:
            raise ModelImportError(f"{where} declares a size of {too_big[0]:,}; inputs take 1 to {MAX_INPUT_SIZE:,}")
        if isinstance(batch, str):
            self.symbols[batch] = BATCH
        else:
            self.batch_size = batch
            self.report.notes.append(f"{where} was exported for a batch of {batch}; the design takes any batch")
        params: dict[str, Any] = {"shape": sample}
        tokens = element in (TensorProto.INT64, TensorProto.INT32)
        if tokens and len(sample) == 1:
            params["data"] = "tokens"
        elif element in (TensorProto.FLOAT, TensorProto.DOUBLE, TensorProto.FLOAT16) and len(sample) in (1, 2, 3):
            params["data"] = {1: "features", 2: "sequence", 3: "image"}[len(sample)]
        else:
            kind = TensorProto.DataType.Name(element) if element in TensorProto.DataType.values() else element
            raise ModelImportError(f"{where} holds {kind} values of shape {shape}; Designer takes numbers")
        if any(not isinstance(d, int) for d in sample):
            if len(sample) > 2 or (isinstance(sample[-1], str) and len(sample) == 2):
                raise ModelImportError(f"{where} varies in a size other than the sequence length: {shape}")
            self.symbols[sample[0]] = SEQUENCE
            params["shape"] = [DECLARED_LENGTH, *sample[1:]]
            params["variable_length"] = True
        block = self.builder.add("Input", graph_input.name, params, [])
        self.values[graph_input.name] = (block, "out")
        self.produced[block] = graph_input.name

    def _add_output(self, name: str) -> None:
        value = self.value(name)
        if not isinstance(value, tuple):
            raise ModelImportError(f"model output {name} is a constant or a partial result Designer cannot return")
        shape = self.graph.shape(name) or ()
        units = shape[-1] if shape else None
        classes = len(shape) == 2 and isinstance(units, int) and units >= 2
        if classes:
            self.report.notes.append(f"output {name}: taken as class scores; change its task if it is regression")
        self.builder.add("Output", name, {"task": "classification" if classes else "regression"}, [value])

    def _prune_unused(self) -> None:
        """Remove blocks no Output depends on (a recurrent block's unused state, a dead branch)."""
        design = self.builder.design
        while dead := [b.id for b in design.blocks() if b.spec.outputs and not design.outgoing(b.id)]:
            for block_id in dead:
                self.report.folded.append(design.block(block_id).name)
                design.remove_block(block_id)
        self.builder.drop_removed_weights()

    def _check_shapes(self) -> None:
        """Compare every block's inferred output with what ONNX shape inference says the tensor is."""
        design = self.builder.design
        report = infer(design)
        self.report.notes += [f"the design has a problem: {p}" for p in report.errors[:10]]
        checked = 0
        for block_id, tensor in self.produced.items():
            theirs = self.designer_shape(tensor)
            if block_id not in report.outputs or not report.outputs[block_id] or theirs is None:
                continue
            ours = report.outputs[block_id][0].shape
            checked += 1
            fixed = [(a, b) for a, b in zip(ours, theirs, strict=False) if isinstance(a, int) and isinstance(b, int)]
            if len(ours) != len(theirs) or any(a != b for a, b in fixed):
                raise ModelImportError(
                    f"{design.block(block_id).name}: Designer infers {report.outputs[block_id][0]} but the model's "
                    f"{tensor} is {'×'.join(map(str, theirs))}; this part of the model was not understood"
                )
        self.report.notes.append(f"shapes of {checked} tensors checked against ONNX shape inference: all agree")

    def _describe(self) -> str:
        return f"Imported from {self.report.source} (ONNX opset {self.opset})."

    # ---- nodes ----------------------------------------------------------------------------------------------
    def _map_node(self, index: int) -> None:
        node = self.graph.nodes[index]
        if node.op_type != "Constant" and self.graph.fold(index):
            self.report.folded.append(self.graph.label(index))
            return
        ctx = NodeContext(self, index)
        handler = handler_for(self, node)
        try:
            mapped = handler is not None and handler(ctx)
        except DesignError as exc:
            raise ModelImportError(f"{ctx.label} ({node.op_type}): {exc}") from None
        if not mapped:
            self._keep(ctx)

    def raw_shape(self, name: str) -> Shape | None:
        """The ONNX shape of ``name``, measured when inference left it open."""
        shape = self.graph.shape(name)
        return self._probed().get(name) if shape is None or None in shape else shape

    def _keep(self, ctx: NodeContext) -> None:
        """Keep the node as an OnnxOp block, constants and attributes included."""
        node = ctx.node
        tensors, constants, weights = [], [], {}
        names = list(node.input)
        while names and not names[-1]:
            names.pop()
        for position, name in enumerate(names):
            value = ctx.fixed.get(position, None)
            value = ctx.importer.value(name) if value is None else value
            if value is None:
                raise ModelImportError(f"{ctx.label} ({node.op_type}) leaves out an optional input before the last")
            if isinstance(value, np.ndarray):
                weights[f"constant{len(constants)}"] = torch.from_numpy(np.array(value))
                constants.append({"position": position, "dtype": _dtype(value, ctx), "shape": list(value.shape)})
            elif isinstance(value, View):
                raise ModelImportError(
                    f"{ctx.label} ({node.op_type}) works on a recurrent layer's raw result in a layout Designer "
                    "does not have (time first, or directions apart)"
                )
            else:
                tensors.append(value)
        if not tensors:
            raise ModelImportError(f"{ctx.label} ({node.op_type}) computes from constants only; fold it before import")
        if any(ctx.importer.graph.used(name) for name in node.output[1:]):
            raise ModelImportError(f"{ctx.label} ({node.op_type}) has several results, which an OnnxOp cannot keep")
        shape = ctx.importer.designer_shape(node.output[0])
        if shape == []:
            raise ModelImportError(f"{ctx.label} ({node.op_type}) gives a single number, which no block can hold")
        element = ELEMENT_TYPES.get(ctx.importer.graph.elem_type(node.output[0]) or 0)
        if shape is None or element is None:
            raise ModelImportError(
                f"{ctx.label} ({node.op_type}) has no Designer block, and ONNX cannot tell the shape and type of its "
                "result, so it cannot be kept as an OnnxOp block"
            )
        params = {
            "op_type": node.op_type,
            "domain": node.domain,
            "opset": self.opset,
            "attributes": json.dumps(_attributes(ctx)),
            "inputs": len(tensors),
            "constants": json.dumps(constants),
            "output_shape": shape,
            "output_dtype": element,
        }
        ctx.add("OnnxOp", params, tensors, weights)


class NodeContext:
    """What a handler sees of one node, and how it adds blocks for it."""

    def __init__(self, importer: OnnxImporter, index: int) -> None:
        self.importer, self.index = importer, index
        self.node = importer.graph.nodes[index]
        self.label = importer.graph.label(index)
        self.attributes = {a.name: a for a in self.node.attribute}
        self.fixed: dict[int, np.ndarray] = {}
        """Inputs a handler has worked out as constants, for when the node is kept as an OnnxOp."""

    def attr(self, name: str, default: Any = None) -> Any:
        attribute = self.attributes.get(name)
        if attribute is None:
            return default
        value = helper.get_attribute_value(attribute)
        if isinstance(value, list):  # strings in a list (a recurrent node's activations) come as bytes too
            return [v.decode(errors="replace") if isinstance(v, bytes) else v for v in value]
        return value.decode(errors="replace") if isinstance(value, bytes) else value

    def input_name(self, i: int) -> str:
        return self.node.input[i] if i < len(self.node.input) else ""

    def value(self, i: int) -> Value | None:
        return self.importer.value(self.input_name(i))

    def port(self, i: int) -> Port | None:
        value = self.value(i)
        return value if isinstance(value, tuple) else None

    def const(self, i: int) -> np.ndarray | None:
        value = self.value(i)
        return value if isinstance(value, np.ndarray) else None

    def in_shape(self, i: int = 0) -> Shape | None:
        return self.importer.graph.shape(self.input_name(i))

    def out_shape(self, i: int = 0) -> Shape | None:
        return self.importer.graph.shape(self.node.output[i])

    def only_first_output_used(self) -> bool:
        return not any(self.importer.graph.used(name) for name in self.node.output[1:])

    def add(
        self,
        kind: str,
        params: dict[str, Any],
        inputs: list[Port],
        weights: dict[str, torch.Tensor] | None = None,
        name: str | None = None,
    ) -> Port:
        """Add a block for this node; its result becomes the node's first output."""
        block = self.importer.builder.add(
            kind, name or self.block_name(), params, inputs, self.label, self.node.op_type
        )
        if weights:
            self.importer.builder.set_weights(block, weights)
        self.importer.builder.paths[block] = onnx_module_path(self.node)
        self.set_output(0, (block, "out"))
        self.importer.produced[block] = self.node.output[0]
        return (block, "out")

    def block_name(self) -> str:
        """The module path torch wrote into the node's name, else the name of its weight (``fc.weight`` → ``fc``)."""
        weight = self.input_name(1)
        if "/" not in self.node.name and weight.endswith(".weight") and weight in self.importer.graph.initializers:
            return weight.removesuffix(".weight")
        return node_block_name(self.node)

    def set_output(self, i: int, value: Value) -> None:
        self.importer.values[self.node.output[i]] = value

    def fold(self) -> None:
        """This node became part of a neighbour: its result is its first input's."""
        self.importer.report.folded.append(self.label)


def node_block_name(node: onnx.NodeProto) -> str:
    """A block name from the module path in torch's node names: ``/layer1/layer1.0/conv1/Conv`` → ``layer1_0_conv1``."""
    parts = [p for p in node.name.split("/") if p]
    path = parts[:-1]
    kept = [p for i, p in enumerate(path) if not (i + 1 < len(path) and path[i + 1].startswith(p + "."))]
    if not kept:
        plain = node.name.removeprefix("node_") if "/" not in node.name else ""
        return plain or node.op_type.lower()
    if kept[-1].split(".")[-1].isdigit() and parts:  # a container such as layer1.0: say what the op is
        kept.append(parts[-1].lower())
    return "_".join(kept)


def _attributes(ctx: NodeContext) -> dict[str, Any]:
    result = {}
    for name, attribute in ctx.attributes.items():
        if attribute.type == onnx.AttributeProto.TENSOR:
            array = _tensor_values(attribute)
            dtype = helper.np_dtype_to_tensor_dtype(array.dtype)
            result[name] = {"tensor": {"dtype": dtype, "dims": list(array.shape), "values": array.ravel().tolist()}}
        elif attribute.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS):
            raise ModelImportError(f"{ctx.label} ({ctx.node.op_type}) holds a subgraph, which cannot be imported")
        else:
            value = ctx.attr(name)
            if isinstance(value, list) and len(value) > MAX_ATTRIBUTE_VALUES:
                raise ModelImportError(f"{ctx.label} ({ctx.node.op_type}): attribute {name} is too long to keep")
            result[name] = (
                [v.decode(errors="replace") if isinstance(v, bytes) else v for v in value]
                if isinstance(value, list)
                else value
            )
    return result


def _tensor_values(attribute: onnx.AttributeProto) -> np.ndarray:
    array = to_array(attribute.t, "attribute")
    if array.size > MAX_ATTRIBUTE_VALUES:
        raise ModelImportError(f"attribute {attribute.name} holds {array.size:,} values, too many to keep")
    return array


def _dtype(value: np.ndarray, ctx: NodeContext) -> str:
    if value.dtype == np.float32:
        return "float32"
    if value.dtype in (np.int64, np.int32):
        return "int64"
    if value.dtype == np.bool_:
        return "bool"
    raise ModelImportError(f"{ctx.label} ({ctx.node.op_type}) has a constant of type {value.dtype}")
