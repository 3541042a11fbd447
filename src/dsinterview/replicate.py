"""Claims that must hold beyond one seed: run a computation over many seeds and
summarise it.

A chapter that says "the lasso beats OLS here" or "CUPED saves a third of the sample" on
random data measures the claim over replications (fresh draws or fresh splits) and
quotes an interval or the share of replications in which it held. :func:`replicate` is
the one place that does this.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["replicate"]

_COLUMNS = ["mean", "se", "low", "high", "min", "max", "n"]


def replicate(
    fn: Callable[[int], Any], seeds: Iterable[int], *, level: float = 0.95
) -> pd.DataFrame:
    """Run ``fn(seed)`` for every seed and summarise each quantity it returns.

    ``fn`` returns a number, a boolean, or a dict of them (the same keys every time).
    The result has a row per quantity (the dict's keys, or ``value`` for a bare result)
    and the columns:

    - ``mean``: the mean over replications; for a boolean, the share of replications in
      which it held;
    - ``se``: the Monte Carlo standard error of that mean (sample SD / sqrt(n); 0 for
      one replication);
    - ``low``, ``high``: the central percentile interval of the replications at
      ``level`` (where the middle ``level`` of the replicated values lie, not a
      confidence interval for the mean);
    - ``min``, ``max`` and ``n`` (the number of replications).

    Raises:
        TypeError: if ``fn`` is not callable, a seed is not an integer, or a result is
            not a number, a boolean or a dict of them.
        ValueError: if there are no seeds, ``level`` is not in (0, 1), a result is NaN
            or infinite, or the results' keys differ between seeds.
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable as fn(seed); got {type(fn).__name__}")
    if isinstance(level, bool) or not isinstance(level, Real) or not 0 < level < 1:
        raise ValueError(
            f"level must be a number strictly between 0 and 1; got {level!r}"
        )
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Iterable):
        raise TypeError(
            f"seeds must be an iterable of integers; got {type(seeds).__name__}"
        )
    seeds = list(seeds)
    if not seeds:
        raise ValueError(
            "seeds is empty: give at least one seed (20 or more to support a claim)"
        )
    for seed in seeds:
        if isinstance(seed, bool) or not isinstance(seed, Integral):
            raise TypeError(f"every seed must be an integer; got {seed!r}")

    keys: list[str] | None = None
    values: dict[str, list[float]] = {}
    for seed in seeds:
        result = _as_mapping(fn(int(seed)), seed)
        if keys is None:
            keys = list(result)
            values = {k: [] for k in keys}
        elif set(result) != set(keys):
            raise ValueError(
                f"fn({seed}) returned the keys {sorted(result)}, but earlier seeds "
                f"returned {sorted(keys)}; every replication must return the same "
                "quantities"
            )
        for k in keys:
            values[k].append(_as_number(result[k], k, seed))

    tail = (1 - level) / 2
    rows = {}
    for k in keys:
        arr = np.asarray(values[k], dtype=float)
        n = arr.size
        se = float(arr.std(ddof=1) / math.sqrt(n)) if n > 1 else 0.0
        rows[k] = {
            "mean": float(arr.mean()),
            "se": se,
            "low": float(np.quantile(arr, tail)),
            "high": float(np.quantile(arr, 1 - tail)),
            "min": float(arr.min()),
            "max": float(arr.max()),
            "n": n,
        }
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=_COLUMNS)
    frame["n"] = frame["n"].astype(int)
    frame.index.name = "quantity"
    return frame


def _as_mapping(result: Any, seed: int) -> Mapping[str, Any]:
    if isinstance(result, Mapping):
        if not result:
            raise ValueError(
                f"fn({seed}) returned an empty dict; return at least one quantity"
            )
        for key in result:
            if not isinstance(key, str):
                raise TypeError(
                    f"fn({seed}) returned a dict with the non-string key {key!r}"
                )
        return result
    return {"value": result}


def _as_number(x: Any, key: str, seed: int) -> float:
    if isinstance(x, np.ndarray) and x.ndim == 0:
        x = x.item()
    if isinstance(x, (bool, np.bool_)):
        return float(bool(x))  # a claim that held (1) or not (0): its mean is a share
    if isinstance(x, Real):
        value = float(x)
        if not math.isfinite(value):
            raise ValueError(
                f"fn({seed}) returned {value} for {key!r}; every result must be finite"
            )
        return value
    raise TypeError(
        f"fn({seed}) returned {type(x).__name__} for {key!r}; return a number, a "
        "boolean, or a dict of them"
    )
