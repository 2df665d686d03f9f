"""Image augmentation on a whole batch, with torch ops on the batch's own device: random flip and padded crop."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F


def augment(x: torch.Tensor, settings: dict[str, Any], generator: torch.Generator | None = None) -> torch.Tensor:
    """A randomly flipped and cropped copy of an N×C×H×W batch, as the dataset settings ask.

    ``settings`` uses ``augment_flip`` and ``augment_crop_padding``; a batch that is not 4-dimensional is
    returned as it is. ``generator`` (on the batch's device) makes the choices repeatable.
    """
    if x.ndim != 4:
        return x
    if settings.get("augment_flip"):
        x = random_flip(x, generator)
    padding = settings.get("augment_crop_padding") or 0
    if padding > 0:
        x = random_crop(x, padding, generator)
    return x


def random_flip(x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """Each image flipped left-right with probability one half."""
    flip = torch.rand(x.shape[0], device=x.device, generator=generator) < 0.5
    return torch.where(flip[:, None, None, None], x.flip(-1), x)


def random_crop(x: torch.Tensor, padding: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """Each image zero-padded by ``padding`` on every side and cropped back to its size at a random offset."""
    n, _, height, width = x.shape
    padded = F.pad(x, (padding, padding, padding, padding))
    top = torch.randint(0, 2 * padding + 1, (n,), device=x.device, generator=generator)
    left = torch.randint(0, 2 * padding + 1, (n,), device=x.device, generator=generator)
    rows = (top[:, None] + torch.arange(height, device=x.device))[:, None, :, None]
    cols = (left[:, None] + torch.arange(width, device=x.device))[:, None, None, :]
    batch = torch.arange(n, device=x.device)[:, None, None, None]
    channels = torch.arange(x.shape[1], device=x.device)[None, :, None, None]
    return padded[batch, channels, rows, cols]
