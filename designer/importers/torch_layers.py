"""torch.nn layers → Designer block kinds and parameters; None where a layer's settings have no block."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from torch import nn

from designer.importers.encoder_layers import LAYER_NORM_EPS

Settings = tuple[str, dict[str, Any]] | None


def _one(value: Any) -> Any:
    """A size given once or as equal values per axis; None when the axes differ."""
    if isinstance(value, (tuple, list)):
        return value[0] if all(v == value[0] for v in value) else None
    return value


def _conv(layer: nn.Conv1d | nn.Conv2d) -> Settings:
    dims = 1 if isinstance(layer, nn.Conv1d) else 2
    padding = layer.padding if isinstance(layer.padding, str) else _one(layer.padding)
    sizes = [_one(layer.kernel_size), _one(layer.stride), _one(layer.dilation), padding]
    if None in sizes or layer.padding_mode != "zeros":
        return None
    kernel, stride, dilation, _ = sizes
    params = {"out_channels": layer.out_channels, "kernel_size": kernel, "stride": stride, "padding": padding}
    return f"Conv{dims}d", params | {"dilation": dilation, "groups": layer.groups, "bias": layer.bias is not None}


def _pool(kind: str) -> Callable[[Any], Settings]:
    def settings(layer: Any) -> Settings:
        kernel, stride, padding = _one(layer.kernel_size), _one(layer.stride), _one(layer.padding)
        if None in (kernel, stride, padding) or layer.ceil_mode or getattr(layer, "dilation", 1) != 1:
            return None
        if getattr(layer, "return_indices", False) or not getattr(layer, "count_include_pad", True):
            return None
        return kind, {"kernel_size": kernel, "stride": stride, "padding": padding}

    return settings


def _adaptive(kind: str) -> Callable[[Any], Settings]:
    return lambda layer: (kind, {"output_size": layer.output_size}) if _one(layer.output_size) else None


def _batch_norm(kind: str) -> Callable[[Any], Settings]:
    def settings(layer: Any) -> Settings:
        if not layer.track_running_stats or layer.momentum is None:
            return None
        return kind, {"eps": layer.eps, "momentum": layer.momentum, "affine": layer.affine}

    return settings


def _layer_norm(layer: nn.LayerNorm) -> Settings:
    if len(layer.normalized_shape) != 1 or (layer.elementwise_affine and layer.bias is None):
        return None
    return "LayerNorm", {"eps": layer.eps, "elementwise_affine": layer.elementwise_affine}


def _recurrent(kind: str) -> Callable[[Any], Settings]:
    def settings(layer: Any) -> Settings:
        if not layer.batch_first or getattr(layer, "proj_size", 0):
            return None
        params = {
            "hidden_size": layer.hidden_size,
            "num_layers": layer.num_layers,
            "bidirectional": layer.bidirectional,
            "dropout": layer.dropout,
            "bias": layer.bias,
        }
        return kind, params | ({"nonlinearity": layer.nonlinearity} if kind == "RNN" else {})

    return settings


def _attention(layer: nn.MultiheadAttention) -> Settings:
    if not layer.batch_first or not layer._qkv_same_embed_dim or layer.bias_k is not None:
        return None
    return "SelfAttention", {
        "num_heads": layer.num_heads,
        "dropout": layer.dropout,
        "bias": layer.in_proj_bias is not None,
    }


def _encoder(layer: nn.TransformerEncoderLayer) -> Settings:
    activation = getattr(layer.activation, "__name__", type(layer.activation).__name__).lower()
    if not layer.self_attn.batch_first or activation not in ("relu", "gelu"):
        return None
    if layer.linear1.bias is None or any(norm.eps != LAYER_NORM_EPS for norm in (layer.norm1, layer.norm2)):
        return None  # the block's layers have biases and its norms torch's default eps
    params = {
        "nhead": layer.self_attn.num_heads,
        "dim_feedforward": layer.linear1.out_features,
        "dropout": layer.dropout.p,
        "activation": activation,
        "norm_first": layer.norm_first,
    }
    return "TransformerEncoderLayer", params


def _flatten(layer: nn.Flatten) -> Settings:
    return ("Flatten", {"start_dim": layer.start_dim}) if layer.end_dim == -1 and layer.start_dim >= 1 else None


def _embedding(layer: nn.Embedding) -> Settings:
    if layer.max_norm is not None:
        return None
    return "Embedding", {"embedding_dim": layer.embedding_dim, "padding_idx": layer.padding_idx}


LAYERS: dict[type[nn.Module], Callable[[Any], Settings]] = {
    nn.Conv1d: _conv,
    nn.Conv2d: _conv,
    nn.Linear: lambda layer: ("Linear", {"out_features": layer.out_features, "bias": layer.bias is not None}),
    nn.MaxPool1d: _pool("MaxPool1d"),
    nn.MaxPool2d: _pool("MaxPool2d"),
    nn.AvgPool1d: _pool("AvgPool1d"),
    nn.AvgPool2d: _pool("AvgPool2d"),
    nn.AdaptiveAvgPool1d: _adaptive("AdaptiveAvgPool1d"),
    nn.AdaptiveAvgPool2d: _adaptive("AdaptiveAvgPool2d"),
    nn.BatchNorm1d: _batch_norm("BatchNorm1d"),
    nn.BatchNorm2d: _batch_norm("BatchNorm2d"),
    nn.LayerNorm: _layer_norm,
    nn.GroupNorm: lambda layer: (
        "GroupNorm",
        {"num_groups": layer.num_groups, "eps": layer.eps, "affine": layer.affine},
    ),
    nn.LocalResponseNorm: lambda layer: (
        "LocalResponseNorm",
        {"size": layer.size, "alpha": layer.alpha, "beta": layer.beta, "k": layer.k},
    ),
    nn.Dropout: lambda layer: ("Dropout", {"p": layer.p}),
    nn.Dropout2d: lambda layer: ("Dropout2d", {"p": layer.p}),
    nn.ReLU: lambda layer: ("ReLU", {}),
    nn.LeakyReLU: lambda layer: ("LeakyReLU", {"negative_slope": layer.negative_slope}),
    nn.GELU: lambda layer: ("GELU", {"approximate": layer.approximate}),
    nn.SiLU: lambda layer: ("SiLU", {}),
    nn.Tanh: lambda layer: ("Tanh", {}),
    nn.Sigmoid: lambda layer: ("Sigmoid", {}),
    nn.Softmax: lambda layer: ("Softmax", {"dim": layer.dim}) if layer.dim is not None else None,
    nn.Flatten: _flatten,
    nn.Embedding: _embedding,
    nn.LSTM: _recurrent("LSTM"),
    nn.GRU: _recurrent("GRU"),
    nn.RNN: _recurrent("RNN"),
    nn.MultiheadAttention: _attention,
    nn.TransformerEncoderLayer: _encoder,
}


def layer_stack(layer: nn.Module) -> list[tuple[str, nn.Module]] | None:
    """The layers, by their names under it, that a container torch.fx keeps whole runs one after the other:
    nn.TransformerEncoder's encoder layers and then its final norm. None for any other module."""
    if not isinstance(layer, nn.TransformerEncoder):
        return None
    parts: list[tuple[str, nn.Module]] = [(f"layers.{i}", part) for i, part in enumerate(layer.layers)]
    return parts + ([("norm", layer.norm)] if layer.norm is not None else [])


def layer_settings(layer: nn.Module) -> Settings:
    """The block kind and parameters standing for ``layer``, or None."""
    settings = LAYERS.get(type(layer))
    return settings(layer) if settings is not None else None
