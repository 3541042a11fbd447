"""What a chapter displays: the package's own source (``show_source``) and numbers glued
into the prose (``glue``)."""

from __future__ import annotations

import inspect
import math
import textwrap
from numbers import Integral, Real
from pathlib import Path
from typing import Any

import numpy as np

#: Significant digits kept in a glued number. The prose shows at most four or five; the
#: last digits of a float depend on the CPU's BLAS and SIMD kernels, and nbval compares
#: the stored value exactly.
GLUE_DIGITS = 8


class SourceCode:
    """The source of a function, class or module, rendered as a highlighted Python code
    block.

    Jupyter and the book render the ``text/markdown`` form (a caption and a fenced
    ``python`` block, which both highlight); the plain-text form is the bare source, so
    tests compare exactly the code shown.
    """

    def __init__(self, qualname: str, path: str, source: str) -> None:
        self.qualname = qualname
        self.path = path
        self.source = source

    def _repr_markdown_(self) -> str:
        return (
            f"`{self.qualname}`, from `{self.path}`:\n\n```python\n{self.source}\n```\n"
        )

    def __repr__(self) -> str:
        return self.source


def show_source(obj: Any) -> SourceCode:
    """Return the source of ``obj`` (a function, class, method or module) for display in
    a notebook.

    The last expression of a cell displays it:
    ``show_source(dsinterview.linear.lasso)``.

    Raises:
        TypeError: if ``obj`` is not a function, class, method or module, or has no
            Python source (a built-in, a C extension, a lambda typed at the prompt).
    """
    if not (
        inspect.isfunction(obj)
        or inspect.isclass(obj)
        or inspect.ismethod(obj)
        or inspect.ismodule(obj)
    ):
        raise TypeError(
            "show_source expects a function, class, method or module; got "
            f"{type(obj).__name__}"
        )
    try:
        source = inspect.getsource(obj)
        file = inspect.getsourcefile(obj)
    except (OSError, TypeError) as exc:
        raise TypeError(f"{obj!r} has no Python source to show: {exc}") from exc
    if file is None:
        raise TypeError(f"{obj!r} has no Python source file to show")
    module = obj.__name__ if inspect.ismodule(obj) else obj.__module__
    name = module if inspect.ismodule(obj) else f"{module}.{obj.__qualname__}"
    return SourceCode(
        name, _display_path(Path(file)), textwrap.dedent(source).rstrip("\n")
    )


def _display_path(file: Path) -> str:
    """A path that does not depend on where the repository is checked out: from the
    package on."""
    parts = file.resolve().parts
    if "dsinterview" in parts:
        return "/".join(parts[len(parts) - 1 - parts[::-1].index("dsinterview") :])
    return file.name


def glue(
    name: str, value: Any, display: bool = False, *, digits: int = GLUE_DIGITS
) -> None:
    """Store ``value`` under ``name`` for the chapter's prose:
    ``{glue:text}`name:.3f` `` in Markdown.

    A thin layer over :func:`myst_nb.glue` that makes the stored value reproducible on
    any machine: floats (NumPy's included) are rounded to ``digits`` significant digits,
    and NumPy scalars and 0-d arrays become plain Python numbers (NumPy 2 would
    otherwise store the text ``np.float64(...)`` or ``array(...)``, which no format spec
    reads).
    Anything else (strings, tables, figures) is glued as it is.

    Raises:
        TypeError: if ``name`` is not a string or ``digits`` not an integer.
        ValueError: if ``name`` is empty, ``digits`` is outside 1..17, or ``value`` is
            NaN or infinite (a number the prose cannot quote).
    """
    from myst_nb import glue as _myst_glue

    if not isinstance(name, str):
        raise TypeError(f"name must be a string; got {type(name).__name__}")
    if not name:
        raise ValueError("name must not be empty")
    if isinstance(digits, bool) or not isinstance(digits, Integral):
        raise TypeError(f"digits must be an integer; got {type(digits).__name__}")
    if not 1 <= digits <= 17:
        raise ValueError(f"digits must be between 1 and 17; got {digits}")
    _myst_glue(name, _plain_number(name, value, int(digits)), display=display)


def _plain_number(name: str, value: Any, digits: int) -> Any:
    if (
        isinstance(value, np.ndarray) and value.ndim == 0
    ):  # e.g. a statsmodels t_test(...).pvalue
        value = value.item()
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        x = float(value)
        if not math.isfinite(x):
            raise ValueError(
                f"glued value {name!r} is {x}; the prose can only quote a finite number"
            )
        return float(f"{x:.{digits}g}")
    return value
