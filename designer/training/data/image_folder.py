"""An image folder: one sub-folder per class, every image resized to one size, grayscale or RGB (Pillow)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from designer.training.data.files import existing_folder
from designer.training.data.raw import RawData
from designer.training.dataset import DataError

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp"})


def load_image_folder(settings: dict[str, Any]) -> RawData:
    root = existing_folder(settings["path"])
    classes = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if len(classes) < 2:
        raise DataError(f"found {len(classes)} class folder(s); put each class's images in its own sub-folder", root)
    height, width = settings["image_size"]
    mode = "L" if settings["color"] == "grayscale" else "RGB"
    images: list[np.ndarray] = []
    labels: list[int] = []
    for label, folder in enumerate(classes):
        files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
        if not files:
            raise DataError(f"the class folder holds no images ({', '.join(sorted(IMAGE_SUFFIXES))})", folder)
        for file in files:
            images.append(_read_image(file, mode, (width, height)))
        labels.extend([label] * len(files))
    x = np.stack(images).astype(np.float32)
    x /= 255.0
    x = x[:, None] if mode == "L" else x.transpose(0, 3, 1, 2)
    channels = x.shape[1]
    return RawData(
        name=root.name,
        task="classification",
        input_kind="image",
        x=np.ascontiguousarray(x),
        y=np.array(labels, dtype=np.int64),
        class_names=tuple(folder.name for folder in classes),
        description=f"{root.name}: {len(labels)} images in {len(classes)} classes, as {channels}×{height}×{width}.",
        notes=(f"images resized to {height}×{width}, {settings['color']}, pixel values scaled to 0–1",),
    )


def _read_image(file: Path, mode: str, size: tuple[int, int]) -> np.ndarray:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(file) as image:
            return np.asarray(image.convert(mode).resize(size, Image.Resampling.BILINEAR))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise DataError(f"this image cannot be read: {exc}", file) from None
