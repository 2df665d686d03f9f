"""Image folders: one class per sub-folder, resized, grayscale or RGB; missing folders and bad images named."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from designer.training.data import DataError, load_dataset


def _folder(root: Path, classes: dict[str, list[tuple[int, int, int]]]) -> Path:
    for name, colours in classes.items():
        (root / name).mkdir(parents=True)
        for i, colour in enumerate(colours):
            Image.new("RGB", (12, 6), colour).save(root / name / f"{i}.png")
    return root


def _load(root: Path, **settings: object) -> object:
    return load_dataset({"source": "image-folder", "path": str(root), "normalize": False, **settings})


def test_images_are_resized_scaled_and_labelled_by_folder(tmp_path: Path) -> None:
    root = _folder(tmp_path / "pics", {"cat": [(255, 0, 0)] * 3, "dog": [(0, 0, 255)] * 3})
    data = _load(root, image_size=[4, 5], color="rgb", validation_fraction=0.34)
    assert data.class_names == ("cat", "dog") and data.sample_shape == (3, 4, 5)
    x, y = np.concatenate([data.x_train, data.x_val]), np.concatenate([data.y_train, data.y_val])
    np.testing.assert_allclose(x[y == 0][:, 0], 1.0)  # red cats
    np.testing.assert_allclose(x[y == 1][:, 2], 1.0)  # blue dogs
    grey = _load(root, image_size=[8, 8])
    assert grey.sample_shape == (1, 8, 8)


def test_missing_folder_empty_class_and_broken_image(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"nowhere: no such folder"):
        _load(tmp_path / "nowhere")
    root = _folder(tmp_path / "pics", {"cat": [(1, 2, 3)], "dog": []})
    with pytest.raises(DataError, match=r"dog: the class folder holds no images"):
        _load(root)
    (root / "dog" / "broken.png").write_bytes(b"\x89PNG not really")
    with pytest.raises(DataError, match=r"broken\.png: this image cannot be read"):
        _load(root)


def test_one_class_is_not_enough(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"found 1 class folder"):
        _load(_folder(tmp_path / "pics", {"cat": [(1, 2, 3)] * 2}))
