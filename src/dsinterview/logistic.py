"""Binary logistic regression fitted by Newton's method (iteratively reweighted least
squares).

The model is ``P(y = 1 | x) = sigmoid(x @ beta)``. The log-likelihood

    l(beta) = sum_i [ y_i * eta_i - log(1 + exp(eta_i)) ],   eta = X @ beta,

is concave with gradient ``X.T @ (y - p)`` and Hessian ``-X.T @ W @ X``,
``W = diag(p * (1 - p))``. Newton's step ``beta += (X.T W X)^{-1} X.T (y - p)`` is a
weighted least-squares fit of the "working response" ``z = eta + (y - p) / (p (1 - p))``
on ``X`` with weights ``W``: hence IRLS.

The maximum-likelihood estimate exists (is finite) only when the two classes overlap.
When some direction ``b != 0`` has ``(2 y_i - 1) x_i @ b >= 0`` for every row (complete
or quasi-complete separation, Albert & Anderson 1984), the likelihood keeps rising as
``beta`` runs off along ``b`` and there is no maximum. :func:`fit_newton` checks for
this *before* iterating, with the linear program of :func:`check_separation`, and
refuses with :class:`SeparationError` instead of returning huge numbers.

:func:`reliability_table` checks the other promise a logistic model makes, that its
probabilities are probabilities: the observed rate against the mean prediction in bins
of the prediction, with an interval on each bin.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import linalg, optimize, sparse
from scipy.special import expit
from statsmodels.stats.proportion import proportion_confint

from dsinterview._validate import (
    as_matrix,
    as_scores_labels,
    as_vector,
    check_int,
    check_real,
)

__all__ = [
    "LogisticFit",
    "SeparationError",
    "check_separation",
    "fit_newton",
    "reliability_table",
]


class SeparationError(ValueError):
    """The classes are completely or quasi-completely separated: the maximum-likelihood
    estimate does not exist (at least one coefficient is infinite). Regularise, drop or
    merge the separating feature, or use a bias-reduced (Firth) fit.

    Attributes:
        separated: boolean mask of the observations that a linear rule classifies
            perfectly.
        n_separated: how many there are (both ``None`` if the error was raised without a
            mask).
    """

    def __init__(self, message: str, separated: np.ndarray | None = None) -> None:
        super().__init__(message)
        self.separated = separated
        self.n_separated = None if separated is None else int(separated.sum())


@dataclass(frozen=True)
class LogisticFit:
    """The result of :func:`fit_newton`.

    Attributes:
        params: the estimated coefficients, the intercept first when
            ``fit_intercept=True``.
        bse: their standard errors, the square roots of the diagonal of ``cov_params``.
        cov_params: the inverse of the observed information ``X.T @ W @ X`` at the
            estimate.
        llf: the maximised log-likelihood.
        n_iter: the number of Newton steps taken.
        fit_intercept: whether ``params[0]`` is an intercept (a column of ones prepended
            to ``X``).
    """

    params: np.ndarray
    bse: np.ndarray
    cov_params: np.ndarray
    llf: float
    n_iter: int
    fit_intercept: bool

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        """The linear predictor (log-odds) ``eta = b0 + X @ b`` for the rows of ``X``
        (no intercept column)."""
        n_features = self.params.size - int(self.fit_intercept)
        X = as_matrix(X, "X")
        if X.shape[1] != n_features:
            raise ValueError(
                f"X has {X.shape[1]} columns but the model was fitted on "
                f"{n_features}; they must match"
            )
        if self.fit_intercept:
            return self.params[0] + X @ self.params[1:]
        return X @ self.params

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """``P(y = 1 | x)`` for each row of ``X``, a 1-D array of values in [0, 1].

        ``X`` has the same columns as at fit time, without the intercept column.
        """
        return expit(self.decision_function(X))


def _design(X: np.ndarray, fit_intercept: bool) -> np.ndarray:
    return np.column_stack([np.ones(X.shape[0]), X]) if fit_intercept else X


def _validate(
    X: object, y: object, fit_intercept: object
) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(fit_intercept, bool):
        raise TypeError(
            f"fit_intercept must be True or False; got {type(fit_intercept).__name__}"
        )
    X = as_matrix(X, "X")
    y = as_vector(y, "y", n=X.shape[0])
    bad = ~np.isin(y, (0.0, 1.0))
    if bad.any():
        values = np.unique(y[bad])[:5]
        raise ValueError(
            f"y must be binary, coded 0/1; it has {int(bad.sum())} other values, "
            f"e.g. {values.tolist()}"
        )
    if y.min() == y.max():
        raise ValueError(
            f"y must contain both classes 0 and 1; every entry is {int(y[0])}, so "
            "the MLE does not exist"
        )
    return X, y


def check_separation(
    X: np.ndarray, y: np.ndarray, *, fit_intercept: bool = True
) -> tuple[int, np.ndarray]:
    """Which observations some linear rule classifies perfectly (complete or
    quasi-complete separation).

    With ``S`` the rows ``s_i x_i``, ``s_i = 2 y_i - 1``, the data are separated when
    some ``b != 0`` has ``S b >= 0``; the MLE is then infinite along ``b`` (Albert &
    Anderson 1984). By the Goldman-Tucker theorem every observation is of exactly one of
    two kinds: *separable* (some ``b`` with ``S b >= 0`` has ``s_i x_i @ b > 0``) or
    *overlapping* (some ``lam >= 0`` with ``S.T @ lam = 0`` has ``lam_i > 0``). The
    linear program (in the spirit of Konis 2007)

        maximise    sum_i v_i
        subject to  S.T @ lam = 0,   lam >= 0,   0 <= v_i <= min(lam_i, 1),

    finds the largest overlapping set (the ``lam`` form a cone, so they can be scaled
    until every overlapping ``v_i = 1``); the rest are separated. None are when the
    classes overlap (the MLE exists, given ``X`` of full column rank); all are under
    complete separation; some under quasi-complete separation. A cheaper feasibility LP
    (``S.T @ lam = 0`` with every ``lam >= 1``) settles the common no-separation case
    first. Columns are rescaled to a maximum absolute value of 1, which does not change
    separability and keeps the LP well conditioned.

    Returns:
        ``(n_separated, separated)``: how many observations are perfectly predicted, and
        a boolean mask of them.
    """
    X, y = _validate(X, y, fit_intercept)
    D = _design(X, fit_intercept)
    if _classes_overlap(D, y):
        return 0, np.zeros(D.shape[0], dtype=bool)
    separated = _separated_mask(D, y)
    return int(separated.sum()), separated


def _scaled_signed_rows(D: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Rows ``s_i x_i`` with columns rescaled to a maximum absolute value of 1
    (separability is unchanged)."""
    scale = np.abs(D).max(axis=0)
    scale[scale == 0] = 1.0
    return (2.0 * y - 1.0)[:, None] * (D / scale)


def _classes_overlap(D: np.ndarray, y: np.ndarray) -> bool:
    """True when no separating direction exists, by Stiemke's theorem of the
    alternative: either some ``b`` has ``S b >= 0, S b != 0`` (separation), or some
    ``lam > 0`` has ``S.T @ lam = 0``, never both. The second is a feasibility LP with
    only ``p`` equality rows, far cheaper than searching for ``b``."""
    S = _scaled_signed_rows(D, y)
    n, p = S.shape
    res = optimize.linprog(
        np.zeros(n), A_eq=S.T, b_eq=np.zeros(p), bounds=(1.0, None), method="highs"
    )
    return res.status == 0


def _separated_mask(D: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The observations outside the largest overlapping set (see
    :func:`check_separation`)."""
    S = _scaled_signed_rows(D, y)
    n, p = S.shape
    eye = sparse.identity(n, format="csr")
    A_eq = sparse.hstack(
        [sparse.csr_matrix(S.T), sparse.csr_matrix((p, n))], format="csr"
    )  # S' lam = 0
    A_ub = sparse.hstack([-eye, eye], format="csr")  # v - lam <= 0
    c = np.concatenate([np.zeros(n), -np.ones(n)])  # maximise sum v
    bounds = [(0.0, None)] * n + [(0.0, 1.0)] * n
    res = optimize.linprog(
        c,
        A_ub=A_ub,
        b_ub=np.zeros(n),
        A_eq=A_eq,
        b_eq=np.zeros(p),
        bounds=bounds,
        method="highs",
    )
    # not covered: feasible (lam = v = 0) and bounded (v <= 1), so only numerics
    if res.status != 0:  # pragma: no cover
        raise RuntimeError(
            f"the separation check's linear program failed: {res.message}"
        )
    return res.x[n:] < 0.5


def fit_newton(
    X: np.ndarray,
    y: np.ndarray,
    *,
    fit_intercept: bool = True,
    tol: float = 1e-10,
    max_iter: int = 100,
) -> LogisticFit:
    """Maximum-likelihood logistic regression by Newton's method (IRLS), with standard
    errors.

    Each iteration solves ``(X.T W X) step = X.T (y - p)`` by Cholesky and halves the
    step while the log-likelihood would fall (a safeguard; a full step is nearly always
    taken). It stops when the largest absolute change in a coefficient is below ``tol``.
    Standard errors are the square roots of the diagonal of ``(X.T W X)^{-1}`` at the
    estimate, as in statsmodels' ``Logit``.

    Before iterating it refuses data for which no finite MLE exists. With ``S`` the rows
    ``(2 y_i - 1) x_i``, Stiemke's theorem says exactly one of two things holds: some
    ``b`` has ``S b >= 0`` and ``S b != 0`` (separation), or some strictly positive
    ``lam`` has ``S.T @ lam = 0`` (overlap). The second is a small feasibility LP (``p``
    equality rows, ``lam >= 1``); if it is infeasible, the LP of
    :func:`check_separation` counts the perfectly classified observations for the
    message. This is exact where watching the iterations is not: coefficients that "run
    off" and fitted probabilities that reach 0 or 1 are symptoms that depend on ``tol``,
    ``max_iter`` and floating point, whereas the LP answers the existence question
    (Albert & Anderson 1984) directly.

    Args:
        X: ``(n, k)`` features, without an intercept column when ``fit_intercept=True``.
        y: ``n`` outcomes coded 0/1, both classes present.
        fit_intercept: prepend a column of ones; ``params[0]`` is then the intercept.
        tol: convergence tolerance on the largest coefficient change (positive).
        max_iter: the most Newton steps to take (at least 1).

    Raises:
        SeparationError: (a ``ValueError``) under complete or quasi-complete separation.
        ValueError: NaN or infinite values, mismatched lengths, ``y`` not 0/1 or of one
            class, collinear columns (including a column of ones together with
            ``fit_intercept=True``), or no convergence within ``max_iter`` steps.
        TypeError: non-numeric input or arguments of the wrong type.
    """
    X, y = _validate(X, y, fit_intercept)
    tol = check_real(tol, "tol", minimum=0.0, strict=True)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    D = _design(X, fit_intercept)
    n, p = D.shape
    rank = np.linalg.matrix_rank(D)
    if rank < p:
        hint = (
            " (X has a constant column and fit_intercept=True adds another)"
            if fit_intercept and np.any(np.ptp(X, axis=0) == 0)
            else ""
        )
        raise ValueError(
            f"the design matrix has {p} columns but rank {rank}: some columns are "
            f"exact linear combinations of others{hint}; drop or merge them so that "
            "each coefficient is identified"
        )
    if not _classes_overlap(D, y):
        separated = _separated_mask(D, y)
        n_separated = int(separated.sum())
        kind = "complete" if n_separated == n else "quasi-complete"
        raise SeparationError(
            f"{kind} separation: a linear rule classifies {n_separated} of the {n} "
            "observations perfectly, so the maximum-likelihood estimate does not "
            "exist (the likelihood keeps rising as some coefficients go to "
            "infinity). Regularise (e.g. L2), drop or merge the separating feature, "
            "or use Firth's bias-reduced fit.",
            separated,
        )

    def loglik(beta: np.ndarray) -> float:
        eta = D @ beta
        return float(np.sum(y * eta - np.logaddexp(0.0, eta)))

    beta = np.zeros(p)
    llf = loglik(beta)
    for it in range(1, max_iter + 1):
        prob = expit(D @ beta)
        w = prob * (1.0 - prob)
        info = D.T @ (w[:, None] * D)  # X' W X, minus the Hessian
        step = linalg.cho_solve(linalg.cho_factor(info), D.T @ (y - prob))
        t = 1.0
        while True:
            candidate = beta + t * step
            ll_new = loglik(candidate)
            if ll_new >= llf - 1e-12 * (1.0 + abs(llf)) or t < 1e-10:
                break
            t /= 2.0
        beta, llf = candidate, ll_new
        if np.max(np.abs(t * step)) < tol:
            break
    else:
        raise ValueError(
            f"Newton's method did not converge in max_iter={max_iter} steps "
            f"(tol={tol:g}); raise max_iter or tol"
        )
    prob = expit(D @ beta)
    w = prob * (1.0 - prob)
    cov = linalg.inv(D.T @ (w[:, None] * D))
    cov = (cov + cov.T) / 2.0
    return LogisticFit(
        params=beta,
        bse=np.sqrt(np.diag(cov)),
        cov_params=cov,
        llf=llf,
        n_iter=it,
        fit_intercept=fit_intercept,
    )


def reliability_table(
    probabilities: Any, labels: Any, *, bins: int = 10, level: float = 0.95
) -> pd.DataFrame:
    """The reliability (calibration) table: observed rate against mean prediction in
    ``bins`` quantile bins of the prediction, with a Wilson interval on each rate.

    The bins are those of scikit-learn's ``calibration_curve`` with
    ``strategy="quantile"``: edges at the ``0, 1/bins, ..., 1`` quantiles of the
    predictions, each bin closed on the right, empty bins (from tied predictions)
    dropped. A calibrated model's mean
    prediction lies inside most bins' intervals; a bin whose interval misses it is
    evidence of miscalibration at that level of risk.

    Returns:
        A DataFrame with a row per non-empty bin, lowest predictions first, indexed by
        ``bin`` (0, 1, ...) with columns ``predicted`` (the mean prediction in the bin),
        ``observed`` (the share of labels equal to 1), ``low`` and ``high`` (the
        ``level`` Wilson interval of ``observed``), ``positives`` and ``count``.

    Raises:
        TypeError: if the inputs are not numeric or ``bins`` is not an integer.
        ValueError: if the lengths differ, a probability is NaN or outside [0, 1],
            labels are not 0/1, ``bins`` is not in 1..len(probabilities), or ``level``
            is not in (0, 1).
    """
    try:
        p, y = as_scores_labels(probabilities, labels)
    except (TypeError, ValueError) as exc:  # name the argument as the caller knows it
        raise type(exc)(str(exc).replace("scores", "probabilities")) from exc
    if np.any((p < 0) | (p > 1)):
        raise ValueError("probabilities must lie in [0, 1]")
    bins = check_int(bins, "bins", minimum=1)
    if bins > p.size:
        raise ValueError(f"bins = {bins} exceeds the {p.size} predictions")
    level = check_real(level, "level", minimum=0.0, strict=True)
    if level >= 1.0:
        raise ValueError(f"level must be in (0, 1); got {level:g}")
    edges = np.percentile(p, np.linspace(0, 100, bins + 1))
    which = np.searchsorted(edges[1:-1], p)
    count = np.bincount(which, minlength=bins)
    positives = np.bincount(which, weights=y, minlength=bins)
    total = np.bincount(which, weights=p, minlength=bins)
    keep = count > 0
    count, positives, total = count[keep], positives[keep], total[keep]
    low, high = proportion_confint(positives, count, alpha=1 - level, method="wilson")
    return pd.DataFrame(
        {
            "predicted": total / count,
            "observed": positives / count,
            "low": low,
            "high": high,
            "positives": positives.astype(int),
            "count": count,
        },
        index=pd.RangeIndex(count.size, name="bin"),
    )
