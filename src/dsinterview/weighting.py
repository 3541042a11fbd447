"""Repairing a drawn sample: weights that make its mix match known population totals.

A sample whose mix over devices or countries is off (by chance, by non-response, by a
vendor that labels some markets faster) can be re-weighted so that its weighted counts
match the population's, which a ``GROUP BY`` on all rows gives exactly.

- :func:`rake`: raking (iterative proportional fitting) to the margins of one or
  more categorical variables. With one variable, or with the cross-classification as
  a single variable, it is post-stratification.

Re-weighting removes the bias of a selection that depends only on the variables raked
on; it cannot repair a selection that depends on anything else.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from dsinterview._validate import check_columns, check_int, check_real

__all__ = ["rake"]


def rake(
    categories: pd.DataFrame,
    margins: Mapping[str, Mapping[Any, float] | pd.Series],
    *,
    weights: Any = None,
    tol: float = 1e-10,
    max_iter: int = 1000,
) -> np.ndarray:
    """Raking: weights whose weighted category counts match the population margins.

    Starting from ``weights`` (the design weights; 1 for every row by default), each
    pass rescales, column by column, the weights of every category so that its weighted
    count equals the category's population total. Passes repeat until every margin is
    matched within the relative tolerance ``tol`` (Deming & Stephan 1940). Raking is a
    calibration estimator (Deville & Sarndal 1992); with a single column it is
    post-stratification, and the weight of a row in category ``h`` is ``N_h / n_h``
    times its starting weight.

    Args:
        categories: one row per sampled unit and one column per variable to rake on.
        margins: for every column to rake on, the population total of each category (a
            dict or a Series indexed by category). Every margin must have the same grand
            total, the population size.
        weights: positive, finite starting weights, one per row.
        tol: the largest relative error of a weighted margin that counts as matched.
        max_iter: the largest number of passes over the columns.

    Returns:
        The raked weights, one per row of ``categories``.

    Raises:
        TypeError: if ``categories`` is not a DataFrame or ``margins`` not a mapping.
        ValueError: if ``margins`` is empty, names a column ``categories`` lacks, has
            a non-positive or non-finite total, a category with no sampled row or a
            sampled category it does not list; if the margins' grand totals differ; if
            ``weights`` do not match the rows or are not positive and finite; or if the
            margins are not matched within ``max_iter`` passes.
    """
    if not isinstance(margins, Mapping):
        raise TypeError(
            "margins must map column names to population totals; "
            f"got {type(margins).__name__}"
        )
    if not margins:
        raise ValueError(
            "margins is empty: give the population totals of at least one column"
        )
    check_columns(categories, list(margins), "categories")
    tol = check_real(tol, "tol", minimum=0.0, strict=True)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    n = len(categories)
    if n == 0:
        raise ValueError("categories has no rows: there is nothing to weight")
    if weights is None:
        w = np.ones(n)
    else:
        w = np.asarray(weights, dtype=float)
        if w.shape != (n,):
            raise ValueError(
                f"weights has shape {w.shape} for {n} rows; give one weight per row"
            )
        if not np.all(np.isfinite(w)) or (w <= 0).any():
            raise ValueError("weights must be positive and finite")

    codes, targets = [], []
    grand = None
    for col, margin in margins.items():
        totals = pd.Series(margin, dtype=float)
        if totals.empty or not np.all(np.isfinite(totals)) or (totals <= 0).any():
            raise ValueError(
                f"the margin of {col!r} must list positive, finite population totals"
            )
        if grand is None:
            grand = float(totals.sum())
        elif not np.isclose(totals.sum(), grand, rtol=1e-9):
            raise ValueError(
                f"the margin of {col!r} sums to {totals.sum():g}, the first margin to "
                f"{grand:g}; every margin must add up to the same population size"
            )
        if not totals.index.is_unique:
            raise ValueError(f"the margin of {col!r} lists a category twice")
        code = totals.index.get_indexer(pd.Index(categories[col]))
        if (code < 0).any():
            unknown = sorted(map(str, pd.unique(categories[col][code < 0])))[:5]
            raise ValueError(
                f"categories[{col!r}] has values the margin does not list: {unknown}"
            )
        empty = np.flatnonzero(np.bincount(code, minlength=totals.size) == 0)
        if empty.size:
            missing = [str(totals.index[i]) for i in empty[:5]]
            raise ValueError(
                f"no sampled row falls in the categories {missing} of {col!r}: their "
                "population totals cannot be matched (merge them with a neighbour)"
            )
        codes.append(code)
        targets.append(totals.to_numpy())

    for _ in range(max_iter):
        for code, target in zip(codes, targets):
            w = w * (target / np.bincount(code, weights=w, minlength=target.size))[code]
        worst = max(
            np.abs(np.bincount(c, weights=w, minlength=t.size) / t - 1).max()
            for c, t in zip(codes, targets)
        )
        if worst <= tol:
            return w
    raise ValueError(
        f"raking did not match the margins within tol={tol:g} after {max_iter} passes "
        f"(largest relative error {worst:.3g}); the margins may be inconsistent with "
        "the sample, or need more passes"
    )
