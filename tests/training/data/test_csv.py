"""CSV files: numeric and text columns, the target column, and every bad file named with its line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from designer.training.data import DataError, load_dataset
from tests.training.data.helpers import write_csv

FLOWERS = """
length,width,colour,kind
1.0,2.0,red,a
2.0,3.5,blue,b
3.0,1.0,red,a
4.0,0.5,green,b
5.0,2.5,blue,a
6.0,1.5,green,b
"""


def _load(path: Path, **settings: object) -> object:
    return load_dataset({"source": "csv", "path": path.name, "normalize": False, **settings}, base_dir=path.parent)


def test_numeric_columns_are_numbers_text_columns_one_hot_and_a_text_target_classes(tmp_path: Path) -> None:
    data = _load(write_csv(tmp_path / "flowers.csv", FLOWERS), validation_fraction=0.34)
    assert data.task == "classification" and data.class_names == ("a", "b")
    assert data.sample_shape == (5,)  # length, width, colour as blue/green/red
    both_x = np.concatenate([data.x_train, data.x_val])
    both_y = np.concatenate([data.y_train, data.y_val])
    row = both_x[both_x[:, 0] == 4.0][0]
    np.testing.assert_array_equal(row, [4.0, 0.5, 0.0, 1.0, 0.0])
    assert both_y[both_x[:, 0] == 4.0][0] == 1
    assert any("'colour' one-hot encoded into 3 inputs (blue, green, red)" in note for note in data.notes)


def test_a_numeric_target_is_regression_unless_told_classes(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", "a,b,price\n1,2,10.5\n2,3,11.25\n3,4,12\n4,5,13.5\n5,6,14")
    data = _load(path, target_column="price")
    assert data.task == "regression" and data.y_train.shape[1:] == (1,)
    assert _load(path, target_column="a", target_kind="classes").num_outputs == 5
    assert _load(path, target_column="a").task == "classification"  # whole numbers: classes by default
    assert _load(path, target_column="a", target_kind="regression").task == "regression"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b,c\n1,2,x\n3,4\n5,6,y", r"t\.csv:line 3: has 2 values but the header has 3 columns"),
        ("a,b,c\n1,2,x\n3,oops,y\n5,6,y\n7,8,x", r"line 3, column 2 \('b'\): 'oops' is not a number"),
        ("a,b,c\n1,2,x\n3,,y\n5,6,y", r"line 3, column 2 \('b'\): missing value ''"),
        ("a,b,c\n1,2,x\n\n3,NA,y\n", r"line 4, column 2 \('b'\): missing value 'NA'"),
        ("", r"t\.csv: the file is empty"),
        ("a,b,c", r"no data rows"),
        ("a,a,c\n1,2,3", r"line 1: the column name 'a' appears twice"),
        ("a,b,c\n1,2,x\n3,4,x", r"every target is 'x'"),
    ],
)
def test_bad_files_say_file_line_and_problem(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=message):
        _load(path)


def test_unknown_target_column_lists_the_columns(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", "age,height,label\n1,2,x\n3,4,y")
    with pytest.raises(DataError, match=r"there is no column 'weight'; the columns are: age, height, label"):
        _load(path, target_column="weight")


def test_missing_file_and_undecodable_bytes(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"nowhere\.csv: no such file"):
        _load(tmp_path / "nowhere.csv")
    path = tmp_path / "latin.csv"
    path.write_bytes(b"a,b\n1,x\n2,\xe9\n")
    with pytest.raises(DataError, match=r"latin\.csv:line 3: not UTF-8"):
        _load(path)


def test_relative_paths_are_read_from_the_project_folder(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    write_csv(tmp_path / "data" / "f.csv", FLOWERS)
    data = load_dataset({"source": "csv", "path": "data/f.csv"}, base_dir=tmp_path)
    assert data.name == "f.csv"


def test_quoted_values_may_hold_commas_and_line_breaks(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "q.csv", 'x,label\n1,"a, b"\n2,"two\nlines"\n3,"a, b"\n4,"two\nlines"\n5,"a, b"')
    data = _load(path)
    assert data.class_names == ("a, b", "two\nlines")
    bad = write_csv(tmp_path / "bad.csv", 'x,label\n1,"a"\n2,"b\nc"\n3')
    with pytest.raises(DataError, match=r"bad\.csv:line 5: has 1 values"):
        _load(bad)
