"""Staggered difference-in-differences: the static estimate and its repair.

On a balanced panel ``y`` of ``T`` periods by ``R`` units, where unit ``r`` is treated
from period ``start[r]`` on (``-1`` for never), two estimates of the average effect on
the treated (ATT, averaged over the treated unit-periods):

- :func:`twfe_static`: the two-way fixed-effects regression on one "post" dummy. With
  staggered timing it compares late adopters with early adopters that are already
  treated, so when the effect grows with time since treatment, or differs by adoption
  cohort, it is biased and can even change sign (Goodman-Bacon 2021).
- :func:`event_study`: the cohort-by-period regression of :func:`twfe_cohort`, with
  leads, averaged by period since treatment: the pre-trend check and the effect's
  dynamics.
- :func:`twfe_cohort`: the same regression with one dummy per cohort and treated period
  (the "extended" two-way fixed effects of Wooldridge, or the interaction-weighted
  estimator of Sun and Abraham 2021): every treated cell gets its own effect, so only
  never- and not-yet-treated cells serve as controls, and the ATT is the average of the
  cell effects.

Both fit by two-way demeaning (exact on a balanced panel) and report a standard error
clustered by unit: CR1 (the usual sandwich with the G / (G - 1) factor) by default, or
CR3 (``se="cr3"``, the leave-one-unit-out jackknife in closed form), which corrects the
downward bias of CR1 when many coefficients each rest on a few units (Bell and
McCaffrey 2002). :func:`dsinterview.causal.did` shares the same sandwich
(:func:`_cluster_cov`) for any cluster variable.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

__all__ = ["event_study", "twfe_cohort", "twfe_static"]


def _check(y, start) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y, dtype=float)
    if y.ndim != 2 or min(y.shape) < 2:
        raise ValueError(
            f"y must be a (periods, units) panel with at least 2 of each; got {y.shape}"
        )
    if not np.isfinite(y).all():
        raise ValueError("y must be finite (no NaN or infinity)")
    start = np.asarray(start)
    if start.shape != (y.shape[1],) or not np.issubdtype(start.dtype, np.integer):
        raise ValueError(
            f"start must hold one integer period per unit ({y.shape[1]}); "
            f"got shape {start.shape}, dtype {start.dtype}"
        )
    if ((start < -1) | (start >= y.shape[0])).any():
        raise ValueError("start must be -1 (never treated) or a period of the panel")
    if not (start == -1).any() and len(np.unique(start)) < 2:
        raise ValueError("needs never-treated units or at least two adoption cohorts")
    if not (start >= 0).any():
        raise ValueError("no unit is ever treated")
    return y, start


def _demean(a: np.ndarray) -> np.ndarray:  # (T, R, ...) two-way fixed effects
    return a - a.mean(0, keepdims=True) - a.mean(1, keepdims=True) + a.mean((0, 1))


def _cluster_cov(
    X: np.ndarray,
    resid: np.ndarray,
    groups: np.ndarray,
    XtX_inv: np.ndarray,
    se: str = "cr1",
    scale: float = 1.0,
) -> np.ndarray:
    """The cluster-robust covariance of OLS coefficients: the sandwich
    ``XtX_inv @ sum_g s_g s_g' @ XtX_inv`` with ``s_g = X_g' u_g`` summed over clusters.

    ``X`` is the ``(n, k)`` design, ``resid`` its ``n`` OLS residuals, ``groups`` an
    integer cluster code ``0 .. G-1`` per row. CR1 multiplies the meat by
    ``G / (G - 1)``; CR3 first inflates each cluster's residuals by ``(I - H_gg)^-1``
    (the leave-one-cluster-out jackknife in closed form) and multiplies by
    ``(G - 1) / G``. ``scale`` multiplies the result (``(n - 1) / (n - k)`` gives the
    Stata and statsmodels convention for a regression whose fixed effects are in ``X``).
    """
    if se not in ("cr1", "cr3"):
        raise ValueError(f"se must be 'cr1' or 'cr3'; got {se!r}")
    G = int(groups.max()) + 1
    if G < 2:
        raise ValueError("a cluster-robust standard error needs at least 2 clusters")
    if se == "cr3":
        resid = resid.copy()
        order = np.argsort(groups, kind="stable")
        bounds = np.flatnonzero(np.diff(groups[order])) + 1
        for idx in np.split(order, bounds):
            Xg = X[idx]
            H = Xg @ XtX_inv @ Xg.T
            resid[idx] = np.linalg.pinv(np.eye(idx.size) - H) @ resid[idx]
    member = sparse.csr_matrix(
        (np.ones(groups.size), (groups, np.arange(groups.size))),
        shape=(G, groups.size),
    )
    scores = member @ (X * resid[:, None])  # (G, k), one row per cluster
    factor = G / (G - 1) if se == "cr1" else (G - 1) / G
    return XtX_inv @ (scores.T @ scores * factor * scale) @ XtX_inv


def _ols(
    y: np.ndarray, D: np.ndarray, se: str = "cr1"
) -> tuple[np.ndarray, np.ndarray]:
    """OLS of demeaned y on demeaned D (T, R, k): the coefficients and their
    unit-clustered covariance (:func:`_cluster_cov`, CR1 or CR3)."""
    if se not in ("cr1", "cr3"):
        raise ValueError(f"se must be 'cr1' or 'cr3'; got {se!r}")
    T, R, k = D.shape
    Xd = _demean(D).reshape(T * R, k)
    yd = _demean(y).reshape(T * R)
    XtX_inv = np.linalg.pinv(Xd.T @ Xd)
    beta = XtX_inv @ Xd.T @ yd
    units = np.tile(np.arange(R), T)  # row t * R + r belongs to unit r
    return beta, _cluster_cov(Xd, yd - Xd @ beta, units, XtX_inv, se)


def _fit(
    y: np.ndarray, D: np.ndarray, weights: np.ndarray, se: str = "cr1"
) -> tuple[float, float]:
    """The estimate weights @ beta of :func:`_ols` and its standard error."""
    beta, cov = _ols(y, D, se)
    return float(weights @ beta), float(np.sqrt(weights @ cov @ weights))


def twfe_static(y, start, se: str = "cr1") -> tuple[float, float]:
    """The static two-way fixed-effects estimate: one dummy for treated unit-periods.

    Args:
        y: a ``(periods, units)`` balanced panel of outcomes.
        start: per unit, the first treated period, or ``-1`` for never treated.
        se: ``"cr1"`` (default) or ``"cr3"``, the unit-clustered standard error.

    Returns:
        ``(estimate, standard error clustered by unit)``.

    Raises:
        ValueError: for a panel that is not 2-D and finite, ``start`` of the wrong
            length or type or outside the panel, no treated unit, or nothing to compare
            with.
    """
    y, start = _check(y, start)
    t = np.arange(y.shape[0])[:, None]
    post = ((start[None, :] >= 0) & (t >= start[None, :])).astype(float)
    return _fit(y, post[:, :, None], np.ones(1), se)


def twfe_cohort(y, start, se: str = "cr1") -> tuple[float, float]:
    """The ATT from one dummy per adoption cohort and treated period (extended TWFE).

    Every treated (cohort, period) cell gets its own coefficient; the ATT is their
    average weighted by the number of treated units in each cell, so it estimates the
    mean effect over the treated unit-periods, whatever the effects' pattern across
    cohorts and time.

    Args:
        y: a ``(periods, units)`` balanced panel of outcomes.
        start: per unit, the first treated period, or ``-1`` for never treated.
        se: ``"cr1"`` (default) or ``"cr3"``, the unit-clustered standard error.

    Returns:
        ``(ATT estimate, standard error clustered by unit)``.

    Raises:
        ValueError: as :func:`twfe_static`.
    """
    y, start = _check(y, start)
    T = y.shape[0]
    cells, counts = [], []
    for s in np.unique(start[start >= 0]):
        members = start == s
        for t in range(s, T):
            cells.append((t, members))
            counts.append(members.sum())
    if not (start == -1).any():  # the last cohort's treated cells have no control left
        keep = [i for i, (t, _) in enumerate(cells) if t < start.max()]
        cells = [cells[i] for i in keep]
        counts = [counts[i] for i in keep]
    D = np.zeros((T, y.shape[1], len(cells)))
    for j, (t, members) in enumerate(cells):
        D[t, members, j] = 1.0
    w = np.asarray(counts, dtype=float)
    return _fit(y, D, w / w.sum(), se)


def event_study(
    y, start, *, leads: int = 4, lags: int = 8, se: str = "cr1"
) -> pd.DataFrame:
    """The effect by period since treatment, cohort by cohort (Sun and Abraham 2021).

    The regression of :func:`twfe_cohort` (one dummy per cohort and treated period),
    plus one dummy per cohort and each of the ``leads`` periods before its start except
    the last one (the reference, ``-1``; periods before ``-leads`` carry no dummy
    either, so they are binned into the reference with ``-1`` and, for the other
    cohorts, serve as not-yet-treated controls, as in Callaway and Sant'Anna 2021).
    The estimate at event time ``k`` is the
    average of the cohorts' coefficients at ``k``, weighted by cohort size, so a cohort
    whose effect differs from the others' never contaminates another's comparison, as
    the event study on plain relative-time dummies does. Leads near zero are what
    parallel trends predicts; they are a check that can fail, not a proof.

    Args:
        y: a ``(periods, units)`` balanced panel of outcomes.
        start: per unit, the first treated period, or ``-1`` for never treated; at
            least one unit must be never treated.
        leads: how many pre-periods to estimate (``-leads .. -2``; ``-1`` is 0).
        lags: the last event time reported (every treated period is still modelled).
        se: ``"cr1"`` (default) or ``"cr3"``, clustered by unit.

    Returns:
        A DataFrame indexed by ``event_time`` (``-leads .. lags``) with ``estimate``,
        ``se``, ``ci_low``, ``ci_high`` (95%, normal) and ``n_units`` (treated units
        behind the estimate); the reference row ``-1`` is 0 with standard error 0.

    Raises:
        ValueError: as :func:`twfe_static`, for no never-treated unit, negative
            ``leads`` or ``lags``, or an event time no cohort reaches.
    """
    y, start = _check(y, start)
    for name, v in (("leads", leads), ("lags", lags)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 0:
            raise ValueError(f"{name} must be a non-negative integer; got {v!r}")
    if not (start == -1).any():
        raise ValueError("event_study needs never-treated units as controls")
    T, R = y.shape
    cells, keys, counts = [], [], []
    for s in np.unique(start[start >= 0]):
        members = start == s
        for t in range(max(0, s - leads), T):
            if t - s == -1:
                continue
            cells.append((t, members))
            keys.append(t - s)
            counts.append(members.sum())
    D = np.zeros((T, R, len(cells)))
    for j, (t, members) in enumerate(cells):
        D[t, members, j] = 1.0
    beta, cov = _ols(y, D, se)
    keys, counts = np.asarray(keys), np.asarray(counts, dtype=float)
    rows = {}
    for k in range(-leads, lags + 1):
        if k == -1:
            rows[k] = (0.0, 0.0, int((start >= 0).sum()))
            continue
        at = keys == k
        if not at.any():
            raise ValueError(f"no cohort is observed at event time {k}")
        w = np.where(at, counts, 0.0)
        w = w / w.sum()
        rows[k] = (float(w @ beta), float(np.sqrt(w @ cov @ w)), int(counts[at].sum()))
    out = pd.DataFrame.from_dict(
        rows, orient="index", columns=["estimate", "se", "n_units"]
    )
    out.index.name = "event_time"
    z = 1.959963984540054
    out.insert(2, "ci_low", out["estimate"] - z * out["se"])
    out.insert(3, "ci_high", out["estimate"] + z * out["se"])
    return out
