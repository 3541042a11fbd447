"""Comparing models over repeated random splits, counting the overlap between splits.

Two models scored on the same J random train/test splits give J paired differences.
Their naive standard error, sd / sqrt(J), treats the splits as independent, but the
training sets overlap, so the differences are positively correlated and the naive error
is too small: a "more than two standard errors" claim can rest on nothing. Nadeau and
Bengio's corrected resampled t replaces 1/J by 1/J + n_test/n_train (Nadeau & Bengio
2003; Bouckaert & Frank 2004).

The module also holds the K-fold machinery that tuning by cross-validation needs:
:func:`kfold` (seeded folds, as index pairs any estimator accepts) and
:func:`one_se_rule` (the minimising strength, and the largest strength within one
standard error of it: Hastie, Tibshirani & Friedman 2009, section 7.10).
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np
from scipy import stats

from dsinterview._validate import as_vector, check_int, check_real

__all__ = ["OneSE", "kfold", "nadeau_bengio", "one_se_rule"]


def nadeau_bengio(
    mean: Any,
    se: Any,
    n: Any,
    *,
    n_train: Any,
    n_test: Any,
    level: float = 0.95,
) -> dict[str, float]:
    """The corrected resampled t for a mean difference over ``n`` random splits.

    Takes the mean paired difference over the splits and its naive standard error
    ``sd / sqrt(n)`` (the ``mean``, ``se`` and ``n`` columns of
    :func:`dsinterview.replicate`) and returns the corrected standard error
    ``sd * sqrt(1/n + n_test/n_train)``, the t statistic ``mean / se_corrected`` and a
    ``level`` interval ``mean +- t_(n-1) * se_corrected``.

    Args:
        mean: mean of the paired differences over the splits.
        se: their naive standard error, ``>= 0``.
        n: number of splits, ``>= 2``.
        n_train: rows in each training set, ``>= 1``.
        n_test: rows in each test set, ``>= 1``.
        level: interval level, in (0, 1).

    Returns:
        A dict with ``se`` (corrected), ``t``, ``low``, ``high`` and ``p`` (the
        two-sided p-value).

    Raises:
        TypeError: if an argument is not a number (``n``, ``n_train`` and ``n_test``
            must be integers).
        ValueError: if ``se`` is negative, ``n < 2``, ``n_train`` or ``n_test`` is below
            1, a value is not finite, or ``level`` is not in (0, 1).
    """
    mean = check_real(mean, "mean")
    se = check_real(se, "se", minimum=0.0)
    if isinstance(n, float) and n.is_integer():
        n = int(n)  # a pandas row turns the count into a float
    n = check_int(n, "n", minimum=2)
    n_train = check_int(n_train, "n_train", minimum=1)
    n_test = check_int(n_test, "n_test", minimum=1)
    level = check_real(level, "level", minimum=0.0, strict=True)
    if level >= 1.0:
        raise ValueError(f"level must be in (0, 1); got {level:g}")
    sd = se * math.sqrt(n)
    se_corr = sd * math.sqrt(1.0 / n + n_test / n_train)
    q = float(stats.t.ppf(0.5 + level / 2, df=n - 1))
    t = (
        mean / se_corr
        if se_corr > 0
        else math.copysign(math.inf, mean)
        if mean
        else 0.0
    )
    p = float(2 * stats.t.sf(abs(t), df=n - 1)) if math.isfinite(t) else 0.0
    return {
        "se": se_corr,
        "t": t,
        "low": mean - q * se_corr,
        "high": mean + q * se_corr,
        "p": p,
    }


def kfold(
    n: Any, k: Any, rng: np.random.Generator | int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """``k`` cross-validation folds of ``n`` rows, as ``(train, test)`` index pairs.

    One seeded permutation assigns row ``i`` to fold ``perm[i] mod k``, so the folds
    partition the rows and their sizes differ by at most one. The list can be passed
    as ``cv=`` to any scikit-learn estimator or loop.

    Args:
        n: number of rows, ``>= 2``.
        k: number of folds, ``2 <= k <= n``.
        rng: a ``numpy.random.Generator`` (its state advances by one permutation) or an
            integer seed.

    Returns:
        ``k`` pairs of sorted integer arrays; the test arrays are disjoint and their
        union is ``0 .. n-1``; each train array is the complement of its test array.

    Raises:
        TypeError: if ``n`` or ``k`` is not an integer, or ``rng`` is neither a
            Generator nor an integer.
        ValueError: if ``n < 2``, ``k < 2`` or ``k > n``.
    """
    n = check_int(n, "n", minimum=2)
    k = check_int(k, "k", minimum=2)
    if k > n:
        raise ValueError(f"k must be at most n = {n} (one row per fold); got {k}")
    if not isinstance(rng, np.random.Generator):
        rng = np.random.default_rng(check_int(rng, "rng", minimum=0))
    fold = rng.permutation(n) % k
    return [(np.flatnonzero(fold != i), np.flatnonzero(fold == i)) for i in range(k)]


class OneSE(NamedTuple):
    """What :func:`one_se_rule` returns (a tuple: it can be unpacked or indexed)."""

    alpha_min: float
    """The strength with the lowest mean cross-validated error."""
    alpha_1se: float
    """The largest strength whose mean error is within one standard error of it."""
    mean: np.ndarray
    """Mean error over the folds, one entry per strength."""
    se: np.ndarray
    """Its standard error, the folds' standard deviation over sqrt(K)."""


def one_se_rule(alphas: Any, fold_errors: Any) -> OneSE:
    """The one-standard-error rule for choosing a penalty strength.

    For each strength the mean of the ``K`` fold errors estimates the prediction
    error, and their standard deviation (``ddof=1``) over ``sqrt(K)`` its standard
    error. The rule takes the *largest* strength (the simplest model) whose mean error
    is at most the minimum mean plus the standard error at the minimum. The folds share
    training rows, so that standard error is rough: the rule is a convention, not a
    test.

    Args:
        alphas: the strengths, 1-D, finite, in any order.
        fold_errors: ``(len(alphas), K)`` finite, non-negative errors, ``K >= 2``.

    Returns:
        An :class:`OneSE` ``(alpha_min, alpha_1se, mean, se)``.

    Raises:
        TypeError: if an input is not numeric.
        ValueError: if the shapes do not match, ``K < 2``, or a value is NaN, infinite
            or (an error) negative.
    """
    alphas = as_vector(alphas, "alphas")
    try:
        errors = np.asarray(fold_errors, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"fold_errors must be numeric: {exc}") from exc
    if errors.ndim != 2 or errors.shape[0] != alphas.size:
        raise ValueError(
            f"fold_errors must have shape (len(alphas), K) = ({alphas.size}, K); got "
            f"{errors.shape}"
        )
    if errors.shape[1] < 2:
        raise ValueError(
            f"fold_errors needs at least 2 folds (columns) for a standard error; got "
            f"{errors.shape[1]}"
        )
    if not np.all(np.isfinite(errors)):
        raise ValueError("fold_errors must be finite")
    if np.any(errors < 0):
        raise ValueError(
            f"fold_errors must be non-negative; the smallest is {errors.min():g}"
        )
    mean = errors.mean(axis=1)
    se = errors.std(axis=1, ddof=1) / np.sqrt(errors.shape[1])
    i_min = int(np.argmin(mean))
    ok = np.flatnonzero(mean <= mean[i_min] + se[i_min])
    i_1se = ok[np.argmax(alphas[ok])]
    return OneSE(float(alphas[i_min]), float(alphas[i_1se]), mean, se)
