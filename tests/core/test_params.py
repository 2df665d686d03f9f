import pytest

from designer.core.params import (
    BoolParam,
    ChoiceParam,
    FloatParam,
    IntListParam,
    IntParam,
    PaddingParam,
    ParamError,
)


def test_int_param_checks_bounds_and_type():
    p = IntParam("kernel_size", 3, minimum=1, maximum=7)
    assert p.check(5) == 5
    assert p.check(4.0) == 4
    with pytest.raises(ParamError, match="kernel_size must be from 1 to 7, not 9"):
        p.check(9)
    with pytest.raises(ParamError, match="whole number"):
        p.check("3")
    with pytest.raises(ParamError):
        p.check(True)


def test_inferred_param_accepts_auto_and_none():
    p = IntParam("in_features", None, inferred=True, minimum=1)
    assert p.check("auto") is None
    assert p.check(None) is None
    assert p.check(12) == 12
    assert p.to_json(None) == "auto"
    with pytest.raises(ParamError):
        p.check(0)


def test_optional_int_param():
    p = IntParam("stride", None, optional=True, minimum=1, none_means="the kernel size")
    assert p.check(None) is None
    assert "kernel size" in p.describe()


def test_float_param_refuses_nan_and_exclusive_maximum():
    p = FloatParam("p", 0.5, minimum=0.0, maximum=1.0, exclusive_maximum=True)
    assert p.check(0) == 0.0
    for bad in (1.0, float("nan"), float("inf"), -0.1, "0.5", None):
        with pytest.raises(ParamError):
            p.check(bad)


def test_bool_and_choice():
    assert BoolParam("bias", True).check(False) is False
    with pytest.raises(ParamError, match="true or false"):
        BoolParam("bias", True).check(1)
    c = ChoiceParam("task", "a", choices=("a", "b"))
    with pytest.raises(ParamError, match="one of a, b"):
        c.check("c")
    with pytest.raises(ParamError):
        c.check(["a"])


def test_padding_param():
    p = PaddingParam("padding", 0)
    assert p.check("same") == "same"
    assert p.check("2") == 2
    assert p.check(3) == 3
    for bad in ("full", -1, 1.5, None):
        with pytest.raises(ParamError):
            p.check(bad)


def test_int_list_param_parses_text():
    p = IntListParam("shape", [1], minimum=1, max_length=3)
    assert p.check("1, 28, 28") == [1, 28, 28]
    assert p.check("3×32×32") == [3, 32, 32]
    assert p.check((2, 3)) == [2, 3]
    for bad in ("1, a", [1, 2, 3, 4], [0], [], [1.5], "", {"a": 1}):
        with pytest.raises(ParamError):
            p.check(bad)
