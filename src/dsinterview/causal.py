"""Causal effects from observational data and natural experiments.

- :func:`did`: the two-group, two-period difference-in-differences, the coefficient of
  ``treated x post`` in an OLS regression, with a classical or a cluster-robust
  standard error (the sandwich of :mod:`dsinterview.did`, shared, not repeated).
- :func:`iv_2sls`: two-stage least squares for one endogenous regressor, with the
  first-stage F statistic that says whether the instruments are strong enough to trust.
- :func:`ipw_att` and :func:`match_att`: the effect on the treated from a propensity
  score, by inverse-probability weighting of the controls or by nearest-neighbour
  matching on the score (fit the score with :func:`dsinterview.logistic.fit_newton`).

Every estimate is an :class:`Estimate` with a 95% interval ``effect +- 1.96 se`` (the
large-sample normal interval).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from dsinterview._validate import as_columns, as_vector, check_columns
from dsinterview.did import _cluster_cov

__all__ = ["Estimate", "did", "ipw_att", "iv_2sls", "match_att"]

_Z = float(stats.norm.ppf(0.975))


@dataclass(frozen=True)
class Estimate:
    """A causal estimate with its standard error and 95% interval.

    Attributes:
        effect: the estimated effect.
        se: its standard error.
        ci_low, ci_high: the 95% interval ``effect -+ 1.96 se``.
        first_stage_f: for instrumental variables, the first-stage F statistic of the
            excluded instruments (``None`` otherwise).
    """

    effect: float
    se: float
    ci_low: float
    ci_high: float
    first_stage_f: float | None = None

    @classmethod
    def normal(cls, effect: float, se: float, **extra: Any) -> Estimate:
        effect, se = float(effect), float(se)
        return cls(effect, se, effect - _Z * se, effect + _Z * se, **extra)


def _binary(values: pd.Series, name: str) -> np.ndarray:
    if values.isna().any():
        raise ValueError(f"column {name!r} has {int(values.isna().sum())} NaN values")
    v = pd.to_numeric(values, errors="coerce")
    if v.isna().any() or not v.isin([0, 1]).all():
        raise ValueError(
            f"column {name!r} must be binary (0/1 or False/True); it holds "
            f"{sorted(map(str, pd.unique(values)))[:5]}"
        )
    return v.to_numpy(dtype=float)


def _covariance(
    X: np.ndarray,
    resid: np.ndarray,
    bread: np.ndarray,
    labels: pd.Series | None,
    name: str,
) -> np.ndarray:
    """Classical ``s^2 bread`` (``s^2`` over ``n - k``), or with cluster ``labels`` the
    CR1 sandwich of :func:`dsinterview.did._cluster_cov` with the factor
    ``(n - 1) / (n - k)``."""
    n, k = X.shape
    if labels is None:
        return bread * (resid @ resid) / (n - k)
    if labels.size != n:
        raise ValueError(
            f"{name} has {labels.size} labels for {n} rows; give one per row"
        )
    if labels.isna().any():
        raise ValueError(f"{name} has NaN cluster labels")
    groups = pd.factorize(labels)[0]
    return _cluster_cov(X, resid, groups, bread, "cr1", (n - 1) / (n - k))


def did(
    df: pd.DataFrame,
    *,
    outcome: str,
    treated: str,
    post: str,
    cluster: str | None = None,
) -> Estimate:
    """Difference-in-differences: the coefficient of ``treated x post``.

    Fits ``outcome ~ 1 + treated + post + treated * post`` by OLS. The coefficient of
    the product is (mean change of the treated) minus (mean change of the controls),
    the effect of the treatment on the treated if, without it, both groups would have
    moved in parallel.

    Args:
        df: one row per observation.
        outcome, treated, post: column names; ``treated`` and ``post`` are 0/1.
        cluster: a column naming the cluster of each row (a market, a state); with it
            the standard error is cluster-robust (CR1 with the small-sample factor
            ``G / (G - 1) * (n - 1) / (n - k)``, as statsmodels and Stata), without it
            the classical OLS one.

    Returns:
        An :class:`Estimate`.

    Raises:
        TypeError: if ``df`` is not a DataFrame.
        ValueError: for a missing column, a ``treated`` or ``post`` column that is not
            binary, NaN in any used column, an empty cell of the 2 x 2 design, or fewer
            than two clusters.
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame; got {type(df).__name__}")
    columns = [outcome, treated, post] + ([cluster] if cluster is not None else [])
    check_columns(df, columns, "df")
    d = _binary(df[treated], treated)
    p = _binary(df[post], post)
    y = as_vector(df[outcome], f"column {outcome!r}")
    for a in (0, 1):
        for b in (0, 1):
            if not ((d == a) & (p == b)).any():
                raise ValueError(
                    f"no row has {treated}={a} and {post}={b}: every cell of the 2 x 2 "
                    "design needs observations"
                )
    X = np.column_stack([np.ones_like(y), d, p, d * p])
    XtX_inv = np.linalg.inv(X.T @ X)
    beta = XtX_inv @ X.T @ y
    labels = None if cluster is None else df[cluster]
    cov = _covariance(X, y - X @ beta, XtX_inv, labels, f"column {cluster!r}")
    return Estimate.normal(beta[3], np.sqrt(cov[3, 3]))


def iv_2sls(
    y: Any, endog: Any, instruments: Any, exog: Any = None, *, cluster: Any = None
) -> Estimate:
    """Two-stage least squares for one endogenous regressor, with an intercept.

    The first stage regresses ``endog`` on the intercept, ``exog`` and the
    ``instruments``; the second regresses ``y`` on the intercept, ``exog`` and the
    first stage's fitted ``endog``. The standard error is the classical 2SLS one,
    ``s^2 (Xhat' Xhat)^-1`` with ``s^2`` from the residuals ``y - X b`` (on the actual
    ``endog``) over ``n - k``; with ``cluster``, the cluster-robust sandwich on
    ``Xhat`` (CR1, ``G / (G - 1) * (n - 1) / (n - k)``, as linearmodels'
    ``cov_type="clustered", debiased=True``). ``first_stage_f`` is the F statistic of
    the excluded instruments in the first stage (cluster-robust with ``cluster``):
    below about 10, the instruments are
    weak, 2SLS is biased toward OLS and its interval is unreliable (Staiger and Stock
    1997).

    Args:
        y: the outcome, 1-D (array or Series).
        endog: the endogenous regressor, 1-D.
        instruments: the excluded instruments, 1-D or 2-D (array or DataFrame).
        exog: exogenous controls, 1-D or 2-D, or ``None``; the intercept is added.
        cluster: a cluster label per row (a market), or ``None`` for the classical
            standard error. Use it whenever errors are correlated within units, as in
            a panel; the first-stage F is then the cluster-robust Wald F of the
            excluded instruments (CR1, as linearmodels' first-stage diagnostics with
            clustered covariance), since the classical F overstates the strength of an
            instrument that is persistent within a cluster.

    Returns:
        An :class:`Estimate` of the coefficient of ``endog``, with ``first_stage_f``.

    Raises:
        TypeError: for non-numeric input.
        ValueError: for NaN or infinite values, mismatched lengths, no instrument
            (fewer instruments than endogenous regressors), instruments that are
            collinear with the controls, too few rows, or ``cluster`` labels of the
            wrong length, with NaN or fewer than two clusters.
    """
    y = as_vector(y, "y")
    n = y.size
    x = as_vector(endog, "endog")
    if x.size != n:
        raise ValueError(
            f"endog has {x.size} entries but y has {n}; they must have the same length"
        )
    Zx = as_columns(instruments, "instruments", n, min_columns=0)
    if Zx.shape[1] < 1:
        raise ValueError(
            "fewer instruments than endogenous regressors: give at least one "
            "instrument for the one endogenous regressor"
        )
    W = np.ones((n, 1))
    if exog is not None:
        W = np.column_stack([W, as_columns(exog, "exog", n)])
    Z = np.column_stack([W, Zx])
    X = np.column_stack([W, x])
    if n <= Z.shape[1]:
        raise ValueError(
            f"{n} rows cannot identify {Z.shape[1]} first-stage coefficients"
        )
    if np.linalg.matrix_rank(Z) < Z.shape[1]:
        raise ValueError(
            "the instruments are collinear with each other or with the controls "
            "(and intercept): each must add variation of its own"
        )
    first, *_ = np.linalg.lstsq(Z, x, rcond=None)
    xhat = Z @ first
    Xhat = np.column_stack([W, xhat])
    XhX_inv = np.linalg.pinv(Xhat.T @ Xhat)
    beta = XhX_inv @ Xhat.T @ y
    resid = y - X @ beta
    labels = None if cluster is None else pd.Series(np.asarray(cluster).ravel())
    cov = _covariance(Xhat, resid, XhX_inv, labels, "cluster")
    q = Zx.shape[1]
    if labels is None:
        # classical first-stage F: (RSS_r - RSS_u) / q over RSS_u / dof
        rss_u = float(((x - xhat) ** 2).sum())
        restricted, *_ = np.linalg.lstsq(W, x, rcond=None)
        rss_r = float(((x - W @ restricted) ** 2).sum())
        f = ((rss_r - rss_u) / q) / (rss_u / (n - Z.shape[1]))
    else:
        # cluster-robust Wald F of the excluded instruments, pi' V^-1 pi / q (CR1):
        # with errors correlated within clusters the classical F overstates strength
        v = _covariance(Z, x - xhat, np.linalg.inv(Z.T @ Z), labels, "cluster")
        pi, V = first[-q:], v[-q:, -q:]
        f = float(pi @ np.linalg.solve(V, pi)) / q
    return Estimate.normal(beta[-1], np.sqrt(cov[-1, -1]), first_stage_f=float(f))


def _propensity_inputs(
    y: Any, treated: Any, score: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    y = as_vector(y, "y")
    d = as_vector(treated, "treated")
    e = as_vector(score, "score")
    if not (d.size == e.size == y.size):
        raise ValueError(
            f"y, treated and score have {y.size}, {d.size} and {e.size} entries; "
            "they must have the same length"
        )
    if not np.isin(d, (0.0, 1.0)).all():
        raise ValueError("treated must be binary (0/1)")
    if d.sum() == 0 or d.sum() == d.size:
        raise ValueError("needs both treated (1) and control (0) rows")
    if ((e <= 0) | (e >= 1)).any():
        raise ValueError("score must be a propensity strictly between 0 and 1")
    return y, d, e


def ipw_att(y: Any, treated: Any, score: Any) -> float:
    """The average effect on the treated by inverse-probability weighting.

    Each control is weighted by the odds ``e / (1 - e)`` of its propensity score ``e``,
    which makes the controls look like the treated on the variables in the score; the
    estimate is the treated mean minus the weighted control mean (normalised weights,
    the Hajek form).

    No standard error is returned, on purpose: the function sees the score, not the
    covariates it was fitted on, so it cannot carry the score's own estimation error,
    and the error that treats the score as known is not guaranteed conservative for
    the effect on the treated. Use a bootstrap that re-fits the score on each
    resample, or the stacked M-estimator of the score and the weighted means. Check
    overlap first: controls with a score near 1 get huge weights.

    Raises:
        ValueError: for mismatched lengths, a non-binary ``treated``, no treated or no
            control rows, a score outside (0, 1), or NaN.
    """
    y, d, e = _propensity_inputs(y, treated, score)
    w = e / (1 - e)
    c = d == 0
    return float(y[d == 1].mean() - (w[c] * y[c]).sum() / w[c].sum())


def match_att(y: Any, treated: Any, score: Any) -> float:
    """The average effect on the treated by one-to-one nearest-neighbour matching on
    the propensity score, with replacement (a tie in distance goes to the control with
    the lower score).

    No standard error is returned: the bootstrap is not valid for nearest-neighbour
    matching with replacement (Abadie and Imbens 2008), and the valid analytic
    variance (Abadie and Imbens 2006, with the correction for an estimated score of
    2016) needs a conditional-variance estimate by matching among the treated and
    among the controls, which this teaching version does not implement.

    Raises:
        ValueError: as :func:`ipw_att`.
    """
    y, d, e = _propensity_inputs(y, treated, score)
    ec, yc = e[d == 0], y[d == 0]
    order = np.argsort(ec, kind="stable")
    ec, yc = ec[order], yc[order]
    et = e[d == 1]
    right = np.clip(np.searchsorted(ec, et), 1, ec.size - 1)
    left = right - 1
    if ec.size == 1:
        nearest = np.zeros(et.size, dtype=int)
    else:
        nearest = np.where(et - ec[left] <= ec[right] - et, left, right)
    return float((y[d == 1] - yc[nearest]).mean())
