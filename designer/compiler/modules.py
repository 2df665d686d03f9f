"""The few torch modules Designer needs that torch.nn does not have: positional encodings."""

from __future__ import annotations

import math

import torch
from torch import nn


def sinusoidal_table(max_len: int, embed_dim: int) -> torch.Tensor:
    """The fixed encoding of Vaswani et al. 2017: sin on even features, cos on odd, wavelengths up to 10000·2π."""
    position = torch.arange(max_len, dtype=torch.float32).unsqueeze(1)
    rates = torch.exp(torch.arange(0, embed_dim, 2, dtype=torch.float32) * (-math.log(10000.0) / embed_dim))
    table = torch.zeros(max_len, embed_dim)
    table[:, 0::2] = torch.sin(position * rates)
    table[:, 1::2] = torch.cos(position * rates[: embed_dim // 2])
    return table


class SinusoidalPositionalEncoding(nn.Module):
    """Adds the fixed sinusoidal code of each position to an N×T×E sequence, then applies dropout."""

    def __init__(self, embed_dim: int, max_len: int = 512, dropout: float = 0.0) -> None:
        super().__init__()
        self.register_buffer("table", sinusoidal_table(max_len, embed_dim), persistent=False)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dropout(x + self.table[: x.size(1)])


class LearnedPositionalEncoding(nn.Module):
    """Adds one learned vector per position to an N×T×E sequence, then applies dropout."""

    def __init__(self, embed_dim: int, max_len: int = 512, dropout: float = 0.0) -> None:
        super().__init__()
        self.table = nn.Parameter(torch.zeros(max_len, embed_dim))
        nn.init.normal_(self.table, std=0.02)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dropout(x + self.table[: x.size(1)])


def causal_mask(x: torch.Tensor) -> torch.Tensor:
    """A T×T mask that hides later positions of the N×T×E sequence ``x`` (True means hidden)."""
    length = x.size(1)
    return torch.ones(length, length, dtype=torch.bool, device=x.device).triu(1)
