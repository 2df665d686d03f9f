"""How each block kind becomes torch: the submodule it owns and the graph nodes that call it.

Every block kind except Input and Output has one entry in :data:`TORCH_BLOCKS`; a test keeps
this table and the block library in step.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from typing import Any

import torch
from torch import fx, nn

from designer.compiler.modules import (
    LearnedPositionalEncoding,
    SinusoidalPositionalEncoding,
    causal_mask,
)
from designer.compiler.onnx_op import OnnxOperator

Params = dict[str, Any]


class Emitter:
    """Adds the nodes of one block to the fx graph; its last node carries the block's name."""

    def __init__(self, graph: fx.Graph, kind: str, name: str, params: Params) -> None:
        self.graph, self.kind, self.name, self.params = graph, kind, name, params

    def module(self, *args: Any, label: str | None = None, **kwargs: Any) -> fx.Node:
        return self.graph.create_node("call_module", self.name, args, kwargs, name=self._name(label))

    def function(
        self,
        fn: Callable[..., Any],
        *args: Any,
        label: str | None = None,
        **kwargs: Any,
    ) -> fx.Node:
        return self.graph.create_node("call_function", fn, args, kwargs, name=self._name(label))

    def method(self, method: str, *args: Any, label: str | None = None) -> fx.Node:
        return self.graph.create_node("call_method", method, args, {}, name=self._name(label))

    def _name(self, label: str | None) -> str:
        return self.name if label is None else f"{self.name}_{label}"


Emit = Callable[[Emitter, list[fx.Node]], fx.Node]


def _call(e: Emitter, args: list[fx.Node]) -> fx.Node:
    return e.module(*args)


@dataclass(frozen=True)
class TorchBlock:
    """The torch side of one block kind."""

    build: Callable[[Params], nn.Module] | None
    """Makes the block's submodule from its resolved parameters; None for blocks without one."""
    emit: Emit = _call


def _padding(p: Params) -> int | str:
    return p["padding"]


def _conv(cls: type[nn.Module]) -> Callable[[Params], nn.Module]:
    return lambda p: cls(
        p["in_channels"],
        p["out_channels"],
        p["kernel_size"],
        stride=p["stride"],
        padding=_padding(p),
        dilation=p["dilation"],
        groups=p["groups"],
        bias=p["bias"],
    )


def _conv_transpose(p: Params) -> nn.Module:
    return nn.ConvTranspose2d(
        p["in_channels"],
        p["out_channels"],
        p["kernel_size"],
        stride=p["stride"],
        padding=p["padding"],
        output_padding=p["output_padding"],
        groups=p["groups"],
        bias=p["bias"],
        dilation=p["dilation"],
    )


def _pool(cls: type[nn.Module]) -> Callable[[Params], nn.Module]:
    return lambda p: cls(p["kernel_size"], stride=p["stride"] or p["kernel_size"], padding=p["padding"])


def _recurrent(cls: type[nn.RNNBase]) -> Callable[[Params], nn.Module]:
    def build(p: Params) -> nn.Module:
        extra = {"nonlinearity": p["nonlinearity"]} if cls is nn.RNN else {}
        return cls(
            p["input_size"],
            p["hidden_size"],
            num_layers=p["num_layers"],
            bias=p["bias"],
            batch_first=True,
            dropout=p["dropout"],
            bidirectional=p["bidirectional"],
            **extra,
        )

    return build


def _emit_recurrent(e: Emitter, args: list[fx.Node]) -> fx.Node:
    result = e.module(*args, label="result")
    if e.params["output"] == "sequence":
        return e.function(operator.getitem, result, 0)
    hidden = e.function(operator.getitem, result, 1, label="hidden")
    if e.kind == "LSTM":  # LSTM returns (h_n, c_n) where RNN and GRU return h_n
        hidden = e.function(operator.getitem, hidden, 0, label="h_n")
    if not e.params["bidirectional"]:
        return e.function(operator.getitem, hidden, -1)
    # The last layer's final forward state and its final backward state (which has read the whole sequence).
    forward = e.function(operator.getitem, hidden, -2, label="forward")
    backward = e.function(operator.getitem, hidden, -1, label="backward")
    return e.function(torch.cat, [forward, backward], dim=1)


def _emit_attention(e: Emitter, args: list[fx.Node]) -> fx.Node:
    (x,) = args
    mask = e.function(causal_mask, x, label="mask") if e.params["causal"] else None
    result = e.module(x, x, x, need_weights=False, attn_mask=mask, label="result")
    return e.function(operator.getitem, result, 0)


def _positional(p: Params) -> nn.Module:
    cls = SinusoidalPositionalEncoding if p["encoding"] == "sinusoidal" else LearnedPositionalEncoding
    return cls(p["embed_dim"], p["max_len"], p["dropout"])


def _merge(fn: Callable[[Any, Any], Any]) -> Emit:
    def emit(e: Emitter, args: list[fx.Node]) -> fx.Node:
        partial = reduce(lambda a, b: e.function(fn, a, b, label="partial"), args[1:-1], args[0])
        return e.function(fn, partial, args[-1])

    return emit


def _emit_reshape(e: Emitter, args: list[fx.Node]) -> fx.Node:
    (x,) = args
    batch = e.method("size", x, 0, label="batch")
    return e.method("reshape", x, batch, *e.params["shape"])


TORCH_BLOCKS: dict[str, TorchBlock] = {
    "Conv1d": TorchBlock(_conv(nn.Conv1d)),
    "Conv2d": TorchBlock(_conv(nn.Conv2d)),
    "ConvTranspose2d": TorchBlock(_conv_transpose),
    "MaxPool1d": TorchBlock(_pool(nn.MaxPool1d)),
    "MaxPool2d": TorchBlock(_pool(nn.MaxPool2d)),
    "AvgPool1d": TorchBlock(_pool(nn.AvgPool1d)),
    "AvgPool2d": TorchBlock(_pool(nn.AvgPool2d)),
    "AdaptiveAvgPool1d": TorchBlock(lambda p: nn.AdaptiveAvgPool1d(p["output_size"])),
    "AdaptiveAvgPool2d": TorchBlock(lambda p: nn.AdaptiveAvgPool2d(p["output_size"])),
    "RNN": TorchBlock(_recurrent(nn.RNN), _emit_recurrent),
    "LSTM": TorchBlock(_recurrent(nn.LSTM), _emit_recurrent),
    "GRU": TorchBlock(_recurrent(nn.GRU), _emit_recurrent),
    "SelfAttention": TorchBlock(
        lambda p: nn.MultiheadAttention(
            p["embed_dim"],
            p["num_heads"],
            dropout=p["dropout"],
            bias=p["bias"],
            batch_first=True,
        ),
        _emit_attention,
    ),
    "TransformerEncoderLayer": TorchBlock(
        lambda p: nn.TransformerEncoderLayer(
            p["d_model"],
            p["nhead"],
            p["dim_feedforward"],
            p["dropout"],
            activation=p["activation"],
            batch_first=True,
            norm_first=p["norm_first"],
        )
    ),
    "PositionalEncoding": TorchBlock(_positional),
    "Embedding": TorchBlock(
        lambda p: nn.Embedding(p["num_embeddings"], p["embedding_dim"], padding_idx=p["padding_idx"])
    ),
    "Dropout": TorchBlock(lambda p: nn.Dropout(p["p"])),
    "Dropout2d": TorchBlock(lambda p: nn.Dropout2d(p["p"])),
    "BatchNorm1d": TorchBlock(lambda p: nn.BatchNorm1d(p["num_features"], p["eps"], p["momentum"], p["affine"])),
    "BatchNorm2d": TorchBlock(lambda p: nn.BatchNorm2d(p["num_features"], p["eps"], p["momentum"], p["affine"])),
    "LayerNorm": TorchBlock(lambda p: nn.LayerNorm(p["normalized_shape"], p["eps"], p["elementwise_affine"])),
    "GroupNorm": TorchBlock(lambda p: nn.GroupNorm(p["num_groups"], p["num_channels"], p["eps"], p["affine"])),
    "LocalResponseNorm": TorchBlock(lambda p: nn.LocalResponseNorm(p["size"], p["alpha"], p["beta"], p["k"])),
    "Linear": TorchBlock(lambda p: nn.Linear(p["in_features"], p["out_features"], p["bias"])),
    "Flatten": TorchBlock(None, lambda e, a: e.function(torch.flatten, a[0], e.params["start_dim"])),
    "Reshape": TorchBlock(None, _emit_reshape),
    "Permute": TorchBlock(None, lambda e, a: e.method("permute", a[0], *e.params["dims"])),
    "ReLU": TorchBlock(lambda p: nn.ReLU()),
    "LeakyReLU": TorchBlock(lambda p: nn.LeakyReLU(p["negative_slope"])),
    "GELU": TorchBlock(lambda p: nn.GELU(p["approximate"])),
    "SiLU": TorchBlock(lambda p: nn.SiLU()),
    "Tanh": TorchBlock(lambda p: nn.Tanh()),
    "Sigmoid": TorchBlock(lambda p: nn.Sigmoid()),
    "Softmax": TorchBlock(lambda p: nn.Softmax(p["dim"])),
    "Add": TorchBlock(None, _merge(operator.add)),
    "Multiply": TorchBlock(None, _merge(operator.mul)),
    "Concat": TorchBlock(None, lambda e, a: e.function(torch.cat, list(a), dim=e.params["dim"])),
    "OnnxOp": TorchBlock(OnnxOperator),
}
