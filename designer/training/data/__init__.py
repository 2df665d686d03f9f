"""Data sources: every one loads into a :class:`~designer.training.dataset.Dataset`, split and normalised."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from designer.core.dataset_settings import BUILT_IN, resolve_dataset_settings
from designer.training.data import builtin, generated
from designer.training.data.csv_source import load_csv
from designer.training.data.idx import load_idx
from designer.training.data.image_folder import load_image_folder
from designer.training.data.numpy_source import load_numpy
from designer.training.data.prepare import prepare
from designer.training.data.raw import RawData
from designer.training.dataset import DataError, Dataset

Source = Callable[[dict[str, Any]], RawData]

_SOURCES: dict[str, Source] = {
    "digits": builtin.load_digits,
    "iris": builtin.load_tabular,
    "wine": builtin.load_tabular,
    "breast-cancer": builtin.load_tabular,
    "sine-forecast": generated.sine_forecast,
    "sequence-classification": generated.sequence_classification,
    "token-classification": generated.token_classification,
    "csv": load_csv,
    "numpy": load_numpy,
    "image-folder": load_image_folder,
    "idx": load_idx,
}


def load_dataset(settings: dict[str, Any], base_dir: Path | None = None) -> Dataset:
    """Load the dataset a project's ``"dataset"`` settings describe; raises :class:`DataError` for any problem.

    ``base_dir`` is the project file's folder: a relative ``path`` is read from there.
    """
    try:
        resolved = resolve_dataset_settings(settings)
    except ValueError as exc:
        raise DataError(str(exc)) from None
    if resolved["path"]:
        path = Path(resolved["path"]).expanduser()
        resolved["path"] = path if path.is_absolute() or base_dir is None else Path(base_dir) / path
    return prepare(_SOURCES[resolved["source"]](resolved), resolved)


def import_libraries(settings: dict[str, Any]) -> None:
    """Import the libraries that loading ``settings`` needs, in the calling thread.

    The editor calls this on its UI thread before it loads in a worker thread: a first import of scikit-learn
    inside a Qt worker thread has been seen to deadlock with the event loop.
    """
    if settings.get("source", "digits") in BUILT_IN:
        builtin.import_scikit_learn()


__all__ = ["DataError", "Dataset", "import_libraries", "load_dataset"]
