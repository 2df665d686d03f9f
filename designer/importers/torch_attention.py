"""Self-attention written by hand in a traced module: query, key and value Linear layers of one tensor, heads split
with view/reshape and transpose, ``F.scaled_dot_product_attention``, heads joined again, an out Linear layer.
Found from the attention call, read into one SelfAttention block, and checked by running the module."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch
import torch.nn.functional as F
from torch import fx, nn

from designer.compiler.modules import causal_mask
from designer.importers.result import first_line

TOLERANCE = 1e-4
_REARRANGING = {"view", "reshape", "transpose", "permute", "contiguous", torch.transpose, torch.permute, torch.reshape}
"""What splits the heads apart and joins them again."""
MAX_STEPS = 8


@dataclass
class HandWrittenAttention:
    call: fx.Node
    """The scaled_dot_product_attention call."""
    layers: list[fx.Node]
    """The query, key and value layers' calls."""
    result: fx.Node
    """The out layer's call, whose result the block gives."""
    projections: list[nn.Linear]
    out: nn.Linear
    causal: bool
    heads: int = 0
    replaced: set[fx.Node] = field(default_factory=set)
    """Every node the block stands for, the result's included."""

    @property
    def source(self) -> fx.Node:
        """The tensor the query, key and value layers read."""
        return self.layers[0].args[0]  # type: ignore[return-value]

    @property
    def name(self) -> str:
        """The module the query, key and value layers sit in (``attn.q`` → ``attn``), else ``attention``."""
        return str(self.layers[0].target).rpartition(".")[0] or "attention"

    @property
    def params(self) -> dict[str, Any]:
        return {"num_heads": self.heads, "dropout": 0.0, "causal": self.causal, "bias": True}

    def weights(self) -> dict[str, torch.Tensor]:
        """nn.MultiheadAttention's state dict (zeros for biases the layers do not have)."""
        width = self.out.out_features
        biases = [p.bias if p.bias is not None else torch.zeros(width) for p in self.projections]
        return {
            "in_proj_weight": torch.cat([p.weight for p in self.projections]).detach(),
            "in_proj_bias": torch.cat(biases).detach(),
            "out_proj.weight": self.out.weight.detach(),
            "out_proj.bias": (self.out.bias if self.out.bias is not None else torch.zeros(width)).detach(),
        }


def find_attention(
    traced: fx.GraphModule, example: torch.Tensor, shape_key: str
) -> tuple[list[HandWrittenAttention], list[str]]:
    """The hand-written attention in ``traced`` that a SelfAttention block computes exactly (checked by running
    the module on ``example``), and a problem line for each one it does not. ``shape_key``: where each node's
    result shape is kept in its ``meta``."""
    found = [a for node in traced.graph.nodes if (a := _candidate(traced, node)) is not None]
    if not found:
        return [], []
    values = _values(traced, example, {n for a in found for n in (a.source, a.result)})
    checked, problems = [], []
    for attention in found:
        reason = _heads(attention, shape_key) or _region(attention) or _check(attention, values)
        if reason:
            problems.append(f"{attention.call.name}: looks like attention, but {reason}")
        else:
            checked.append(attention)
    return checked, problems


def _candidate(traced: fx.GraphModule, node: fx.Node) -> HandWrittenAttention | None:
    if node.op != "call_function" or node.target is not F.scaled_dot_product_attention or len(node.args) != 3:
        return None
    options = dict(node.kwargs)
    if any(options.get(k) is not None for k in ("attn_mask", "scale")) or options.get("enable_gqa"):
        return None
    layers = [_layer_before(arg) for arg in node.args]
    result = _layer_after(node)
    if result is None or any(layer is None for layer in layers):
        return None
    modules = [traced.get_submodule(str(layer.target)) for layer in layers]  # type: ignore[union-attr]
    out = traced.get_submodule(str(result.target))
    if not all(isinstance(m, nn.Linear) for m in [*modules, out]) or len({lay.args[0] for lay in layers}) != 1:  # type: ignore[union-attr]
        return None
    width = out.out_features
    if any((m.in_features, m.out_features) != (width, width) for m in [*modules, out]):
        return None
    return HandWrittenAttention(node, layers, result, modules, out, bool(options.get("is_causal", False)))  # type: ignore[arg-type]


def _layer_before(node: Any) -> fx.Node | None:
    """The layer's call that ``node`` is a rearrangement of."""
    for _ in range(MAX_STEPS):
        if not isinstance(node, fx.Node):
            return None
        if node.op == "call_module":
            return node
        if node.target not in _REARRANGING:
            return None
        node = node.args[0]
    return None


def _layer_after(node: fx.Node) -> fx.Node | None:
    """The layer's call after ``node`` is rearranged (the heads joined again)."""
    for _ in range(MAX_STEPS):
        users = list(node.users)
        if len(users) != 1 or users[0].args[0] is not node:
            return None
        node = users[0]
        if node.op == "call_module":
            return node
        if node.target not in _REARRANGING:
            return None
    return None


def _heads(attention: HandWrittenAttention, shape_key: str) -> str | None:
    queries = attention.call.args[0].meta.get(shape_key)  # type: ignore[union-attr]
    width = attention.out.out_features
    if not queries or len(queries) != 4 or width % queries[-1]:
        return f"its queries of shape {queries} are not split into heads of the {width} features"
    attention.heads = width // queries[-1]
    return None


def _region(attention: HandWrittenAttention) -> str | None:
    """The nodes from the source to the result (size reads included), when nothing else uses their results."""
    replaced: set[fx.Node] = {attention.result}
    stack = list(attention.result.all_input_nodes)
    while stack:
        node = stack.pop()
        if node is attention.source or node in replaced:
            continue
        if node.op == "placeholder":
            return f"it reads the module's input {node.name} besides its own"
        replaced.add(node)
        stack.extend(node.all_input_nodes)
    used = [n for n in replaced - {attention.result} if any(u not in replaced for u in n.users)]
    if used:
        return f"{used[0].name} is used outside it too"
    attention.replaced = replaced
    return None


def _values(traced: fx.GraphModule, example: torch.Tensor, wanted: set[fx.Node]) -> dict[fx.Node, Any]:
    """The values of the ``wanted`` nodes when the module runs on ``example``."""
    kept: dict[fx.Node, Any] = {}

    class Keeper(fx.Interpreter):
        def run_node(self, node: fx.Node) -> Any:
            result = super().run_node(node)
            if node in wanted:
                kept[node] = result
            return result

    with torch.no_grad():
        Keeper(traced).run(example)
    return kept


def _check(attention: HandWrittenAttention, values: dict[fx.Node, Any]) -> str | None:
    """Why SelfAttention with these weights does not compute what the module does, or None when it does."""
    x, expected = values.get(attention.source), values.get(attention.result)
    if not isinstance(x, torch.Tensor) or x.dim() != 3 or not isinstance(expected, torch.Tensor):
        return "it does not read a batch-first N×T×E sequence"
    block = nn.MultiheadAttention(attention.out.out_features, attention.heads, batch_first=True).eval()
    block.load_state_dict(attention.weights())
    try:
        with torch.no_grad():
            ours = block(x, x, x, need_weights=False, attn_mask=causal_mask(x) if attention.causal else None)[0]
    except RuntimeError as exc:
        return f"a SelfAttention block cannot take its input ({first_line(exc)})"
    scale = max(float(expected.abs().max()), 1.0)
    difference = float((ours - expected).abs().max()) if ours.shape == expected.shape else float("inf")
    if difference > TOLERANCE * scale:
        return f"a SelfAttention block computes something else (largest difference {difference:.3g})"
    return None
