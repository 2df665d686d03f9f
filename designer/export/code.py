"""PyTorch code export: a standalone ``model.py`` that reads like hand-written PyTorch and needs only torch.

The ``__init__`` builds each block's submodule under the block's name, written out from the compiled
submodule itself; the ``forward`` is the compiled fx graph's code. Designer's own helpers that the network
uses (positional encodings, the causal mask) are copied in as source.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any

import torch
from torch import fx, nn
from torch.nn import functional

from designer.compiler import modules as designer_modules

CLASS_NAME = "DesignedNetwork"
_SKIPPED = {"self", "device", "dtype", "mode", "args", "kwargs"}
_Getter = Callable[[nn.Module], Any]

_GETTERS: dict[type[nn.Module], dict[str, _Getter]] = {
    nn.MultiheadAttention: {
        "bias": lambda m: m.in_proj_bias is not None,
        "add_bias_kv": lambda m: m.bias_k is not None,
        "kdim": lambda m: None if m._qkv_same_embed_dim else m.kdim,
        "vdim": lambda m: None if m._qkv_same_embed_dim else m.vdim,
    },
    nn.TransformerEncoderLayer: {
        "d_model": lambda m: m.self_attn.embed_dim,
        "nhead": lambda m: m.self_attn.num_heads,
        "dim_feedforward": lambda m: m.linear1.out_features,
        "dropout": lambda m: m.dropout.p,
        "activation": lambda m: "gelu" if m.activation is functional.gelu else "relu",
        "layer_norm_eps": lambda m: m.norm1.eps,
        "batch_first": lambda m: m.self_attn.batch_first,
        "bias": lambda m: m.linear1.bias is not None,
    },
    designer_modules.SinusoidalPositionalEncoding: {
        "embed_dim": lambda m: m.table.shape[1],
        "max_len": lambda m: m.table.shape[0],
        "dropout": lambda m: m.dropout.p,
    },
}
_GETTERS[designer_modules.LearnedPositionalEncoding] = _GETTERS[designer_modules.SinusoidalPositionalEncoding]
_HELPERS: dict[type | Callable, tuple[Callable | type, ...]] = {
    designer_modules.SinusoidalPositionalEncoding: (
        designer_modules.sinusoidal_table,
        designer_modules.SinusoidalPositionalEncoding,
    ),
    designer_modules.LearnedPositionalEncoding: (designer_modules.LearnedPositionalEncoding,),
    designer_modules.causal_mask: (designer_modules.causal_mask,),
}
"""Designer's own code a network may use, and the definitions to copy into model.py for it."""


def model_source(module: fx.GraphModule, title: str, weights: str) -> str:
    """The text of a ``model.py`` defining ``DesignedNetwork``, the network of ``module``, whose weights are saved
    in the file named ``weights`` beside it."""
    used = [type(m) for m in module.children()]
    forward, functions = _forward(module)
    helpers: list[Callable | type] = []
    for thing in [*used, *functions]:
        helpers += [h for h in _HELPERS.get(thing, ()) if h not in helpers]
    imports = ["import math"] if designer_modules.sinusoidal_table in helpers else []
    head = "\n".join([_docstring(title, weights), "", *imports, *([""] if imports else []), "import torch"])
    parts = [
        head + "\nfrom torch import nn",
        *(inspect.getsource(h).rstrip() for h in helpers),
        _class(module, forward),
    ]
    return "\n\n\n".join(parts) + "\n"


def _docstring(title: str, weights: str) -> str:
    return (
        f'"""{title}: the network designed in Designer, as plain PyTorch.\n\n'
        f"    model = {CLASS_NAME}()\n"
        f'    model.load_state_dict(torch.load("{weights}", weights_only=True))\n'
        "    model.eval()\n"
        '"""'
    )


def _class(module: fx.GraphModule, forward: str) -> str:
    lines = [f"class {CLASS_NAME}(nn.Module):", "    def __init__(self) -> None:", "        super().__init__()"]
    lines += [f"        self.{name} = {constructor(child)}" for name, child in module.named_children()]
    return "\n".join(lines) + "\n\n" + forward


def _forward(module: fx.GraphModule) -> tuple[str, list[Callable]]:
    """The fx code of ``forward`` with Designer's functions called by their own names, and those functions."""
    code = module.graph.python_code(root_module="self")
    functions = []
    text = code.src
    for name, value in code.globals.items():
        if callable(value) and getattr(value, "__module__", None) == designer_modules.__name__:
            text = re.sub(rf"\b{name}\b", value.__name__, text)
            functions.append(value)
    body = [re.sub(r";  [\w =]+ = None$", "", line) for line in text.strip().splitlines()]
    return "\n".join("    " + line if line.strip() else "" for line in body).rstrip(), functions


def constructor(module: nn.Module) -> str:
    """``nn.Conv2d(1, 32, kernel_size=3)``: the call that builds ``module``, defaults left out."""
    cls = type(module)
    signature = inspect.signature(nn.RNNBase.__init__ if isinstance(module, nn.RNNBase) else cls.__init__)
    getters = _GETTERS.get(cls, {})
    positional, keywords = [], []
    for name, parameter in signature.parameters.items():
        if name in _SKIPPED or name.startswith("_"):
            continue
        value = _plain(name, getters[name](module) if name in getters else getattr(module, name))
        if parameter.default is inspect.Parameter.empty:
            positional.append(repr(value))
        elif not _same(value, parameter.default):
            keywords.append(f"{name}={value!r}")
    if isinstance(module, nn.RNN) and module.nonlinearity != "tanh":
        keywords.append(f"nonlinearity={module.nonlinearity!r}")
    prefix = "" if cls.__module__ == designer_modules.__name__ else "nn."
    return f"{prefix}{cls.__name__}({', '.join(positional + keywords)})"


def _plain(name: str, value: Any) -> Any:
    """A bias as the flag that says it exists; tuples of one repeated size as that size."""
    if name == "bias" and (isinstance(value, torch.Tensor) or value is None):
        return value is not None
    if isinstance(value, tuple) and value and all(v == value[0] for v in value) and isinstance(value[0], int):
        return value[0]
    return value


def _same(value: Any, default: Any) -> bool:
    if callable(default):  # TransformerEncoderLayer's activation defaults to the function F.relu
        return value == default.__name__
    return value == default and type(value) is type(default)
