"""Penalised linear regression from scratch: ridge (L2) by its closed form, lasso (L1)
by coordinate descent.

Both fit an intercept that is never penalised, and both minimise exactly the objective
of the scikit-learn estimator of the same name, so their results can be compared number
for number:

- :func:`ridge` minimises ``||y - X b - b0||^2 + alpha * ||b||_2^2`` (scikit-learn's
  ``Ridge``; no 1/n).
- :func:`lasso` minimises ``(1 / (2 n)) * ||y - X b - b0||^2 + alpha * ||b||_1``
  (scikit-learn's ``Lasso``).

Because of the 1/(2n) in one and not the other, the same ``alpha`` means very different
strengths in the two. Neither function standardises ``X``: the penalty treats every
coefficient alike, so put the columns on a common scale first (e.g. subtract the mean
and divide by the standard deviation) unless their units are already comparable.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.linalg.blas import daxpy as _axpy

from dsinterview._validate import as_matrix, as_vector, check_int, check_real

__all__ = [
    "ConvergenceWarning",
    "LassoPath",
    "LinearFit",
    "cv_path_errors",
    "enet_alpha_grid",
    "lasso",
    "lasso_alpha_max",
    "lasso_path",
    "ridge",
]


class ConvergenceWarning(UserWarning):
    """Coordinate descent stopped at ``max_iter`` before the duality gap fell below
    ``tol``."""


@dataclass(frozen=True, eq=False)
class LinearFit:
    """A fitted linear model ``y ~ intercept_ + X @ coef_``.

    Attributes:
        intercept_: the unpenalised intercept.
        coef_: one coefficient per column of ``X``.
        alpha: the penalty strength that was used.
        n_iter: coordinate-descent sweeps used (0 for the closed-form ridge).
        dual_gap: the duality gap at the returned solution (lasso; 0 for ridge), on the
            objective's scale.
    """

    intercept_: float
    coef_: np.ndarray = field(repr=False)
    alpha: float
    n_iter: int = 0
    dual_gap: float = 0.0

    def predict(self, X: Any) -> np.ndarray:
        """Predictions ``intercept_ + X @ coef_`` for new rows ``X`` (same columns as in
        the fit)."""
        X = as_matrix(X, "X")
        if X.shape[1] != self.coef_.shape[0]:
            raise ValueError(
                f"X has {X.shape[1]} columns but the model was fitted on "
                f"{self.coef_.shape[0]}"
            )
        return self.intercept_ + X @ self.coef_


@dataclass(frozen=True, eq=False)
class LassoPath:
    """Lasso solutions along a decreasing grid of ``alphas`` (row ``k`` of ``coefs``
    belongs to ``alphas[k]``)."""

    alphas: np.ndarray
    coefs: np.ndarray = field(repr=False)
    intercepts: np.ndarray = field(repr=False)
    n_iter: np.ndarray = field(repr=False)


def _check_xy(X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    X = as_matrix(X, "X")
    y = as_vector(y, "y", n=X.shape[0])
    if X.shape[0] < 2:
        raise ValueError(
            "X must have at least 2 rows to fit an intercept and slopes; got "
            f"{X.shape[0]}"
        )
    return X, y


def _centre(
    X: np.ndarray, y: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    x_mean = X.mean(axis=0)
    y_mean = float(y.mean())
    return X - x_mean, y - y_mean, x_mean, y_mean


def ridge(X: Any, y: Any, alpha: float) -> LinearFit:
    """Ridge regression (L2 penalty) by its closed form, with an unpenalised intercept.

    Minimises ``||y - X b - b0||^2 + alpha * ||b||_2^2``, scikit-learn's
    ``Ridge(alpha)`` objective. Centring ``X`` and ``y`` removes the intercept; the
    slopes solve ``(Xc' Xc + alpha I) b = Xc' yc`` and the intercept is
    ``mean(y) - mean(X) @ b``. With ``alpha = 0`` this is ordinary least squares (the
    minimum-norm solution when ``Xc`` is rank deficient).

    Args:
        X: ``(n, p)`` finite design matrix, ``n >= 2``.
        y: ``n`` finite responses.
        alpha: penalty strength, ``>= 0``.

    Raises:
        ValueError: if shapes do not match, values are NaN or infinite, or ``alpha`` is
            negative.
        TypeError: if the inputs are not numeric.
    """
    X, y = _check_xy(X, y)
    alpha = check_real(alpha, "alpha", minimum=0.0)
    Xc, yc, x_mean, y_mean = _centre(X, y)
    if alpha == 0.0:
        coef = np.linalg.lstsq(Xc, yc, rcond=None)[0]
    else:
        gram = Xc.T @ Xc
        gram[np.diag_indices_from(gram)] += alpha
        coef = np.linalg.solve(gram, Xc.T @ yc)
    return LinearFit(intercept_=y_mean - float(x_mean @ coef), coef_=coef, alpha=alpha)


def lasso_alpha_max(X: Any, y: Any) -> float:
    """The smallest ``alpha`` at which :func:`lasso` sets every coefficient to zero:
    ``max |Xc' yc| / n``.

    At ``b = 0`` the subgradient condition of the lasso objective holds exactly when
    ``|x_j' yc| / n <= alpha`` for every centred column ``x_j``.
    """
    X, y = _check_xy(X, y)
    Xc, yc, _, _ = _centre(X, y)
    return float(np.max(np.abs(Xc.T @ yc)) / X.shape[0])


def _soft_threshold(z: float, t: float) -> float:
    """``sign(z) * max(|z| - t, 0)``: the lasso's one-dimensional solution."""
    if z > t:
        return z - t
    if z < -t:
        return z + t
    return 0.0


def _duality_gap(
    Xc: np.ndarray, yc: np.ndarray, coef: np.ndarray, resid: np.ndarray, alpha: float
) -> float:
    """Duality gap of ``(1/2n)||r||^2 + alpha ||b||_1`` at ``coef`` (residual
    ``resid``); always ``>= 0``.

    The dual point is the residual scaled into the feasible set
    ``|Xc' theta|_inf <= n alpha``.
    """
    n = Xc.shape[0]
    corr_max = float(np.max(np.abs(Xc.T @ resid)))
    scale = 1.0 if corr_max <= n * alpha else n * alpha / corr_max
    r2 = float(resid @ resid)
    gap = (
        0.5 * r2 * (1.0 + scale**2)
        + n * alpha * float(np.sum(np.abs(coef)))
        - scale * float(resid @ yc)
    )
    return max(gap, 0.0) / n


def _sweep(
    columns: list[np.ndarray],
    col_sq: np.ndarray,
    resid: np.ndarray,
    coef: np.ndarray,
    alpha: float,
    order: Any,
) -> float:
    """One cyclic pass over the coordinates in ``order``; updates ``coef`` and ``resid``
    in place.

    Returns the largest absolute change of a coefficient in the pass.
    """
    n = resid.shape[0]
    max_change = 0.0
    for j in order:
        x_j, c_j, old = columns[j], float(col_sq[j]), float(coef[j])
        # correlation of x_j with the partial residual (the residual with feature j left
        # out), over n
        rho = float(x_j @ resid) / n + c_j * old
        new = _soft_threshold(rho, alpha) / c_j
        if new != old:
            _axpy(x_j, resid, a=old - new)  # resid += (old - new) * x_j, in place
            coef[j] = new
            max_change = max(max_change, abs(new - old))
    return max_change


def _coordinate_descent(
    Xc: np.ndarray,
    yc: np.ndarray,
    alpha: float,
    coef: np.ndarray,
    tol: float,
    max_iter: int,
) -> tuple[np.ndarray, int, float, bool]:
    """Cyclic coordinate descent on centred data from the warm start ``coef`` (modified
    in place).

    glmnet's active-set strategy: a full sweep over every coordinate, then sweeps over
    the nonzero coefficients only until they settle, then a full sweep again; the
    duality gap after each full sweep decides convergence. Every sweep, full or
    active-only, counts as one iteration.
    """
    n, p = Xc.shape
    col_sq = (
        np.einsum("ij,ij->j", Xc, Xc) / n
    )  # x_j' x_j / n, the curvature along coordinate j
    usable = np.flatnonzero(
        col_sq > 0.0
    )  # a constant column can never help: its coefficient stays 0
    coef[col_sq == 0.0] = 0.0
    resid = yc - Xc @ coef
    gap_tol = tol * float(yc @ yc) / n  # the same scaling of tol as scikit-learn's
    Xf = np.asfortranarray(
        Xc
    )  # contiguous columns, so the in-place BLAS update touches no copy
    columns = [Xf[:, j] for j in range(p)]
    gap = np.inf
    sweeps = 0
    while sweeps < max_iter:
        _sweep(columns, col_sq, resid, coef, alpha, usable)
        sweeps += 1
        gap = _duality_gap(Xc, yc, coef, resid, alpha)
        if gap <= gap_tol:
            return coef, sweeps, gap, True
        active = np.flatnonzero(coef)
        while sweeps < max_iter and active.size:
            change = _sweep(columns, col_sq, resid, coef, alpha, active)
            sweeps += 1
            if change <= tol * max(float(np.max(np.abs(coef))), 1e-300):
                break
    return coef, max_iter, gap, False


def _check_cd_args(alpha: Any, tol: Any, max_iter: Any) -> tuple[float, float, int]:
    alpha = check_real(alpha, "alpha", minimum=0.0)
    tol = check_real(tol, "tol", minimum=0.0, strict=True)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    return alpha, tol, max_iter


def lasso(
    X: Any, y: Any, alpha: float, *, tol: float = 1e-8, max_iter: int = 10_000
) -> LinearFit:
    """The lasso (L1 penalty) by cyclic coordinate descent with soft-thresholding,
    unpenalised intercept.

    Minimises ``(1 / (2 n)) * ||y - X b - b0||^2 + alpha * ||b||_1``, scikit-learn's
    ``Lasso(alpha)`` objective. On centred data each coordinate in turn gets its exact
    one-dimensional minimiser, ``b_j = S(x_j' r_j / n, alpha) / (x_j' x_j / n)``, where
    ``r_j`` is the residual without feature ``j`` and
    ``S(z, t) = sign(z) max(|z| - t, 0)`` is soft-thresholding: this is what makes
    coefficients exactly zero. Sweeps stop when the duality gap, an upper bound on how
    far the objective is from its minimum, is at most ``tol * ||yc||^2 / n``
    (scikit-learn's criterion).

    Args:
        X: ``(n, p)`` finite design matrix, ``n >= 2``.
        y: ``n`` finite responses.
        alpha: penalty strength, ``>= 0``; from :func:`lasso_alpha_max` upwards every
            coefficient is 0.
        tol: relative duality-gap tolerance, ``> 0``.
        max_iter: maximum number of sweeps, ``>= 1``: full sweeps over all coordinates
            and the active-set sweeps between them both count.

    Returns:
        A :class:`LinearFit` with ``n_iter`` (sweeps used) and ``dual_gap``. If the gap
        is still above the tolerance after ``max_iter`` sweeps a
        :class:`ConvergenceWarning` is issued.

    Raises:
        ValueError: if shapes do not match, values are NaN or infinite, ``alpha`` is
            negative, ``tol`` is not positive or ``max_iter`` is below 1.
        TypeError: if the inputs are not numeric or ``max_iter`` is not an integer.
    """
    X, y = _check_xy(X, y)
    alpha, tol, max_iter = _check_cd_args(alpha, tol, max_iter)
    Xc, yc, x_mean, y_mean = _centre(X, y)
    coef, n_iter, gap, converged = _coordinate_descent(
        Xc, yc, alpha, np.zeros(X.shape[1]), tol, max_iter
    )
    if not converged:
        _warn_not_converged(alpha, max_iter, gap)
    return LinearFit(y_mean - float(x_mean @ coef), coef, alpha, n_iter, gap)


def lasso_path(
    X: Any,
    y: Any,
    alphas: Any = None,
    *,
    n_alphas: int = 100,
    eps: float = 1e-3,
    tol: float = 1e-8,
    max_iter: int = 10_000,
) -> LassoPath:
    """Lasso solutions along a grid of ``alphas``, largest first, each warm-started from
    the previous one.

    Without ``alphas`` the grid is ``n_alphas`` values spaced evenly on a log scale from
    :func:`lasso_alpha_max` (all coefficients zero) down to ``eps`` times it, as in
    scikit-learn and glmnet. Warm starts begin each fit near its solution, so the path
    costs fewer sweeps than fitting every alpha from zero (though many more than one
    fit).

    Raises:
        ValueError: as :func:`lasso`, and if ``alphas`` is empty, not 1-D, or has a
            negative value, or if ``n_alphas < 1`` or ``eps`` is not in (0, 1).
    """
    X, y = _check_xy(X, y)
    _, tol, max_iter = _check_cd_args(0.0, tol, max_iter)
    Xc, yc, x_mean, y_mean = _centre(X, y)
    a_max = float(np.max(np.abs(Xc.T @ yc)) / X.shape[0])
    if alphas is None:
        n_alphas = check_int(n_alphas, "n_alphas", minimum=1)
        eps = check_real(eps, "eps", minimum=0.0, strict=True)
        if eps >= 1.0:
            raise ValueError(f"eps must be in (0, 1); got {eps:g}")
        grid = a_max * np.logspace(0.0, np.log10(eps), n_alphas)
    else:
        grid = as_vector(alphas, "alphas")
        if np.any(grid < 0):
            raise ValueError(f"alphas must all be >= 0; the smallest is {grid.min():g}")
        grid = np.sort(grid)[::-1]
    coefs = np.zeros((grid.size, X.shape[1]))
    n_iter = np.zeros(grid.size, dtype=int)
    coef = np.zeros(X.shape[1])
    for k, a in enumerate(grid):
        if a >= a_max:
            # The KKT conditions make every coefficient exactly zero from alpha_max up;
            # coordinate descent would land there only up to the rounding of its dot
            # products.
            continue
        coef, n_iter[k], gap, converged = _coordinate_descent(
            Xc, yc, float(a), coef, tol, max_iter
        )
        if not converged:
            _warn_not_converged(float(a), max_iter, gap)
        coefs[k] = coef
    return LassoPath(grid, coefs, y_mean - coefs @ x_mean, n_iter)


def _warn_not_converged(alpha: float, max_iter: int, gap: float) -> None:
    warnings.warn(
        f"lasso with alpha={alpha:g} did not converge in max_iter={max_iter} sweeps "
        f"(duality gap {gap:.3g}); raise max_iter, loosen tol, or standardise X",
        ConvergenceWarning,
        stacklevel=3,
    )


def enet_alpha_grid(
    X: Any, y: Any, *, l1_ratio: float = 1.0, n_alphas: int = 100, eps: float = 1e-3
) -> np.ndarray:
    """The usual elastic-net strength grid, largest first.

    ``n_alphas`` values evenly spaced on a log scale from ``alpha_max / l1_ratio``
    (:func:`lasso_alpha_max`, divided by the L1 share: from there up every
    coefficient of scikit-learn's ``ElasticNet(alpha, l1_ratio)`` is 0) down to ``eps``
    times it, as scikit-learn and glmnet build it.

    Raises:
        ValueError: as :func:`lasso_alpha_max`, or if ``l1_ratio`` is not in (0, 1],
            ``n_alphas < 1`` or ``eps`` is not in (0, 1).
    """
    l1_ratio = check_real(l1_ratio, "l1_ratio", minimum=0.0, strict=True)
    if l1_ratio > 1.0:
        raise ValueError(f"l1_ratio must be in (0, 1]; got {l1_ratio:g}")
    n_alphas = check_int(n_alphas, "n_alphas", minimum=1)
    eps = check_real(eps, "eps", minimum=0.0, strict=True)
    if eps >= 1.0:
        raise ValueError(f"eps must be in (0, 1); got {eps:g}")
    return lasso_alpha_max(X, y) / l1_ratio * np.logspace(0.0, np.log10(eps), n_alphas)


def cv_path_errors(
    X: Any,
    y: Any,
    folds: Any,
    alphas: Any,
    *,
    l1_ratio: float = 1.0,
    standardise: bool = False,
) -> np.ndarray:
    """Validation mean squared error of a whole penalty path on each fold.

    On every fold the training rows alone are centred (and, with ``standardise``,
    scaled to unit standard deviation: no validation row informs a mean or a standard
    deviation, the leak a pipeline that standardises once outside the folds has); the
    path is fitted on them and scored on the fold's validation rows.

    - ``l1_ratio = 0``: ridge in :func:`ridge`'s units (``||r||^2 + alpha ||b||^2``),
      every ``alpha`` from one SVD of the training block.
    - ``0 < l1_ratio <= 1``: scikit-learn's elastic net
      (``||r||^2 / (2n) + alpha (l1_ratio ||b||_1 + (1 - l1_ratio) ||b||^2 / 2)``;
      ``1`` is the lasso), by ``sklearn.linear_model.enet_path`` on the Gram matrix.

    Args:
        X: ``(n, p)`` finite design matrix.
        y: ``n`` finite responses.
        folds: ``(train, validation)`` pairs of row indices, such as :func:`kfold`
            returns; at least two folds, each train part with two or more rows.
        alphas: the strengths, 1-D, every one ``> 0``.
        l1_ratio: the L1 share, in [0, 1].
        standardise: scale the columns inside each fold as well as centre them.

    Returns:
        ``(len(alphas), len(folds))`` validation errors, ready for
        :func:`dsinterview.resampling.one_se_rule`.

    Raises:
        TypeError: if an input is not numeric, or ``folds`` is not a sequence of pairs.
        ValueError: if shapes do not match, a fold index is out of range or a part is
            too small, a strength is not positive, ``l1_ratio`` is not in [0, 1], or a
            column is constant on a fold's training rows when ``standardise`` is set.
    """
    from sklearn.linear_model import enet_path

    X, y = _check_xy(X, y)
    grid = as_vector(alphas, "alphas")
    if np.any(grid <= 0):
        raise ValueError(f"alphas must all be > 0; the smallest is {grid.min():g}")
    l1_ratio = check_real(l1_ratio, "l1_ratio", minimum=0.0)
    if l1_ratio > 1.0:
        raise ValueError(f"l1_ratio must be in [0, 1]; got {l1_ratio:g}")
    pairs = _check_folds(folds, X.shape[0])
    out = np.zeros((grid.size, len(pairs)))
    for k, (tr, va) in enumerate(pairs):
        x_mean, y_mean = X[tr].mean(axis=0), y[tr].mean()
        scale = np.ones(X.shape[1])
        if standardise:
            scale = X[tr].std(axis=0)
            flat = np.flatnonzero(scale == 0)
            if flat.size:
                raise ValueError(
                    f"column(s) {flat.tolist()} are constant on the training rows of "
                    f"fold {k}, so they cannot be standardised; drop them or do not "
                    "standardise"
                )
        X_tr, X_va = (X[tr] - x_mean) / scale, (X[va] - x_mean) / scale
        yc = y[tr] - y_mean
        if l1_ratio == 0.0:
            U, d, Vt = np.linalg.svd(X_tr, full_matrices=False)
            coefs = Vt.T @ ((d / (d**2 + grid[:, None])) * (U.T @ yc)).T
        else:
            Xf = np.asfortranarray(X_tr)
            coefs = enet_path(
                Xf,
                yc,
                l1_ratio=l1_ratio,
                alphas=grid,
                precompute=Xf.T @ Xf,
                Xy=Xf.T @ yc,
                max_iter=100_000,
                check_input=False,
            )[1]
        out[:, k] = np.mean((y[va][:, None] - y_mean - X_va @ coefs) ** 2, axis=0)
    return out


def _check_folds(folds: Any, n: int) -> list[tuple[np.ndarray, np.ndarray]]:
    try:
        pairs = [(np.asarray(tr), np.asarray(va)) for tr, va in folds]
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"folds must be a sequence of (train, validation) index pairs: {exc}"
        ) from exc
    if len(pairs) < 2:
        raise ValueError(f"folds must hold at least 2 folds; got {len(pairs)}")
    for k, (tr, va) in enumerate(pairs):
        for part, idx, least in (("train", tr, 2), ("validation", va, 1)):
            if idx.ndim != 1 or not np.issubdtype(idx.dtype, np.integer):
                raise TypeError(
                    f"fold {k}'s {part} indices must be a 1-D integer array; got dtype "
                    f"{idx.dtype} and shape {idx.shape}"
                )
            if idx.size < least:
                raise ValueError(
                    f"fold {k}'s {part} part must hold at least {least} rows; got "
                    f"{idx.size}"
                )
            if idx.min() < 0 or idx.max() >= n:
                raise ValueError(
                    f"fold {k}'s {part} indices must lie in 0..{n - 1}; got "
                    f"{idx.min()}..{idx.max()}"
                )
    return pairs
