"""Comparing models over repeated random splits, counting the overlap between splits.

Two models scored on the same J random train/test splits give J paired differences.
Their naive standard error, sd / sqrt(J), treats the splits as independent, but the
training sets overlap, so the differences are positively correlated and the naive error
is too small: a "more than two standard errors" claim can rest on nothing. Nadeau and
Bengio's corrected resampled t replaces 1/J by 1/J + n_test/n_train (Nadeau & Bengio
2003; Bouckaert & Frank 2004).
"""

from __future__ import annotations

import math
from typing import Any

from scipy import stats

from dsinterview._validate import check_int, check_real

__all__ = ["nadeau_bengio"]


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
