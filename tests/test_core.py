"""The package's core: input checks, show_source and the plotting style."""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest

import dsinterview
from dsinterview import _validate as v
from dsinterview.display import show_source
from dsinterview.plotting import COLORS, use_book_style

# --- show_source ----------------------------------------------------------------------


def test_show_source_of_a_function_is_highlighted_python():
    shown = show_source(v.check_int)
    markdown = shown._repr_markdown_()
    assert markdown.startswith(
        "`dsinterview._validate.check_int`, from `dsinterview/_validate.py`"
    )
    assert "```python\ndef check_int(" in markdown
    assert repr(shown).startswith("def check_int(")


def test_show_source_of_a_class_and_a_module():
    assert repr(show_source(dsinterview.display.SourceCode)).startswith(
        "class SourceCode"
    )
    assert show_source(dsinterview.plotting).qualname == "dsinterview.plotting"


def test_show_source_path_does_not_depend_on_the_checkout():
    assert show_source(use_book_style).path == "dsinterview/plotting.py"


def test_show_source_refuses_what_has_no_source():
    with pytest.raises(
        TypeError, match="expects a function, class, method or module; got int"
    ):
        show_source(3)
    with pytest.raises(TypeError, match="expects a function, class, method or module"):
        show_source(len)  # a built-in
    with pytest.raises(TypeError, match="has no Python source"):
        show_source(np.ndarray)  # a class defined in C


# --- plotting -------------------------------------------------------------------------


def test_book_style_sets_the_colour_blind_safe_palette():
    with mpl.rc_context():
        use_book_style()
        assert mpl.rcParams["axes.prop_cycle"].by_key()["color"] == COLORS
        assert COLORS[:3] == ["#0072B2", "#E69F00", "#009E73"]


# --- input checks ---------------------------------------------------------------------


def test_as_matrix_accepts_frames_and_lists():
    np.testing.assert_array_equal(
        v.as_matrix(pd.DataFrame({"a": [1, 2]})), [[1.0], [2.0]]
    )
    assert v.as_matrix([[1, 2], [3, 4]]).dtype == float


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        ([1, 2, 3], ValueError, r"X must be 2-D .* shape \(3,\)"),
        (np.empty((0, 2)), ValueError, "at least one row and one column"),
        ([[1.0, np.nan]], ValueError, "1 NaN and 0 infinite"),
        ([[1.0, np.inf]], ValueError, "0 NaN and 1 infinite"),
        ([["a", "b"]], TypeError, "X must be numeric"),
    ],
)
def test_as_matrix_refusals(value, error, message):
    with pytest.raises(error, match=message):
        v.as_matrix(value)


def test_as_vector_accepts_a_column_and_checks_length():
    np.testing.assert_array_equal(v.as_vector([[1], [2]]), [1.0, 2.0])
    with pytest.raises(ValueError, match="y has 2 entries but X has 3 rows"):
        v.as_vector([1, 2], n=3)
    with pytest.raises(ValueError, match="y must be 1-D"):
        v.as_vector([[1, 2], [3, 4]])
    with pytest.raises(ValueError, match="y must not be empty"):
        v.as_vector([])
    with pytest.raises(ValueError, match="y must be finite"):
        v.as_vector([1.0, np.nan])
    with pytest.raises(TypeError, match="y must be numeric"):
        v.as_vector(["a"])


def test_check_real():
    assert v.check_real(2, "alpha", minimum=0) == 2.0
    assert v.check_real(0, "alpha", minimum=0) == 0.0
    with pytest.raises(ValueError, match="alpha must be at least 0; got -1"):
        v.check_real(-1, "alpha", minimum=0)
    with pytest.raises(ValueError, match="lr must be greater than 0; got 0"):
        v.check_real(0, "lr", minimum=0, strict=True)
    with pytest.raises(ValueError, match="must be finite"):
        v.check_real(float("inf"), "alpha")
    with pytest.raises(TypeError, match="alpha must be a real number; got str"):
        v.check_real("1", "alpha")
    with pytest.raises(TypeError, match="got bool"):
        v.check_real(True, "alpha")


def test_check_int():
    assert v.check_int(np.int64(3), "k", minimum=0) == 3
    with pytest.raises(ValueError, match="k must be at least 0; got -1"):
        v.check_int(-1, "k", minimum=0)
    with pytest.raises(TypeError, match="k must be an integer; got float"):
        v.check_int(1.0, "k")


def test_check_seed():
    a, b = v.check_seed(7), v.check_seed(np.int64(7))
    assert a.random() == b.random()  # an int seeds a fresh generator, reproducibly
    g = np.random.default_rng(1)
    assert v.check_seed(g) is g  # a Generator is used as it is, not re-seeded
    assert isinstance(v.check_seed(None), np.random.Generator)
    for bad, kind in ((1.5, "float"), (True, "bool"), ("3", "str")):
        with pytest.raises(TypeError, match=f"seed must be an int.*got {kind}"):
            v.check_seed(bad)
    with pytest.raises(TypeError, match="rng must be an int"):
        v.check_seed([1], "rng")


def test_check_choice_and_columns():
    assert v.check_choice("L", "method", ("R", "L")) == "L"
    with pytest.raises(ValueError, match="method must be one of 'R', 'L'; got 'X'"):
        v.check_choice("X", "method", ("R", "L"))
    v.check_columns(pd.DataFrame({"a": [1]}), ["a"])
    with pytest.raises(ValueError, match=r"missing the column\(s\) \['b'\]"):
        v.check_columns(pd.DataFrame({"a": [1]}), ["a", "b"])
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        v.check_columns([1], ["a"])


# --- glue -----------------------------------------------------------------------------


@pytest.fixture
def glued(monkeypatch):
    """Capture what dsinterview.glue hands to myst_nb.glue."""
    import myst_nb

    calls = []
    monkeypatch.setattr(
        myst_nb,
        "glue",
        lambda name, value, display=True: calls.append((name, value, display)),
    )
    return calls


def test_glue_rounds_floats_and_unwraps_numpy_scalars(glued):
    dsinterview.glue("a", np.float64(0.1234567890123))
    dsinterview.glue("b", np.int64(5_000_000))
    dsinterview.glue("c", 2 / 3, digits=3)
    dsinterview.glue("d", np.True_)
    dsinterview.glue("e", "lasso")
    dsinterview.glue("f", np.array(0.93761234567))
    assert glued == [
        ("a", 0.12345679, False),
        ("b", 5_000_000, False),
        ("c", 0.667, False),
        ("d", True, False),
        ("e", "lasso", False),
        ("f", 0.93761235, False),
    ]
    assert [type(v) for _, v, _ in glued] == [float, int, float, bool, str, float]


def test_glue_absorbs_last_bit_differences(glued):
    x = 0.1 + 0.2  # 0.30000000000000004
    dsinterview.glue("x", x)
    dsinterview.glue("y", 0.3)
    assert glued[0][1] == glued[1][1]


def test_glue_refusals(glued):
    with pytest.raises(TypeError, match="name must be a string"):
        dsinterview.glue(1, 2.0)
    with pytest.raises(ValueError, match="name must not be empty"):
        dsinterview.glue("", 2.0)
    with pytest.raises(ValueError, match="'r' is nan"):
        dsinterview.glue("r", float("nan"))
    with pytest.raises(ValueError, match="digits must be between 1 and 17"):
        dsinterview.glue("r", 1.0, digits=0)
    with pytest.raises(TypeError, match="digits must be an integer"):
        dsinterview.glue("r", 1.0, digits=2.0)
    assert glued == []


def test_as_columns_shapes_and_refusals():
    from dsinterview._validate import as_columns

    assert as_columns([1.0, 2.0], "z").shape == (2, 1)
    assert as_columns(np.ones((3, 2)), "z", 3).shape == (3, 2)
    assert as_columns(np.ones((3, 0)), "z", 3, min_columns=0).shape == (3, 0)
    with pytest.raises(TypeError, match="numeric"):
        as_columns(["a"], "z")
    with pytest.raises(ValueError, match="not empty"):
        as_columns([], "z")
    with pytest.raises(ValueError, match="not empty"):
        as_columns(np.ones((3, 0)), "z")
    with pytest.raises(ValueError, match="1-D or 2-D"):
        as_columns(np.ones((2, 2, 2)), "z")
    with pytest.raises(ValueError, match="same length"):
        as_columns([1.0, 2.0], "z", 3)
    with pytest.raises(ValueError, match="finite"):
        as_columns([1.0, np.nan], "z")
