"""Staggered difference-in-differences: the static estimate and its repair.

On a balanced panel ``y`` of ``T`` periods by ``R`` units, where unit ``r`` is treated
from period ``start[r]`` on (``-1`` for never), two estimates of the average effect on
the treated (ATT, averaged over the treated unit-periods):

- :func:`twfe_static`: the two-way fixed-effects regression on one "post" dummy. With
  staggered timing it compares late adopters with early adopters that are already
  treated, so when the effect grows with time since treatment, or differs by adoption
  cohort, it is biased and can even change sign (Goodman-Bacon 2021).
- :func:`twfe_cohort`: the same regression with one dummy per cohort and treated period
  (the "extended" two-way fixed effects of Wooldridge, or the interaction-weighted
  estimator of Sun and Abraham 2021): every treated cell gets its own effect, so only
  never- and not-yet-treated cells serve as controls, and the ATT is the average of the
  cell effects.

Both fit by two-way demeaning (exact on a balanced panel) and report a standard error
clustered by unit: CR1 (the usual sandwich with the G / (G - 1) factor) by default, or
CR3 (``se="cr3"``, the leave-one-unit-out jackknife in closed form), which corrects the
downward bias of CR1 when many coefficients each rest on a few units (Bell and
McCaffrey 2002).
"""

from __future__ import annotations

import numpy as np

__all__ = ["twfe_cohort", "twfe_static"]


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


def _fit(
    y: np.ndarray, D: np.ndarray, weights: np.ndarray, se: str = "cr1"
) -> tuple[float, float]:
    """OLS of demeaned y on demeaned D (T, R, k); the estimate weights @ beta and its
    unit-clustered standard error (CR1: the G / (G - 1) small-sample factor; CR3: each
    unit's residuals inflated by (I - H_gg)^-1, the closed-form jackknife)."""
    if se not in ("cr1", "cr3"):
        raise ValueError(f"se must be 'cr1' or 'cr3'; got {se!r}")
    T, R, k = D.shape
    Xd = _demean(D).reshape(T * R, k)
    yd = _demean(y).reshape(T * R)
    XtX_inv = np.linalg.pinv(Xd.T @ Xd)
    beta = XtX_inv @ Xd.T @ yd
    u = (yd - Xd @ beta).reshape(T, R)
    X3 = Xd.reshape(T, R, k)
    if se == "cr3":
        for r in range(R):
            Xg = X3[:, r, :]
            H = Xg @ XtX_inv @ Xg.T
            u[:, r] = np.linalg.pinv(np.eye(T) - H) @ u[:, r]
    scores = np.einsum("trk,tr->rk", X3, u)  # per unit
    meat = scores.T @ scores * ((R / (R - 1)) if se == "cr1" else ((R - 1) / R))
    cov = XtX_inv @ meat @ XtX_inv
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
