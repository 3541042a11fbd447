"""Market sizing with honest uncertainty: inputs as intervals, a Monte Carlo over them,
which inputs the answer hangs on, and the Bass model of adoption over time.

An input that nobody knows exactly is given as a central interval ``(low, high)`` at a
stated level (90% by default) and drawn from the log-normal that has that interval:
sizes, shares and prices are positive, and their errors are multiplicative. A market
estimate is a formula of the inputs, evaluated on every draw at once.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from dsinterview._validate import as_vector, check_int, check_real

__all__ = [
    "bass_adoption",
    "bass_peak_time",
    "fit_bass",
    "lognormal_from_interval",
    "simulate",
    "tornado",
    "variance_shares",
]


def _check_level(level: Any) -> float:
    level = check_real(level, "level")
    if not 0 < level < 1:
        raise ValueError(f"level must be strictly between 0 and 1; got {level:g}")
    return level


def lognormal_from_interval(
    low: float, high: float, *, level: float = 0.9
) -> tuple[float, float]:
    """The log-normal whose central ``level`` interval is ``[low, high]``: returns
    ``(mu, sigma)`` of the log, so the median is ``exp(mu) = sqrt(low * high)``.

    Raises:
        TypeError: if a bound is not a real number.
        ValueError: if a bound is not positive, ``low >= high``, or ``level`` is not in
            (0, 1).
    """
    low = check_real(low, "low", minimum=0.0, strict=True)
    high = check_real(high, "high", minimum=0.0, strict=True)
    if low >= high:
        raise ValueError(f"low must be below high; got low={low:g}, high={high:g}")
    level = _check_level(level)
    z = stats.norm.ppf(0.5 + level / 2)
    mu = (math.log(low) + math.log(high)) / 2
    sigma = (math.log(high) - math.log(low)) / (2 * z)
    return mu, sigma


def _check_intervals(intervals: Any) -> dict[str, tuple[float, float]]:
    if not isinstance(intervals, Mapping) or not intervals:
        raise TypeError(
            "intervals must be a non-empty mapping of input name -> (low, high); "
            f"got {type(intervals).__name__}"
        )
    out = {}
    for name, bounds in intervals.items():
        if not isinstance(name, str):
            raise TypeError(f"input names must be strings; got {name!r}")
        try:
            low, high = bounds
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"intervals[{name!r}] must be a pair (low, high); got {bounds!r}"
            ) from exc
        out[name] = (low, high)
    return out


def _evaluate(
    formula: Callable[..., Any], inputs: dict[str, Any], n: int
) -> np.ndarray:
    if not callable(formula):
        raise TypeError(f"formula must be callable; got {type(formula).__name__}")
    try:
        value = formula(**inputs)
    except Exception as exc:  # the caller's formula: say which inputs it was given
        raise ValueError(
            f"formula failed on the inputs {sorted(inputs)}: {type(exc).__name__}: "
            f"{exc}"
        ) from exc
    value = np.broadcast_to(np.asarray(value, dtype=float), (n,))
    if not np.all(np.isfinite(value)):
        raise ValueError("formula returned NaN or infinite values on these inputs")
    return np.array(value)


def simulate(
    formula: Callable[..., Any],
    intervals: Mapping[str, tuple[float, float]],
    *,
    n: int = 100_000,
    seed: int | None = None,
    level: float = 0.9,
) -> pd.DataFrame:
    """Draw every input from :func:`lognormal_from_interval` and evaluate ``formula``.

    ``formula(**inputs)`` receives one array of ``n`` draws per input and must return an
    array of ``n`` outputs (NumPy arithmetic does). Inputs are drawn independently.
    Returns the draws: a column per input and one named ``output``.

    Raises:
        TypeError: if ``formula`` is not callable or ``intervals`` is not a mapping of
            names to pairs.
        ValueError: as :func:`lognormal_from_interval` for each interval, if ``n`` is
            not positive, or if ``formula`` fails or returns non-finite values.
    """
    intervals = _check_intervals(intervals)
    n = check_int(n, "n", minimum=1)
    level = _check_level(level)
    rng = np.random.default_rng(seed)
    draws = {}
    for name, (low, high) in intervals.items():
        mu, sigma = lognormal_from_interval(low, high, level=level)
        draws[name] = rng.lognormal(mu, sigma, n)
    out = pd.DataFrame(draws)
    out["output"] = _evaluate(formula, dict(draws), n)
    return out


def tornado(
    formula: Callable[..., Any],
    intervals: Mapping[str, tuple[float, float]],
    *,
    level: float = 0.9,
) -> pd.DataFrame:
    """One input at a time at the ends of its interval, the others at their medians.

    Returns a frame indexed by input name with columns ``low`` and ``high`` (the output
    with that input at the low and at the high end) and ``swing`` (``|high - low|``),
    sorted by swing, largest first. ``level`` is accepted for symmetry with
    :func:`simulate`: the ends are the interval's own bounds whatever the level.

    Raises:
        TypeError, ValueError: as :func:`simulate`.
    """
    intervals = _check_intervals(intervals)
    _check_level(level)
    medians = {}
    for name, (low, high) in intervals.items():
        lognormal_from_interval(low, high, level=level)  # validates the bounds
        medians[name] = math.sqrt(low * high)
    rows = {}
    for name, (low, high) in intervals.items():
        at_low = _evaluate(formula, {**medians, name: np.float64(low)}, 1)[0]
        at_high = _evaluate(formula, {**medians, name: np.float64(high)}, 1)[0]
        rows[name] = {"low": at_low, "high": at_high, "swing": abs(at_high - at_low)}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "input"
    return table.sort_values("swing", ascending=False)


def variance_shares(draws: pd.DataFrame) -> pd.Series:
    """The share of the variance of ``log(output)`` that each input's ``log`` explains.

    Fitted by least squares of ``log(output)`` on the logs of the inputs; each share is
    ``b_i cov(log x_i, log y) / var(log y)``. For a formula that multiplies and divides
    independent inputs the fit is exact and the shares sum to one; otherwise they are a
    first-order decomposition and sum to the fit's R².

    Raises:
        ValueError: if ``draws`` has no ``output`` column, no input column, or a value
            that is not positive.
    """
    if not isinstance(draws, pd.DataFrame) or "output" not in draws:
        raise ValueError("draws must be the frame simulate() returns, with an 'output'")
    inputs = [c for c in draws.columns if c != "output"]
    if not inputs:
        raise ValueError("draws has no input column besides 'output'")
    if (draws <= 0).any().any():
        raise ValueError("every input and the output must be positive to take logs")
    X = np.log(draws[inputs].to_numpy())
    y = np.log(draws["output"].to_numpy())
    Xc, yc = X - X.mean(0), y - y.mean()
    coef, *_ = np.linalg.lstsq(Xc, yc, rcond=None)
    # Pratt's measure b_i cov(x_i, y) / var(y): it sums to the fit's R² exactly, where
    # b_i^2 var(x_i) would miss the draws' small sample correlations
    contributions = coef * (Xc * yc[:, None]).mean(axis=0) / yc.var()
    return pd.Series(contributions, index=inputs, name="share").sort_values(
        ascending=False
    )


def bass_adoption(t: Any, p: float, q: float, m: float) -> np.ndarray:
    """Cumulative adopters at times ``t`` in the Bass model (Bass 1969):
    ``m (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t})``, with innovation ``p``, imitation
    ``q`` and market size ``m``.

    Raises:
        TypeError: if a parameter is not a real number.
        ValueError: if ``p`` or ``m`` is not positive, ``q`` is negative, or ``t`` has a
            negative or non-finite value.
    """
    t = as_vector(t, "t")
    if np.any(t < 0):
        raise ValueError("t must be >= 0 (time since launch)")
    p = check_real(p, "p", minimum=0.0, strict=True)
    q = check_real(q, "q", minimum=0.0)
    m = check_real(m, "m", minimum=0.0, strict=True)
    e = np.exp(-(p + q) * t)
    return m * (1 - e) / (1 + (q / p) * e)


def bass_peak_time(p: float, q: float) -> float:
    """When new adoptions peak: ``ln(q/p) / (p + q)``, or 0 when ``q <= p`` (adoption
    falls from the launch on).

    Raises:
        ValueError: if ``p`` is not positive or ``q`` is negative.
    """
    p = check_real(p, "p", minimum=0.0, strict=True)
    q = check_real(q, "q", minimum=0.0)
    return max(0.0, math.log(q / p) / (p + q)) if q > 0 else 0.0


def fit_bass(t: Any, cumulative: Any) -> tuple[float, float, float]:
    """Least-squares fit of :func:`bass_adoption` to observed cumulative adopters.

    Returns ``(p, q, m)``. Started from ``p = 0.03, q = 0.4`` (typical values) and ``m``
    twice the last observation, and searched within ``1e-6 <= p <= 1``, ``0 <= q <= 5``
    and ``m`` from the last observation to a thousand times it. On data from before the
    peak ``m`` is often not identified and the fit returns that upper bound: compare
    ``m`` with ``1000 * max(cumulative)`` before reading it as an estimate.

    Raises:
        ValueError: if ``t`` and ``cumulative`` differ in length, have fewer than four
            points, contain negative or non-finite values, or ``cumulative`` decreases.
    """
    t = as_vector(t, "t")
    y = as_vector(cumulative, "cumulative", n=t.size)
    if t.size < 4:
        raise ValueError(
            "fit_bass needs at least four observations for three parameters"
        )
    if np.any(t < 0) or np.any(y < 0):
        raise ValueError("t and cumulative must be >= 0")
    if np.any(np.diff(y) < 0):
        raise ValueError("cumulative adopters cannot decrease")
    last = float(y.max())
    if last <= 0:
        raise ValueError("cumulative is all zero: nothing to fit")

    # fit on the scale of the data (m in units of the last observation) for conditioning
    def model(tt, p, q, m_rel):
        return bass_adoption(tt, p, q, m_rel * last) / last

    (p, q, m_rel), _ = optimize.curve_fit(
        model,
        t,
        y / last,
        p0=(0.03, 0.4, 2.0),
        bounds=([1e-6, 0.0, 1.0], [1.0, 5.0, 1e3]),
        maxfev=20_000,
    )
    return float(p), float(q), float(m_rel * last)
