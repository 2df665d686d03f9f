"""Transformer encoder layers an exporter wrote out, joined back into TransformerEncoderLayer blocks.

An exported ``nn.TransformerEncoderLayer`` imports as self-attention, two residual Adds, two LayerNorms and a
feed-forward network (Linear, ReLU or GELU, Linear). Where those blocks are wired exactly as the layer wires them
(post-norm or pre-norm) and have its settings, they become one block with the layer's state dict.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from designer.core.design import Connection, DesignGraph
from designer.importers.builder import DesignBuilder, block_name
from designer.importers.result import Mapping

LAYER_NORM_EPS = 1e-5
"""The layer norms' eps in a TransformerEncoderLayer block (torch's default; the block has no setting for it)."""
ACTIVATIONS = {"ReLU": "relu", "GELU": "gelu"}


@dataclass
class _Layer:
    source: Connection
    """What feeds the layer (its target is the layer's first block)."""
    parts: dict[str, str]
    """Block ids by their role: attention, add1, norm1, linear1, activation, linear2, add2, norm2."""
    last: str
    norm_first: bool


def join_encoder_layers(builder: DesignBuilder, produced: dict[str, str]) -> None:
    """Replace every written-out encoder layer in ``builder``'s design by a TransformerEncoderLayer block;
    ``produced`` (the tensor each block's output stands for) follows."""
    design = builder.design
    for attention in [b.id for b in design.blocks() if b.kind == "SelfAttention"]:
        layer = _post_norm(design, attention) or _pre_norm(design, attention)
        if layer is not None and _plain(builder, layer):
            _replace(builder, layer, produced)
    builder.drop_removed_weights()


def _only_consumer(design: DesignGraph, block: str, kind: str | tuple[str, ...]) -> str | None:
    out = design.outgoing(block)
    kinds = (kind,) if isinstance(kind, str) else kind
    return out[0].target if len(out) == 1 and design.block(out[0].target).kind in kinds else None


def _consumers(design: DesignGraph, block: str) -> dict[str, str]:
    """The blocks reading ``block``, by kind (when each kind reads it once)."""
    return {design.block(c.target).kind: c.target for c in design.outgoing(block)}


def _source(design: DesignGraph, block: str) -> Connection:
    return design.incoming(block)["in"]


def _residual(design: DesignGraph, add: str, skip: tuple[str, str], branch: str) -> bool:
    """Whether the Add ``add`` sums the output port ``skip`` and the output of ``branch``."""
    sources = {(c.source, c.source_port) for c in design.incoming(add).values()}
    return len(design.incoming(add)) == 2 and sources == {skip, (branch, "out")}


def _feed_forward(design: DesignGraph, linear1: str | None) -> tuple[str, str] | None:
    activation = _only_consumer(design, linear1, tuple(ACTIVATIONS)) if linear1 else None
    linear2 = _only_consumer(design, activation, "Linear") if activation else None
    return (activation, linear2) if activation and linear2 else None


def _post_norm(design: DesignGraph, attention: str) -> _Layer | None:
    """x → attention → add1(x, ·) → norm1 = z → linear1 → activation → linear2 → add2(z, ·) → norm2."""
    source = _source(design, attention)
    add1 = _only_consumer(design, attention, "Add")
    skip = (source.source, source.source_port)
    norm1 = _only_consumer(design, add1, "LayerNorm") if add1 and _residual(design, add1, skip, attention) else None
    after = _consumers(design, norm1) if norm1 else {}
    if set(after) != {"Linear", "Add"} or len(design.outgoing(norm1)) != 2:  # type: ignore[arg-type]
        return None
    feed = _feed_forward(design, after["Linear"])
    add2 = after["Add"]
    norm = _only_consumer(design, add2, "LayerNorm")
    if feed is None or norm is None or not _residual(design, add2, (norm1, "out"), feed[1]):  # type: ignore[arg-type]
        return None
    parts = {"attention": attention, "add1": add1, "norm1": norm1, "linear1": after["Linear"]}
    parts |= {"activation": feed[0], "linear2": feed[1], "add2": add2, "norm2": norm}
    return _Layer(source, parts, norm, norm_first=False)  # type: ignore[arg-type]


def _pre_norm(design: DesignGraph, attention: str) -> _Layer | None:
    """x → norm1 → attention → add1(x, ·) = z → norm2 → linear1 → activation → linear2 → add2(z, ·)."""
    norm1 = _source(design, attention).source
    if design.block(norm1).kind != "LayerNorm" or len(design.outgoing(norm1)) != 1:
        return None
    source = _source(design, norm1)
    add1 = _only_consumer(design, attention, "Add")
    if add1 is None or not _residual(design, add1, (source.source, source.source_port), attention):
        return None
    after = _consumers(design, add1)
    if set(after) != {"LayerNorm", "Add"} or len(design.outgoing(add1)) != 2:
        return None
    norm2, add2 = after["LayerNorm"], after["Add"]
    feed = _feed_forward(design, _only_consumer(design, norm2, "Linear"))
    if feed is None or not _residual(design, add2, (add1, "out"), feed[1]):
        return None
    parts = {"norm1": norm1, "attention": attention, "add1": add1, "norm2": norm2}
    parts |= {"linear1": design.outgoing(norm2)[0].target, "activation": feed[0], "linear2": feed[1], "add2": add2}
    return _Layer(source, parts, add2, norm_first=True)


def _plain(builder: DesignBuilder, layer: _Layer) -> bool:
    """Whether the parts have the settings a TransformerEncoderLayer block has."""
    block = builder.design.block
    attention, activation = block(layer.parts["attention"]), block(layer.parts["activation"])
    norms = [block(layer.parts[n]).params for n in ("norm1", "norm2")]
    if attention.params["causal"] or not attention.params["bias"]:
        return False
    if activation.kind == "GELU" and activation.params["approximate"] != "none":
        return False
    if any(not p["elementwise_affine"] or not math.isclose(p["eps"], LAYER_NORM_EPS, rel_tol=1e-6) for p in norms):
        return False
    return all(block(layer.parts[n]).params["bias"] for n in ("linear1", "linear2"))


def _replace(builder: DesignBuilder, layer: _Layer, produced: dict[str, str]) -> None:
    design, parts = builder.design, layer.parts
    names = {role: builder.name_of(block) for role, block in parts.items()}
    weights = {
        f"{prefix}{key}": builder.weights[f"{names[role]}.{key}"]
        for role, prefix, keys in (
            ("attention", "self_attn.", ("in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias")),
            ("linear1", "linear1.", ("weight", "bias")),
            ("linear2", "linear2.", ("weight", "bias")),
            ("norm1", "norm1.", ("weight", "bias")),
            ("norm2", "norm2.", ("weight", "bias")),
        )
        for key in keys
    }
    params = {
        "nhead": design.block(parts["attention"]).params["num_heads"],
        "dim_feedforward": int(weights["linear1.weight"].shape[0]),
        "dropout": design.block(parts["attention"]).params["dropout"],
        "activation": ACTIVATIONS[design.block(parts["activation"]).kind],
        "norm_first": layer.norm_first,
    }
    source = (layer.source.source, layer.source.source_port)
    attention_name = names["attention"]
    name = _common(list(names.values()), "_") or (
        attention_name.removesuffix("_self_attn") if attention_name.endswith("_self_attn") else "encoder_layer"
    )
    joined = builder.add("TransformerEncoderLayer", name, params, [source])
    builder.set_weights(joined, weights)
    paths = [builder.paths.get(b) for b in parts.values()]
    builder.paths[joined] = _common([p for p in paths if p], ".") if all(paths) else None
    for connection in design.outgoing(layer.last):
        design.disconnect(connection)
        design.connect(Connection(joined, "out", connection.target, connection.target_port))
    if layer.last in produced:
        produced[joined] = produced[layer.last]
    for block in parts.values():
        design.remove_block(block)
        produced.pop(block, None)
    mapped = builder.report.mapped
    entries = [i for i, m in enumerate(mapped) if m.block in names.values()]
    what = f"encoder layer written out, {len(entries)} parts"
    joined_entry = Mapping(
        mapped[entries[0]].source if entries else name, what, builder.name_of(joined), "TransformerEncoderLayer"
    )
    builder.report.mapped = [m for i, m in enumerate(mapped) if i not in entries]
    builder.report.mapped.insert(entries[0] if entries else len(builder.report.mapped), joined_entry)


def _common(names: list[str], separator: str) -> str:
    """The leading parts all ``names`` share: ``enc_layers_0_norm1``, ``enc_layers_0_add`` → ``enc_layers_0``."""
    split = [n.split(separator) for n in names]
    shared = []
    for tokens in zip(*split, strict=False):
        if len(set(tokens)) != 1:
            break
        shared.append(tokens[0])
    return (
        block_name(separator.join(shared), "encoder_layer") if shared and separator == "_" else separator.join(shared)
    )
