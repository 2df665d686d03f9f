"""Batch augmentation against a hand-written per-image loop with the same random draws."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from designer.training.data.augment import augment, random_crop, random_flip


def _batch() -> torch.Tensor:
    return torch.arange(6 * 2 * 5 * 7, dtype=torch.float32).reshape(6, 2, 5, 7)


def test_flip_mirrors_exactly_the_drawn_images() -> None:
    x = _batch()
    out = random_flip(x, torch.Generator().manual_seed(1))
    drawn = torch.rand(6, generator=torch.Generator().manual_seed(1)) < 0.5
    for image, result, flipped in zip(x, out, drawn, strict=True):
        torch.testing.assert_close(result, torch.flip(image, dims=[2]) if flipped else image)
    assert 0 < int(drawn.sum()) < 6


def test_crop_takes_a_window_of_the_padded_image_at_the_drawn_offset() -> None:
    x, padding = _batch(), 2
    out = random_crop(x, padding, torch.Generator().manual_seed(3))
    g = torch.Generator().manual_seed(3)
    top = torch.randint(0, 5, (6,), generator=g)
    left = torch.randint(0, 5, (6,), generator=g)
    for i in range(6):
        padded = F.pad(x[i], (padding,) * 4)
        torch.testing.assert_close(out[i], padded[:, top[i] : top[i] + 5, left[i] : left[i] + 7])
    assert out.shape == x.shape


def test_settings_choose_what_happens() -> None:
    x = _batch()
    assert augment(x, {"augment_flip": False, "augment_crop_padding": 0}) is x
    tokens = torch.ones(4, 9, dtype=torch.long)
    assert augment(tokens, {"augment_flip": True, "augment_crop_padding": 3}) is tokens
    both = augment(x, {"augment_flip": True, "augment_crop_padding": 1}, torch.Generator().manual_seed(0))
    assert both.shape == x.shape and not torch.equal(both, x)
