"""Small attention networks written by hand in PyTorch, for the import tests (a sample is 5 steps of 4 features)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class AttentionClassifier(nn.Module):
    """nn.MultiheadAttention with a residual connection and layer norm, then a classifier over every position."""

    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Linear(4, 16)
        self.attention = nn.MultiheadAttention(16, 4, batch_first=True)
        self.norm = nn.LayerNorm(16)
        self.fc = nn.Linear(16 * 5, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.embed(x)
        attended, _ = self.attention(h, h, h, need_weights=False)
        return self.fc(torch.flatten(self.norm(h + attended), 1))


class Encoder(nn.Module):
    """A 2-layer nn.TransformerEncoder."""

    def __init__(self, norm_first: bool, eps: float = 1e-5) -> None:
        super().__init__()
        self.embed = nn.Linear(4, 16)
        layer = nn.TransformerEncoderLayer(16, 2, 32, batch_first=True, norm_first=norm_first, layer_norm_eps=eps)
        self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.fc = nn.Linear(16 * 5, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(torch.flatten(self.encoder(self.embed(x)), 1))


class HandWritten(nn.Module):
    """Separate query, key and value projections, heads split by view and transpose, scaled_dot_product_attention."""

    def __init__(self, causal: bool = False) -> None:
        super().__init__()
        self.embed = nn.Linear(4, 16)
        self.query, self.key, self.value = nn.Linear(16, 16), nn.Linear(16, 16), nn.Linear(16, 16)
        self.out = nn.Linear(16, 16)
        self.fc = nn.Linear(16 * 5, 3)
        self.causal = causal

    def heads(self, x: torch.Tensor) -> torch.Tensor:
        return x.view(x.shape[0], x.shape[1], 2, 8).transpose(1, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.embed(x)
        q, k, v = self.heads(self.query(h)), self.heads(self.key(h)), self.heads(self.value(h))
        mixed = F.scaled_dot_product_attention(q, k, v, is_causal=self.causal)
        return self.fc(torch.flatten(self.out(mixed.transpose(1, 2).reshape(h.shape)), 1))
