"""Online controlled experiments: sizing, trust checks, variance reduction, sequential
and quantile inference.

- :func:`sample_size`: members per arm for a two-sided two-sample test of a difference
  in means.
- :func:`srm_test`: the sample-ratio-mismatch check, a chi-square goodness of fit of the
  arm counts against the designed shares.
- :func:`cuped`: variance reduction with a pre-period covariate (Deng et al. 2013).
- :func:`always_valid_pvalues`: the normal-mixture sequential probability ratio test
  (mSPRT) of Johari et al., whose p-values stay valid however often they are looked at.
- :func:`quantile_effect`: a difference of quantiles with a bootstrap percentile
  interval, drawn from the exact bootstrap distribution of a sample quantile, so that it
  costs a sort, not ``n_boot`` resamples of millions of rows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist
from typing import Any

import numpy as np
from scipy import optimize, stats

from dsinterview._validate import as_vector, check_int, check_real, check_seed

__all__ = [
    "always_valid_pvalues",
    "cuped",
    "quantile_effect",
    "sample_size",
    "srm_test",
]

_Z = NormalDist()


def _check_probability(value: Any, name: str) -> float:
    value = check_real(value, name)
    if not 0.0 < value < 1.0:
        raise ValueError(f"{name} must be strictly between 0 and 1; got {value:g}")
    return value


# ------------------------------------------------------------------------------- sizing
def _power(n1: float, effect: float, alpha: float, ratio: float) -> float:
    """Power of the two-sided z-test, ``n1`` and ``ratio * n1`` members (both tails)."""
    z = _Z.inv_cdf(1 - alpha / 2)
    shift = effect * math.sqrt(n1 / (1 + 1 / ratio))
    return _Z.cdf(shift - z) + _Z.cdf(-shift - z)


def sample_size(
    mde: float,
    sd: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    ratio: float = 1.0,
) -> int:
    """Members per arm to detect a difference in means of ``mde`` with a two-sided test.

    The first arm has ``n`` members and the second ``ratio * n``; the test is the
    two-sample z-test (a t-test at these sizes) of a metric with standard deviation
    ``sd`` in each arm. The textbook answer is
    ``n = (z_{1-alpha/2} + z_power)^2 (1 + 1/ratio) sd^2 / mde^2`` (for
    ``alpha = 0.05``, ``power = 0.8`` and equal arms, Kohavi's ``16 sd^2 / mde^2``
    rounded); this function solves the power equation with both tails exactly, as
    statsmodels' ``NormalIndPower`` does, and rounds up.

    Args:
        mde: the minimum detectable effect, in the metric's units (positive).
        sd: the standard deviation of the metric for one member (positive).
        alpha: the two-sided significance level, in (0, 1).
        power: the probability of detecting an effect of size ``mde``, in (0, 1).
        ratio: size of the second arm relative to the first (positive).

    Returns:
        The size of the larger arm (``n`` when ``ratio <= 1``, ``ratio * n`` otherwise),
        rounded up to a whole member.

    Raises:
        TypeError: if an argument is not a real number.
        ValueError: if ``mde``, ``sd`` or ``ratio`` is not positive, or ``alpha`` or
            ``power`` is not strictly between 0 and 1.
    """
    mde = check_real(mde, "mde", minimum=0.0, strict=True)
    sd = check_real(sd, "sd", minimum=0.0, strict=True)
    alpha = _check_probability(alpha, "alpha")
    power = _check_probability(power, "power")
    ratio = check_real(ratio, "ratio", minimum=0.0, strict=True)
    effect = mde / sd
    z_sum = _Z.inv_cdf(1 - alpha / 2) + _Z.inv_cdf(power)
    n0 = z_sum**2 * (1 + 1 / ratio) / effect**2  # one tail only: n0 >= the exact n1
    if _power(n0, effect, alpha, ratio) - power > 1e-12:
        # the far tail adds a little power: the exact n1 lies below n0
        n1 = optimize.brentq(
            lambda n: _power(n, effect, alpha, ratio) - power,
            1e-12,
            n0,
            xtol=1e-10,
            rtol=1e-14,
        )
    else:
        n1 = n0
    larger = n1 * max(1.0, ratio)
    return int(math.ceil(larger - 1e-9 * larger))


# ------------------------------------------------------------------------- trust checks
def srm_test(
    counts: Sequence[float] | np.ndarray, expected_shares: Sequence[float] | np.ndarray
) -> tuple[float, float]:
    """Sample-ratio-mismatch test: do the arms hold the shares of members they were
    designed for?

    Pearson's chi-square goodness of fit of the observed members per arm against
    ``total * expected_shares``, with ``k - 1`` degrees of freedom for ``k`` arms. A
    tiny p-value (experimentation platforms alarm below 0.001) means the assignment or
    the logging is broken: the arms are no longer comparable, and the effect estimate is
    not to be trusted.

    Args:
        counts: members observed in each arm (non-negative whole numbers, at least two
            arms).
        expected_shares: the designed share of each arm (positive, summing to one).

    Returns:
        ``(statistic, pvalue)``.

    Raises:
        TypeError: if the inputs are not numeric.
        ValueError: for negative or fractional counts, no members at all, fewer than two
            arms, shares that are not positive or do not sum to one, or shares and
            counts of different lengths.
    """
    counts = as_vector(counts, "counts")
    shares = as_vector(expected_shares, "expected_shares")
    if counts.size < 2:
        raise ValueError(f"counts must have at least two arms; got {counts.size}")
    if shares.size != counts.size:
        raise ValueError(
            f"expected_shares has {shares.size} entries but counts has {counts.size}; "
            "give one designed share per arm"
        )
    if np.any(counts < 0):
        raise ValueError(f"counts must be non-negative; got {counts.tolist()}")
    if np.any(counts != np.round(counts)):
        raise ValueError(
            f"counts must be whole numbers of members; got {counts.tolist()}"
        )
    if counts.sum() == 0:
        raise ValueError("counts are all zero: there is nothing to test")
    if np.any(shares <= 0):
        raise ValueError(f"expected_shares must all be positive; got {shares.tolist()}")
    if abs(shares.sum() - 1.0) > 1e-9:
        raise ValueError(
            f"expected_shares must sum to one; they sum to {shares.sum():.12g}"
        )
    expected = counts.sum() * shares
    statistic = float(((counts - expected) ** 2 / expected).sum())
    return statistic, float(stats.chi2.sf(statistic, counts.size - 1))


# ------------------------------------------------------------------- variance reduction
def cuped(
    y: Sequence[float] | np.ndarray, x: Sequence[float] | np.ndarray
) -> np.ndarray:
    """CUPED: the metric ``y`` adjusted by a covariate ``x`` measured before the
    experiment.

    Returns ``y - theta * (x - mean(x))`` with ``theta = cov(x, y) / var(x)``, the
    regression slope that minimises the variance of the adjusted metric: its variance is
    ``(1 - rho^2) var(y)`` with ``rho`` the correlation of ``x`` and ``y``, and its mean
    is the mean of ``y``. Pass both arms together (one ``theta`` for all members):
    because ``x`` was measured before the treatment, it is independent of the assignment
    and the difference of the arms' adjusted means remains an unbiased estimate of the
    effect (Deng et al. 2013).

    Raises:
        TypeError: if the inputs are not numeric.
        ValueError: if they are empty, of different lengths, not finite, or ``x`` is
            constant.
    """
    y = as_vector(y, "y")
    x = as_vector(x, "x")
    if x.size != y.size:
        raise ValueError(
            f"x has {x.size} entries but y has {y.size}; give one covariate per member"
        )
    if y.size < 2:
        raise ValueError("cuped needs at least two members")
    xc = x - x.mean()
    var_x = float(xc @ xc)
    if var_x == 0.0:
        raise ValueError(
            "x is constant: it carries no information to adjust y with; "
            "use a pre-period metric that varies across members"
        )
    theta = float(xc @ (y - y.mean())) / var_x
    return y - theta * xc


# ------------------------------------------------------------------- sequential testing
def always_valid_pvalues(
    diffs: Sequence[float] | np.ndarray, *, sigma: float, tau: float
) -> np.ndarray:
    """Always-valid p-values of the normal-mixture SPRT, after each pair of
    observations.

    ``diffs`` is a stream of paired differences (treatment minus control), each with
    mean ``theta`` and known standard deviation ``sigma``. After ``n`` pairs with sum
    ``S_n`` the mixture likelihood ratio of ``theta ~ N(0, tau^2)`` against
    ``theta = 0`` is

    ``Lambda_n = sqrt(sigma^2 / (sigma^2 + n tau^2))
    * exp(tau^2 S_n^2 / (2 sigma^2 (sigma^2 + n tau^2)))``,

    and the always-valid p-value is ``p_n = min(1, 1 / max_{m <= n} Lambda_m)`` (Johari
    et al. 2017, 2022). Under the null, ``P(p_n <= alpha for some n) <= alpha`` (Ville's
    inequality), so the test may be checked after every pair and stopped at the first
    ``p_n <= alpha`` without inflating the false-positive rate. The sequence is
    non-increasing.

    Args:
        diffs: the stream, 1-D; or a 2-D array with one independent stream per row.
        sigma: the standard deviation of one difference (positive).
        tau: the standard deviation of the mixing distribution of ``theta`` (positive):
            the scale of effects the test is tuned to detect fastest.

    Returns:
        An array of the shape of ``diffs``: the p-value after each pair.

    Raises:
        TypeError: if ``diffs`` is not numeric or ``sigma``/``tau`` are not real
            numbers.
        ValueError: if ``diffs`` is empty, not finite or more than 2-D, or ``sigma`` or
            ``tau`` is not positive.
    """
    sigma = check_real(sigma, "sigma", minimum=0.0, strict=True)
    tau = check_real(tau, "tau", minimum=0.0, strict=True)
    try:
        arr = np.asarray(diffs, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"diffs must be numeric: {exc}") from exc
    if arr.ndim == 1:
        arr = as_vector(arr, "diffs")
    elif arr.ndim == 2:
        if arr.size == 0:
            raise ValueError("diffs must not be empty")
        if not np.all(np.isfinite(arr)):
            raise ValueError("diffs must be finite; it contains NaN or infinite values")
    else:
        raise ValueError(
            f"diffs must be 1-D (one stream) or 2-D (a stream per row); "
            f"got an array of shape {arr.shape}"
        )
    s2, t2 = sigma**2, tau**2
    n = np.arange(1, arr.shape[-1] + 1, dtype=float)
    total = np.cumsum(arr, axis=-1)
    log_lr = 0.5 * np.log(s2 / (s2 + n * t2)) + t2 * total**2 / (2 * s2 * (s2 + n * t2))
    return np.exp(-np.maximum(np.maximum.accumulate(log_lr, axis=-1), 0.0))


# --------------------------------------------------------------------- quantile effects
def _quantile(x: np.ndarray, q: float) -> float:
    """The q-th sample quantile by inverting the empirical CDF (``inverted_cdf``)."""
    return float(np.quantile(x, q, method="inverted_cdf"))


def _bootstrap_quantiles(
    x: np.ndarray, q: float, n_boot: int, rng: np.random.Generator
) -> np.ndarray:
    """``n_boot`` draws of the q-th quantile of a bootstrap resample of ``x``, exactly.

    A resample of ``n`` values from ``x`` puts ``Binomial(n, F(u))`` of them at or below
    each distinct value ``u`` (``F`` the empirical CDF), and its ``inverted_cdf``
    quantile is at or below ``u`` exactly when that count is at least ``ceil(q n)``. So
    the resampled quantile has the distribution
    ``P(Q* <= u) = P(Binomial(n, F(u)) >= ceil(q n))``, which is sampled by inversion:
    the same distribution as resampling ``n`` rows ``n_boot`` times, for the cost of one
    sort.
    """
    values, counts = np.unique(x, return_counts=True)
    n = x.size
    cdf = np.cumsum(counts) / n
    k = _rank(q, n)
    # outside F within q +- 12 sd the probability is 0 or 1 to within 1e-30: skip those
    # values
    half = 12 * math.sqrt(q * (1 - q) / n) + 2 / n
    lo = int(np.searchsorted(cdf, q - half, side="left"))
    hi = int(np.searchsorted(cdf, q + half, side="right")) + 1
    hi = min(hi, values.size)
    p_below = stats.binom.sf(k - 1, n, cdf[lo:hi])
    p_below[-1] = 1.0 if hi == values.size else p_below[-1]
    u = rng.random(n_boot)
    idx = np.minimum(np.searchsorted(p_below, u, side="left"), hi - lo - 1)
    return values[lo + idx]


def _rank(q: float, n: int) -> int:
    """The order statistic (1-based) that ``inverted_cdf`` returns: ``ceil(q n)``,
    computed with numpy's own floating-point steps so that the two never disagree."""
    virtual = n * q - 1
    below = math.floor(virtual)
    k = below + (1 if virtual - below > 0 else 0)
    return min(max(k, 0), n - 1) + 1


def quantile_effect(
    treatment: Sequence[float] | np.ndarray,
    control: Sequence[float] | np.ndarray,
    q: float,
    *,
    n_boot: int = 1000,
    seed: int | np.random.Generator | None = None,
    level: float = 0.95,
) -> tuple[float, float, float]:
    """The difference of the ``q``-th quantiles of two arms, with a bootstrap interval.

    The estimate is ``Q_t(q) - Q_c(q)`` with sample quantiles by inverting the empirical
    CDF; the interval is the percentile interval of ``n_boot`` bootstrap replicates,
    each arm resampled independently. The replicates come from the exact bootstrap
    distribution of a sample quantile (see ``_bootstrap_quantiles``), identical in law
    to resampling the rows, so a test with millions of members per arm costs two sorts.
    This is the quantile bootstrap used for quality-of-experience metrics such as play
    delay (Tingley 2018).

    Args:
        treatment, control: the metric for each member of each arm (1-D, finite,
            non-empty).
        q: the quantile, strictly between 0 and 1.
        n_boot: the number of bootstrap replicates (at least 100).
        seed: an int, a ``numpy.random.Generator`` or None.
        level: the coverage of the interval, strictly between 0 and 1.

    Returns:
        ``(estimate, low, high)``.

    Raises:
        TypeError: for non-numeric data, a non-integer ``n_boot`` or a bad ``seed``.
        ValueError: for empty or non-finite data, ``q`` or ``level`` outside (0, 1), or
            ``n_boot`` below 100.
    """
    t = as_vector(treatment, "treatment")
    c = as_vector(control, "control")
    q = _check_probability(q, "q")
    level = _check_probability(level, "level")
    n_boot = check_int(n_boot, "n_boot", minimum=100)
    rng = check_seed(seed)
    estimate = _quantile(t, q) - _quantile(c, q)
    boot = _bootstrap_quantiles(t, q, n_boot, rng) - _bootstrap_quantiles(
        c, q, n_boot, rng
    )
    tail = (1 - level) / 2
    low, high = np.quantile(boot, [tail, 1 - tail])
    return float(estimate), float(low), float(high)
