"""PyTorch module → Designer project: traced with torch.fx, each layer and call mapped to a block, weights kept."""

from __future__ import annotations

import importlib.util
import inspect
import operator
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import fx, nn

from designer.core.design import DesignError
from designer.core.project import Project
from designer.importers.builder import DesignBuilder, Port, block_name
from designer.importers.encoder_layers import join_encoder_layers
from designer.importers.grouping import add_groups, torch_module_path
from designer.importers.result import ImportReport, ImportResult, ModelImportError, first_line, unexpected
from designer.importers.saving import lay_out
from designer.importers.torch_attention import HandWrittenAttention, find_attention
from designer.importers.torch_layers import layer_settings, layer_stack

_ACTIVATIONS: dict[Any, str] = {
    torch.relu: "ReLU",
    F.relu: "ReLU",
    torch.sigmoid: "Sigmoid",
    torch.tanh: "Tanh",
    F.gelu: "GELU",
    F.silu: "SiLU",
    F.leaky_relu: "LeakyReLU",
    "relu": "ReLU",
    "sigmoid": "Sigmoid",
    "tanh": "Tanh",
}
_MERGES: dict[Any, str] = {operator.add: "Add", torch.add: "Add", operator.mul: "Multiply", torch.mul: "Multiply"}
_SOFTMAX = (F.softmax, torch.softmax, "softmax")
_RESHAPES = ("view", "reshape")
_PASS_THROUGH = ("contiguous",)


@dataclass(frozen=True)
class Partial:
    """Part of a recurrent or attention block's result, on the way to one the block gives."""

    block: str
    stage: str
    """result, states (LSTM's (h, c)), hidden (h_n), or direction (one direction's last state)."""
    index: int = 0


SHAPE = "designer_shape"
"""Where each traced node's result shape is kept in its ``meta``."""


class _ShapeRecorder(fx.Interpreter):
    """Runs the traced module once, noting the shape of every tensor result; a failure names the call."""

    def __init__(self, module: fx.GraphModule, name: str) -> None:
        super().__init__(module)
        self.name = name

    def run_node(self, node: fx.Node) -> Any:
        try:
            result = super().run_node(node)
        except Exception as exc:  # whatever the layer raises on an input it does not fit
            where = node.target if node.op == "call_module" else node.name
            raise ModelImportError(f"{self.name}: {where} fails on the example input: {first_line(exc)}") from None
        if isinstance(result, torch.Tensor):
            node.meta[SHAPE] = tuple(result.shape)
        return result


def load_module(spec: str) -> nn.Module:
    """``path/to/module.py:ClassName`` instantiated with no arguments."""
    path_text, _, class_name = spec.rpartition(":")
    path = Path(path_text)
    if not path_text or not class_name or path.suffix != ".py":
        raise ModelImportError(f"{spec}: give a Python file and a class, as module.py:ClassName")
    if not path.is_file():
        raise ModelImportError(f"{path} does not exist")
    module_spec = importlib.util.spec_from_file_location(f"designer_import_{path.stem}", path)
    if module_spec is None or module_spec.loader is None:
        raise ModelImportError(f"{path} cannot be loaded as a Python module")
    code = importlib.util.module_from_spec(module_spec)
    sys.modules[module_spec.name] = code
    folder = str(path.resolve().parent)
    sys.path.insert(0, folder)  # so that the file can import the modules beside it, as it would when run
    try:
        module_spec.loader.exec_module(code)
        cls = getattr(code, class_name, None)
        if not (inspect.isclass(cls) and issubclass(cls, nn.Module)):
            found = [n for n, v in vars(code).items() if inspect.isclass(v) and issubclass(v, nn.Module)]
            raise ModelImportError(f"{path} has no torch.nn.Module class {class_name} (it has {', '.join(found)})")
        return cls()
    except ModelImportError:
        raise
    except Exception as exc:  # the user's code can raise anything; it is reported, never shown as a traceback
        raise ModelImportError(f"{spec}: running it failed: {type(exc).__name__}: {first_line(exc)}") from None
    finally:
        sys.modules.pop(module_spec.name, None)
        sys.path.remove(folder)


def import_module(source: str | nn.Module, input_shape: list[int] | None = None) -> ImportResult:
    """Import ``module.py:ClassName`` or a module object; ``input_shape`` is one sample's shape, batch left out."""
    module = load_module(source) if isinstance(source, str) else source
    name = source.rpartition(":")[2] if isinstance(source, str) else type(module).__name__
    try:
        traced = fx.symbolic_trace(module.eval())
    except Exception as exc:  # fx raises many kinds (TraceError, TypeError from control flow on proxies, …)
        raise ModelImportError(
            f"{name} cannot be traced with torch.fx ({first_line(exc)}); Python branches on tensor values "
            "and calls into non-torch code cannot be imported"
        ) from None
    try:
        return ModuleImporter(traced, name).run(input_shape)
    except ModelImportError:
        raise
    except Exception as exc:  # a module unlike any seen: say so plainly rather than show a traceback
        raise unexpected(name, exc) from exc


class ModuleImporter:
    def __init__(self, traced: fx.GraphModule, name: str) -> None:
        self.traced, self.name = traced, name
        self.report = ImportReport(name)
        self.builder = DesignBuilder(self.report)
        self.values: dict[fx.Node, Port | Partial | None] = {}
        self.problems: list[str] = []
        self.attention: dict[fx.Node, HandWrittenAttention] = {}
        """The nodes of hand-written attention, each with the attention it is part of."""

    def run(self, input_shape: list[int] | None) -> ImportResult:
        placeholders = [n for n in self.traced.graph.nodes if n.op == "placeholder"]
        if len(placeholders) != 1:
            raise ModelImportError(f"{self.name}.forward takes {len(placeholders)} inputs; one can be imported")
        example = self._example(placeholders[0], input_shape)
        try:
            _ShapeRecorder(self.traced, self.name).run(example)
        except ModelImportError as exc:  # torch's interpreter appends the traced code to the message
            raise ModelImportError(first_line(exc)) from None
        attention, self.problems = find_attention(self.traced, example, SHAPE)
        self.attention = {node: found for found in attention for node in found.replaced}
        for node in self.traced.graph.nodes:
            try:
                self._map(node)
            except (DesignError, ValueError) as exc:
                self.problems.append(f"{node.name}: {exc}")
        if self.problems:
            listed = "\n  ".join(self.problems[:20])
            raise ModelImportError(f"{self.name} has parts Designer cannot import:\n  {listed}")
        join_encoder_layers(self.builder, {})
        add_groups(self.builder.design, self.builder.paths, self.report.notes)
        lay_out(self.builder.design)
        project = Project(self.builder.design, name=block_name(self.name, "imported"))
        project.description = f"Imported from the PyTorch module {self.name}."
        return ImportResult(project, self.builder.weights, self.report)

    # ---- the input ------------------------------------------------------------------------------------
    def _example(self, placeholder: fx.Node, shape: list[int] | None) -> torch.Tensor:
        first = self._first_layer(placeholder)
        if shape is None:
            if not isinstance(first, nn.Linear):
                raise ModelImportError(
                    f"{self.name}: give the shape of one input sample (e.g. --input-shape 1,28,28 for images); "
                    "it can be guessed only when the first layer is Linear"
                )
            shape = [first.in_features]
        if not 1 <= len(shape) <= 3 or any(d < 1 or d > 1_000_000 for d in shape):
            raise ModelImportError(f"input shape {shape}: give 1 to 3 sizes from 1 to 1,000,000, batch left out")
        params: dict[str, Any] = {"shape": list(shape), "data": {1: "features", 2: "sequence", 3: "image"}[len(shape)]}
        if isinstance(first, nn.Embedding):
            params |= {"data": "tokens", "vocab_size": first.num_embeddings}
            example = torch.randint(first.num_embeddings, (2, *shape))
        else:
            example = torch.randn(2, *shape)
        block = self.builder.add("Input", placeholder.name, params, [])
        self.values[placeholder] = (block, "out")
        return example

    def _first_layer(self, placeholder: fx.Node) -> nn.Module | None:
        users = [u for u in placeholder.users if u.op == "call_module"]
        return self.traced.get_submodule(users[0].target) if users else None

    # ---- nodes ----------------------------------------------------------------------------------------
    def _map(self, node: fx.Node) -> None:
        if node in self.attention:
            self._attention(node, self.attention[node])
            return
        if node.op == "placeholder":
            return
        if node.op == "output":
            self._outputs(node)
        elif node.op == "call_module":
            self._layer(node)
        elif node.op in ("call_function", "call_method"):
            self._call(node)
        else:
            self.problems.append(f"{node.name}: {node.op} {node.target} (a tensor kept on the module) has no block")

    def _attention(self, node: fx.Node, attention: HandWrittenAttention) -> None:
        """One SelfAttention block, given by the out layer, for every node of hand-written attention."""
        if node is not attention.result:
            self.report.folded.append(node.name)
            return
        inputs = [self._tensor(attention.source)]
        block = self.builder.add("SelfAttention", attention.name, attention.params, inputs, node.name, "attention")
        self.builder.paths[block] = torch_module_path(attention.layers[0]).rpartition(".")[0]
        self.builder.set_weights(block, attention.weights())
        self.values[node] = (block, "out")

    def _tensor(self, node: Any) -> Port:
        value = self.values.get(node) if isinstance(node, fx.Node) else None
        if not isinstance(value, tuple):
            raise ValueError(f"uses {node}, which is not a tensor Designer can pass between blocks")
        return value

    def _add(self, node: fx.Node, kind: str, params: dict[str, Any], inputs: list[Any], what: Any) -> str:
        ports = [self._tensor(i) for i in inputs]
        name = node.target if node.op == "call_module" else node.name
        block = self.builder.add(kind, str(name), params, ports, node.name, getattr(what, "__name__", str(what)))
        self.builder.paths[block] = torch_module_path(node)
        self.values[node] = (block, "out")
        return block

    def _layer(self, node: fx.Node) -> None:
        layer = self.traced.get_submodule(node.target)
        stack = layer_stack(layer)
        if stack is not None:
            self._stack(node, stack)
            return
        settings = layer_settings(layer)
        if settings is None:
            self.problems.append(f"{node.target}: {type(layer).__name__} with these settings has no Designer block")
            return
        kind, params = settings
        inputs = list(node.args)
        if kind == "SelfAttention":
            if len({id(a) for a in node.args[:3]}) != 1 or node.kwargs.get("attn_mask") is not None:
                raise ValueError("only self-attention (query, key and value the same tensor, no mask) has a block")
            inputs = inputs[:1]
        block = self._add(node, kind, params, inputs, type(layer).__name__)
        self.builder.set_weights(block, layer.state_dict())
        if kind in ("LSTM", "GRU", "RNN", "SelfAttention"):
            self.values[node] = Partial(block, "result")

    def _stack(self, node: fx.Node, stack: list[tuple[str, nn.Module]]) -> None:
        """One block per layer of a container that runs them one after the other (nn.TransformerEncoder)."""
        layer = self.traced.get_submodule(node.target)
        if len(node.args) != 1 or any(v is not None for v in node.kwargs.values()):
            raise ValueError(f"only {type(layer).__name__} without a mask has blocks")
        port = self._tensor(node.args[0])
        for name, part in stack:
            settings = layer_settings(part)
            if settings is None:
                raise ValueError(f"{name}: {type(part).__name__} with these settings has no Designer block")
            path = f"{node.target}.{name}"
            kind, params = settings
            block = self.builder.add(kind, path, params, [port], node.name, type(part).__name__)
            self.builder.paths[block] = path
            self.builder.set_weights(block, part.state_dict())
            port = (block, "out")
        self.values[node] = port

    def _call(self, node: fx.Node) -> None:
        target, args = node.target, node.args
        if target is operator.getitem and isinstance(self.values.get(args[0]), Partial):
            self._partial(node, self.values[args[0]], args[1])
        elif target in _MERGES:
            self._add(node, _MERGES[target], {"inputs": 2}, list(args), target)
        elif target in _ACTIVATIONS:
            params = {"negative_slope": args[1] if len(args) > 1 else node.kwargs.get("negative_slope", 0.01)}
            self._add(node, _ACTIVATIONS[target], params if target is F.leaky_relu else {}, [args[0]], target)
        elif target in _SOFTMAX:
            dim = args[1] if len(args) > 1 else node.kwargs.get("dim")
            self._add(node, "Softmax", {"dim": dim}, [args[0]], target)
        elif target in (torch.flatten, "flatten"):
            start = args[1] if len(args) > 1 else node.kwargs.get("start_dim", 0)
            if start < 1 or (len(args) > 2 and args[2] != -1):
                raise ValueError("only flattening from dimension 1 on (the batch kept) has a block")
            self._add(node, "Flatten", {"start_dim": start}, [args[0]], "flatten")
        elif target is torch.cat:
            self._concat(node)
        elif target in _RESHAPES:
            self._reshape(node)
        elif target in ("permute", torch.permute):
            dims = list(args[1]) if isinstance(args[1], (list, tuple)) else list(args[1:])
            self._add(node, "Permute", {"dims": dims}, [args[0]], "permute")
        elif target == "size" or target in _PASS_THROUGH:
            self.values[node] = self.values.get(args[0]) if target in _PASS_THROUGH else None
        elif target is F.dropout:
            self._add(
                node, "Dropout", {"p": node.kwargs.get("p", args[1] if len(args) > 1 else 0.5)}, [args[0]], "dropout"
            )
        else:
            self.problems.append(f"{node.name}: {getattr(target, '__name__', target)} has no Designer block")

    def _shape(self, node: fx.Node) -> tuple[int, ...]:
        return node.meta[SHAPE]

    def _reshape(self, node: fx.Node) -> None:
        before, after = self._shape(node.args[0]), self._shape(node)
        if after[0] != before[0] or len(after) < 2:
            raise ValueError(f"reshapes {before} to {after}; only reshapes that keep the batch have a block")
        if len(after) == 2:
            self._add(node, "Flatten", {"start_dim": 1}, [node.args[0]], str(node.target))
        else:
            self._add(node, "Reshape", {"shape": list(after[1:])}, [node.args[0]], str(node.target))

    def _concat(self, node: fx.Node) -> None:
        parts = list(node.args[0])
        dim = node.args[1] if len(node.args) > 1 else node.kwargs.get("dim", 0)
        values = [self.values.get(p) for p in parts]
        if all(isinstance(v, Partial) and v.stage == "direction" for v in values):
            block = values[0].block
            if [v.index for v in values] != [-2, -1] or {v.block for v in values} != {block} or dim not in (1, -1):
                raise ValueError("joins final states in a way Designer's 'last step' output does not")
            self._last_step(node, block)
            return
        self._add(node, "Concat", {"inputs": len(parts), "dim": dim}, parts, "cat")

    def _partial(self, node: fx.Node, partial: Partial, index: Any) -> None:
        if not node.users:  # an unpacked part the forward never uses, such as the c_n of ``_, (h, _) = lstm(x)``
            self.values[node] = None
            return
        design = self.builder.design
        block = design.block(partial.block)
        bidirectional = block.params.get("bidirectional", False)
        if partial.stage == "result" and index == 0:
            self.values[node] = (partial.block, "out")
            self.report.folded.append(node.name)
        elif partial.stage == "result" and index == 1 and block.kind != "SelfAttention":
            self.values[node] = Partial(partial.block, "states" if block.kind == "LSTM" else "hidden")
        elif partial.stage == "states" and index == 0:
            self.values[node] = Partial(partial.block, "hidden")
        elif partial.stage == "hidden" and index == -1 and not bidirectional:
            self._last_step(node, partial.block)
        elif partial.stage == "hidden" and index in (-2, -1) and bidirectional:
            self.values[node] = Partial(partial.block, "direction", index)
        else:
            raise ValueError(f"uses part {index} of {block.name}'s result, which Designer's {block.kind} does not give")

    def _last_step(self, node: fx.Node, block: str) -> None:
        design = self.builder.design
        if any(self.values.get(n) == (block, "out") for n in self.values):
            raise ValueError(f"uses both the sequence and the last step of {design.block(block).name}")
        design.set_param(block, "output", "last step")
        self.values[node] = (block, "out")

    def _outputs(self, node: fx.Node) -> None:
        results = node.args[0] if isinstance(node.args[0], (tuple, list)) else [node.args[0]]
        for i, result in enumerate(results):
            shape = self._shape(result)
            classes = len(shape) == 2 and shape[1] >= 2
            task = "classification" if classes else "regression"
            name = "output" if len(results) == 1 else f"output_{i + 1}"
            self.builder.add("Output", name, {"task": task}, [self._tensor(result)])
