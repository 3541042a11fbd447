"""A media-mix model: sign-ups regressed on adstocked, saturated spend, optionally
calibrated.

The model, per period ``t`` (and region, for a panel)::

    y_t = controls_t + sum_c beta_c * (1 - exp(-adstock_c,t / kappa_c)) + noise
    adstock_c,t = decay_c * adstock_c,t-1 + (1 - decay_c) * spend_c,t

For given shapes ``(decay_c, kappa_c)`` the model is linear in ``beta``, so
:func:`fit_mmm` solves ``beta`` by least squares inside a bounded nonlinear
least-squares search over the shapes (profile least squares). Controls are partialled
out first: two-way fixed effects for a regional panel, or any matrix of controls
(season, weekday) for one national series.

**Calibration.** Experiments measure some channels' contributions directly.
:func:`fit_mmm` takes them as ``priors``, ``{channel: (mean, sd)}`` on the channel's
average contribution over the cells the experiment measured, and adds
``((contribution_c - mean_c) / sd_c) ** 2`` to
the residual sum of squares divided by the noise variance: the penalised (maximum a
posteriori) fit of a model with a normal prior on those contributions, which is how
Robyn's and Meridian's lift calibration works in spirit. Standard errors come from the
Jacobian of the whole (shapes and ``beta``) problem, by the delta method.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import optimize, signal

from dsinterview._validate import check_real

__all__ = ["fit_mmm"]


def _adstock(x: np.ndarray, decay: float) -> np.ndarray:
    return signal.lfilter([1.0 - decay], [1.0, -decay], x, axis=0)


def _as_series(a, name, shape=None) -> np.ndarray:
    arr = np.asarray(a, dtype=float)
    if arr.ndim not in (1, 2) or arr.shape[0] < 3:
        raise ValueError(
            f"{name} must be a 1-D series or a 2-D (periods, regions) panel with "
            f"at least 3 periods; got shape {arr.shape}"
        )
    if shape is not None and arr.shape != shape:
        raise ValueError(f"{name} must have the shape of y {shape}; got {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite (no NaN or infinity)")
    return arr


def fit_mmm(
    y,
    spend: Mapping[str, object],
    *,
    controls="twoway",
    covariates=None,
    priors: Mapping[str, tuple[float, float]] | None = None,
    prior_cells=None,
    decay_bounds: tuple[float, float] = (0.0, 0.95),
    kappa_bounds: tuple[float, float] = (5.0, 5000.0),
) -> pd.DataFrame:
    """Fit a media-mix model by profile least squares, optionally calibrated by
    experiments.

    Args:
        y: the outcome (sign-ups per 100k people per period): a 1-D series of ``T``
            periods, or a 2-D ``(T, R)`` panel of ``R`` regions.
        spend: ``{channel: spend}``, each the shape of ``y``, in the same per-capita
            units.
        controls: ``"twoway"`` (region and period fixed effects by two-way demeaning; a
            panel only), a ``(T, p)`` matrix of controls for a 1-D series (include a
            constant), or ``None`` (a constant only).
        covariates: more controls, each an array of ``y``'s shape (a demand signal such
            as brand query volume, the correction of Chen et al. 2018 for paid search),
            partialled out with ``controls``.
        priors: ``{channel: (mean, sd)}``: a measured contribution (the channel's
            average sign-ups per 100k per period over the data, what a holdout over the
            same spend measures) and its standard error, from an experiment.
        prior_cells: a boolean array of ``y``'s shape, or ``{channel: array}``: the
            periods (and regions) over which each experiment measured its contribution
            (a holdout's control cells in its window); a prior applies to the average
            response over its cells (default: all of the data).
        decay_bounds, kappa_bounds: the search box for the shapes.

    Returns:
        A frame indexed by channel with ``decay``, ``kappa``, ``beta``, ``contribution``
        (the sign-ups the channel adds per period, averaged over the data: the media-mix
        "decomposition") and ``contribution_se`` (delta method). ``attrs["sigma"]`` is
        the residual standard deviation, ``attrs["n"]`` the observations.

    Raises:
        TypeError: if ``spend`` or ``priors`` is not a mapping.
        ValueError: for shapes that do not match, non-finite data, unknown channels in
            ``priors``, a prior with a non-positive ``sd``, ``"twoway"`` controls on a
            1-D series, a controls matrix of the wrong length, or bounds that are not
            increasing.
    """
    y = _as_series(y, "y")
    if not isinstance(spend, Mapping) or not spend:
        raise TypeError("spend must be a non-empty mapping {channel: spend array}")
    channels = list(spend)
    X = {c: _as_series(spend[c], f"spend[{c!r}]", y.shape) for c in channels}
    if any((X[c] < 0).any() for c in channels):
        raise ValueError("spend must be non-negative")
    priors = {} if priors is None else priors
    if not isinstance(priors, Mapping):
        raise TypeError("priors must be a mapping {channel: (mean, sd)}")
    unknown = sorted(set(priors) - set(channels))
    if unknown:
        raise ValueError(f"priors name channels not in spend: {unknown}")
    for c, prior in priors.items():
        if len(prior) != 2:
            raise ValueError(f"priors[{c!r}] must be (mean, sd); got {prior!r}")
        check_real(prior[0], f"priors[{c!r}] mean")
        check_real(prior[1], f"priors[{c!r}] sd", minimum=0.0, strict=True)
    for name, (lo, hi) in [
        ("decay_bounds", decay_bounds),
        ("kappa_bounds", kappa_bounds),
    ]:
        if not lo < hi:
            raise ValueError(
                f"{name} must be (low, high) with low < high; got {(lo, hi)}"
            )
    if not (0.0 <= decay_bounds[0] and decay_bounds[1] < 1.0):
        raise ValueError(f"decay_bounds must lie in [0, 1); got {decay_bounds}")
    if prior_cells is None or not isinstance(prior_cells, Mapping):
        prior_cells = {c: prior_cells for c in priors}
    cells = {}
    for c in priors:
        m = prior_cells.get(c)
        m = np.ones(y.shape, dtype=bool) if m is None else np.asarray(m)
        if m.shape != y.shape or m.dtype != bool or not m.any():
            raise ValueError(
                f"prior_cells must be boolean arrays of y's shape {y.shape} "
                "with a True cell"
            )
        cells[c] = m
    if kappa_bounds[0] <= 0:
        raise ValueError(f"kappa_bounds must be positive; got {kappa_bounds}")

    Z = (
        []
        if covariates is None
        else [_as_series(z, "covariates[...]", y.shape) for z in covariates]
    )
    if isinstance(controls, str):
        if controls != "twoway":
            raise ValueError(
                f"controls must be 'twoway', a matrix or None; got {controls!r}"
            )
        if y.ndim != 2:
            raise ValueError("controls='twoway' needs a 2-D (periods, regions) panel")

        def demean(a):
            return (
                a - a.mean(0, keepdims=True) - a.mean(1, keepdims=True) + a.mean()
            ).ravel()

        Zq = np.linalg.qr(np.column_stack([demean(z) for z in Z]))[0] if Z else None

        def partial(a):
            d = demean(a)
            return d if Zq is None else d - Zq @ (Zq.T @ d)

        n_controls = y.shape[0] + y.shape[1] - 1 + len(Z)
    else:
        C = (
            np.ones((y.shape[0], 1))
            if controls is None
            else np.asarray(controls, float)
        )
        if C.ndim != 2 or C.shape[0] != y.shape[0] or not np.isfinite(C).all():
            raise ValueError(
                f"controls must be a finite ({y.shape[0]}, p) matrix; "
                f"got shape {C.shape}"
            )
        if Z and y.ndim == 1:
            C = np.column_stack([C, *Z])
        elif Z:
            raise ValueError("covariates on a panel need controls='twoway'")
        Q, _ = np.linalg.qr(C)

        def partial(a):
            a2 = a.reshape(a.shape[0], -1)
            return (a2 - Q @ (Q.T @ a2)).ravel()

        n_controls = C.shape[1] * (1 if y.ndim == 1 else y.shape[1])

    k = len(channels)
    level = np.array(
        [X[c][X[c] > 0].mean() if (X[c] > 0).any() else 1.0 for c in channels]
    )
    y_p = partial(y)

    def response_of(i, decay, log_kappa):  # channel i's saturated adstock, unscaled
        a = _adstock(X[channels[i]], decay)
        return -np.expm1(-a / np.exp(log_kappa))

    def response(theta, i):
        return response_of(i, theta[2 * i], theta[2 * i + 1])

    def gains(theta):  # average response per unit beta over the data
        return np.array([response(theta, i).mean() for i in range(k)])

    prior_idx = [channels.index(c) for c in priors]
    prior_mean = np.array([priors[c][0] for c in priors], dtype=float)
    prior_sd = np.array([priors[c][1] for c in priors], dtype=float)

    def prior_gain(r, i):  # average response over channel i's prior cells
        return r[cells[channels[i]]].mean()

    def prior_gains(theta):
        return np.array([prior_gain(response(theta, i), i) for i in prior_idx])

    def solve_beta(F, pg, sigma):
        A, b = F / sigma, y_p / sigma
        if prior_idx:
            P = np.zeros((len(prior_idx), k))
            P[np.arange(len(prior_idx)), prior_idx] = pg / prior_sd
            A, b = np.vstack([A, P]), np.r_[b, prior_mean / prior_sd]
        beta = np.linalg.solve(A.T @ A, A.T @ b)
        return b - A @ beta, beta

    lower = np.ravel([[decay_bounds[0], np.log(kappa_bounds[0])] for _ in channels])
    upper = np.ravel([[decay_bounds[1], np.log(kappa_bounds[1])] for _ in channels])
    theta0 = np.clip(np.ravel([[0.5, np.log(s)] for s in level]), lower, upper)

    def design(theta):  # the profiled columns and the prior gains at theta
        rs = [response(theta, i) for i in range(k)]
        pg = np.array([prior_gain(rs[i], i) for i in prior_idx])
        return [partial(r) for r in rs], pg

    def run(sigma, start):
        last = {}  # least_squares asks for the Jacobian at the point it just evaluated

        def at(theta):  # the design and residuals at theta, reused for the same theta
            key = theta.tobytes()
            if last.get("key") != key:
                cols, pg = design(theta)
                r0 = solve_beta(np.column_stack(cols), pg, sigma)[0]
                last.update(key=key, value=(cols, pg, r0))
            return last["value"]

        def residuals(theta):
            return at(theta)[2].copy()

        def jacobian(theta):  # forward differences, recomputing only the moved channel
            cols, pg, r0 = at(theta)
            J = np.empty((r0.size, theta.size))
            for j in range(theta.size):
                i, step = j // 2, 1e-6 * max(1.0, abs(theta[j]))
                step = step if theta[j] + step <= upper[j] else -step
                th = theta.copy()
                th[j] += step
                r = response(th, i)
                moved = cols[:i] + [partial(r)] + cols[i + 1 :]
                pg_moved = pg.copy()
                if i in prior_idx:
                    pg_moved[prior_idx.index(i)] = prior_gain(r, i)
                F = np.column_stack(moved)
                J[:, j] = (solve_beta(F, pg_moved, sigma)[0] - r0) / step
            return J

        fit = optimize.least_squares(
            residuals, start, jac=jacobian, bounds=(lower, upper), x_scale="jac"
        )
        return fit.x, np.column_stack(at(fit.x)[0])

    # The data term is scaled by the noise SD, estimated from the uncalibrated fit.
    theta, F = run(1.0, theta0)
    beta = solve_beta(F, prior_gains(theta), 1.0)[1]
    dof = max(y_p.size - n_controls - 3 * k, 1)
    sigma = float(np.sqrt(np.sum((y_p - F @ beta) ** 2) / dof))
    if prior_idx:
        theta, F = run(sigma, theta)
    beta = solve_beta(F, prior_gains(theta), sigma)[1]

    # Delta-method SEs from the Jacobian of all 3k parameters (shapes by differences).
    # Jacobian of the whole problem: beta analytically, each shape by a forward
    # difference that recomputes only its own channel.
    cols = design(theta)[0]
    n_prior = len(prior_idx)
    pg0 = prior_gains(theta) if prior_idx else np.zeros(0)
    J = np.zeros((y_p.size + n_prior, 3 * k))
    for i in range(k):
        J[: y_p.size, 2 * k + i] = -cols[i] / sigma
    for row, i in enumerate(prior_idx):
        J[y_p.size + row, 2 * k + i] = pg0[row] / prior_sd[row]
    g = gains(theta)
    grad = np.zeros((k, 3 * k))
    for j in range(2 * k):
        i = j // 2
        th = theta.copy()
        step = 1e-6 * max(1.0, abs(th[j]))
        step = step if th[j] + step <= upper[j] else -step
        th[j] += step
        moved = partial(response(th, i))
        J[: y_p.size, j] = -(moved - cols[i]) * beta[i] / (sigma * step)
        if i in prior_idx:
            row = prior_idx.index(i)
            a = response(th, i)[cells[channels[i]]].mean()
            J[y_p.size + row, j] = (a - pg0[row]) * beta[i] / (prior_sd[row] * step)
        # the average response moves with the shapes too
        grad[i, j] = beta[i] * (response(th, i).mean() - g[i]) / step
    cov = np.linalg.pinv(J.T @ J)
    contribution = beta * g
    kappa = np.exp(theta[1::2])
    for i in range(k):
        grad[i, 2 * k + i] = g[i]
    se = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", grad, cov, grad), 0.0))
    out = pd.DataFrame(
        {
            "decay": theta[0::2],
            "kappa": kappa,
            "beta": beta,
            "contribution": contribution,
            "contribution_se": se,
        },
        index=pd.Index(channels, name="channel"),
    )
    out.attrs["sigma"] = sigma
    out.attrs["n"] = int(y_p.size)
    return out
