"""The dataset settings a project stores under ``"dataset"``: declared once for the panel, the checks and the loader."""

from __future__ import annotations

from typing import Any

from designer.core.params import (
    BoolParam,
    ChoiceParam,
    FloatParam,
    IntListParam,
    IntParam,
    Param,
    TextParam,
    check_section,
)

BUILT_IN = ("digits", "iris", "wine", "breast-cancer")
GENERATED = ("sine-forecast", "sequence-classification", "token-classification")
USER_FILES = ("csv", "numpy", "image-folder", "idx")
SOURCES = BUILT_IN + GENERATED + USER_FILES

SOURCE_HELP = {
    "digits": "Handwritten digits from scikit-learn: 1,797 images of 1×8×8, 10 classes.",
    "iris": "Iris flowers from scikit-learn: 150 samples of 4 measurements, 3 species.",
    "wine": "Wines from scikit-learn: 178 samples of 13 chemical measurements, 3 cultivars.",
    "breast-cancer": "Breast cancer from scikit-learn: 569 samples of 30 measurements, benign or malignant.",
    "sine-forecast": "Generated noisy sine waves: predict the next value(s) from a window of the past.",
    "sequence-classification": "Generated sequences of 4 channels: which channel carries the strongest sine wave.",
    "token-classification": "Generated token sequences: does the sequence contain the marker token (id 1)?",
    "csv": "A CSV file with a header row; numeric columns as numbers, other columns one-hot encoded.",
    "numpy": "A .npz file with arrays x and y (or X/Y, inputs/targets), or a folder with x.npy and y.npy.",
    "image-folder": "A folder with one sub-folder of images per class (PNG, JPEG, BMP, GIF, TIFF, WebP).",
    "idx": "MNIST-format files (*-images-idx3-ubyte and *-labels-idx1-ubyte, optionally .gz) in a folder.",
}


SETTINGS: tuple[Param, ...] = (
    ChoiceParam("source", "digits", "Where the samples come from.", choices=SOURCES),
    TextParam(
        "path",
        "",
        "The file or folder to read, relative to the project file's folder or absolute.",
        empty_means="nothing chosen yet",
    ),
    TextParam(
        "target_column",
        "",
        "CSV: the column the network predicts.",
        empty_means="the last column",
    ),
    ChoiceParam(
        "target_kind",
        "auto",
        "CSV and NumPy: what the target is. auto: text or whole-number targets are classes, other numbers regression.",
        choices=("auto", "classes", "regression"),
    ),
    FloatParam(
        "validation_fraction",
        0.2,
        "Share of the samples held out to measure the network on data it has not trained on.",
        minimum=0.01,
        maximum=0.9,
    ),
    IntParam("seed", 0, "Seed of the split, the generated data and the augmentation.", minimum=0, maximum=2**31 - 1),
    BoolParam(
        "normalize",
        True,
        "Scale inputs to mean 0 and standard deviation 1, with statistics from the training split only.",
    ),
    BoolParam("augment_flip", False, "Images: flip training batches left-right at random."),
    IntParam(
        "augment_crop_padding",
        0,
        "Images: pad training batches by this many pixels and crop back at a random place (0: off).",
        minimum=0,
        maximum=64,
    ),
    IntListParam(
        "image_size",
        [28, 28],
        "Image folder: every image is resized to this height, width.",
        min_length=2,
        max_length=2,
        minimum=1,
        maximum=4096,
    ),
    ChoiceParam(
        "color",
        "grayscale",
        "Image folder: read images as grayscale (1 channel) or RGB (3).",
        choices=("grayscale", "rgb"),
    ),
    IntParam("samples", 4000, "Generated tasks: how many samples to make.", minimum=10, maximum=1_000_000),
    IntParam(
        "sequence_length",
        None,
        "Generated tasks: the length of each sequence.",
        minimum=2,
        maximum=100_000,
        optional=True,
        none_means="the source's default",
    ),
    IntParam("horizon", 1, "Sine forecast: how many next values to predict.", minimum=1, maximum=1000),
    IntParam("vocab_size", 100, "Token classification: how many distinct token ids.", minimum=3, maximum=1_000_000),
)

_BY_NAME = {p.name: p for p in SETTINGS}
_IMAGE = ("augment_flip", "augment_crop_padding")
_COMMON = ("source", "validation_fraction", "seed", "normalize")
APPLIES: dict[str, tuple[str, ...]] = {
    "digits": _COMMON + _IMAGE,
    "iris": _COMMON,
    "wine": _COMMON,
    "breast-cancer": _COMMON,
    "sine-forecast": (*_COMMON, "samples", "sequence_length", "horizon"),
    "sequence-classification": (*_COMMON, "samples", "sequence_length"),
    "token-classification": ("source", "validation_fraction", "seed", "samples", "sequence_length", "vocab_size"),
    "csv": (*_COMMON, "path", "target_column", "target_kind"),
    "numpy": (*_COMMON, "path", "target_kind"),
    "image-folder": (*_COMMON, "path", "image_size", "color", *_IMAGE),
    "idx": (*_COMMON, "path", *_IMAGE),
}
"""The settings that mean something for each source (the panel shows them in the order of ``SETTINGS``)."""


def setting(name: str) -> Param:
    """The declaration of one setting."""
    return _BY_NAME[name]


def validate_dataset_settings(settings: Any) -> list[str]:
    """Every problem with ``settings``, each starting with its place: ``dataset.seed: …``."""
    problems = check_section("dataset", settings, _BY_NAME)
    if not isinstance(settings, dict):
        return problems
    source = settings.get("source", setting("source").default)
    if source in USER_FILES and not str(settings.get("path", "")).strip():
        problems.append(f"dataset.path: the {source} source needs a file or folder; choose one")
    return problems


def resolve_dataset_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """All settings with defaults filled in and values normalised; raises ``ValueError`` listing every problem."""
    problems = validate_dataset_settings(settings)
    if problems:
        raise ValueError("; ".join(problems))
    return {p.name: p.check(settings[p.name]) if p.name in settings else p.default for p in SETTINGS}
