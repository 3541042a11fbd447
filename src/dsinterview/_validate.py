"""Input checks shared by every public function of the package.

Each check returns the cleaned value or raises ``ValueError`` / ``TypeError`` with a
message that names the argument, says what was wrong and what is expected.
"""

from __future__ import annotations

from collections.abc import Collection
from numbers import Integral, Real
from typing import Any

import numpy as np


def as_matrix(X: Any, name: str = "X") -> np.ndarray:
    """Return ``X`` as a non-empty, finite, 2-D float array."""
    try:
        arr = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{name} must be numeric and convertible to a 2-D float array: {exc}"
        ) from exc
    if arr.ndim != 2:
        raise ValueError(
            f"{name} must be 2-D (n_samples, n_features); got an array of shape "
            f"{arr.shape}"
        )
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(
            f"{name} must have at least one row and one column; got shape {arr.shape}"
        )
    _check_finite(arr, name)
    return arr


def as_vector(y: Any, name: str = "y", n: int | None = None) -> np.ndarray:
    """Return ``y`` as a non-empty, finite, 1-D float array, of length ``n`` when
    given."""
    try:
        arr = np.asarray(y, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{name} must be numeric and convertible to a 1-D float array: {exc}"
        ) from exc
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D; got an array of shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    if n is not None and arr.shape[0] != n:
        raise ValueError(
            f"{name} has {arr.shape[0]} entries but X has {n} rows; they must match"
        )
    _check_finite(arr, name)
    return arr


def _check_finite(arr: np.ndarray, name: str) -> None:
    if not np.all(np.isfinite(arr)):
        n_nan = int(np.isnan(arr).sum())
        n_inf = int(np.isinf(arr).sum())
        raise ValueError(
            f"{name} must be finite; it contains {n_nan} NaN and {n_inf} infinite "
            "values"
        )


def check_real(
    value: Any, name: str, *, minimum: float | None = None, strict: bool = False
) -> float:
    """Return ``value`` as a float; refuse non-numbers, NaN, infinities and values below
    ``minimum``.

    With ``strict=True`` the value must be greater than ``minimum``, not just at least
    ``minimum``.
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number; got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value}")
    if minimum is not None:
        if strict and not value > minimum:
            raise ValueError(f"{name} must be greater than {minimum:g}; got {value:g}")
        if not strict and value < minimum:
            raise ValueError(f"{name} must be at least {minimum:g}; got {value:g}")
    return value


def check_int(value: Any, name: str, *, minimum: int | None = None) -> int:
    """Return ``value`` as an int; refuse non-integers and values below ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an integer; got {type(value).__name__}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}; got {value}")
    return value


def check_choice(value: Any, name: str, choices: Collection[Any]) -> Any:
    """Return ``value`` if it is one of ``choices``; otherwise say which values are
    allowed."""
    if value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {allowed}; got {value!r}")
    return value


def check_columns(df: Any, columns: Collection[str], name: str = "df") -> None:
    """Refuse a DataFrame that lacks any of ``columns``, naming the missing ones."""
    if not hasattr(df, "columns"):
        raise TypeError(f"{name} must be a pandas DataFrame; got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(
            f"{name} is missing the column(s) {missing}; it has "
            f"{list(map(str, df.columns))}"
        )


def as_scores_labels(scores: Any, labels: Any) -> tuple[np.ndarray, np.ndarray]:
    """Return model ``scores`` (1-D, non-empty, no NaN; infinities allowed, they still
    rank) and 0/1 ``labels`` of the same length as float arrays."""
    try:
        s = np.asarray(scores, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"scores must be numeric: {exc}") from exc
    if s.ndim != 1 or s.size == 0:
        raise ValueError("scores must be a non-empty 1-D array")
    if np.isnan(s).any():
        raise ValueError("scores has NaN; score every row")
    y = as_vector(labels, "labels")
    if y.size != s.size:
        raise ValueError(
            f"labels has {y.size} entries but scores has {s.size}; they must match"
        )
    if not np.isin(y, (0, 1)).all():
        raise ValueError("labels must be 0 or 1")
    return s, y


def check_seed(seed: Any, name: str = "seed") -> np.random.Generator:
    """Return a ``numpy.random.Generator`` from ``seed``: an int, a Generator or None.

    Refuses anything else (a float, a bool, a string) with a ``TypeError`` rather than
    letting NumPy accept it silently or fail with an obscure message.
    """
    if not (
        seed is None
        or isinstance(seed, np.random.Generator)
        or (isinstance(seed, Integral) and not isinstance(seed, bool))
    ):
        raise TypeError(
            f"{name} must be an int, a numpy Generator or None; got "
            f"{type(seed).__name__}"
        )
    return np.random.default_rng(seed)


def as_columns(
    x: Any, name: str, n: int | None = None, *, min_columns: int = 1
) -> np.ndarray:
    """Return ``x`` as a finite 2-D float array with rows, a 1-D input as one column.

    With ``n`` given, ``x`` must have ``n`` rows (the length of its outcome). It must
    have at least ``min_columns`` columns (0 lets the caller give its own message for
    a matrix with no columns, as ``iv_2sls`` does for missing instruments).
    """
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be numeric: {exc}") from exc
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] < min_columns:
        raise ValueError(
            f"{name} must be 1-D or 2-D and not empty; got shape {arr.shape}"
        )
    if n is not None and arr.shape[0] != n:
        raise ValueError(
            f"{name} has {arr.shape[0]} rows but y has {n}; they must have the same "
            "length"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or infinity)")
    return arr
