"""Learners on an event stream, scored prequentially: every model is the one that stands
*before* an event arrives.

- :func:`online_logistic_paths`: online (one event at a time) logistic SGD on one stream
  or on many streams at once, the model before every event.
- :func:`logistic_fit_lbfgs`: the batch fit, maximum likelihood by L-BFGS.
- :func:`windowed_refit_models`: the batch model production actually runs, refitted
  every ``every`` events on the last ``window`` events.
- :func:`recovery_time`: how many events after a change a learner needs to err about as
  rarely as a reference (the Bayes rule).
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Real
from typing import Any

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit

from dsinterview._validate import as_matrix, as_vector, check_int, check_real

__all__ = [
    "logistic_fit_lbfgs",
    "online_logistic_paths",
    "recovery_time",
    "windowed_refit_models",
]


def _check_binary(y: np.ndarray, name: str = "y") -> None:
    if not np.all((y == 0.0) | (y == 1.0)):
        raise ValueError(f"{name} must hold binary labels coded 0 and 1")


def _check_w0(w0: Any, d: int) -> np.ndarray:
    if w0 is None:
        return np.zeros(d)
    w = as_vector(w0, "w0").copy()
    if w.shape[0] != d:
        raise ValueError(
            f"w0 has {w.shape[0]} entries but X has {d} columns; they must match"
        )
    return w


def online_logistic_paths(X: Any, y: Any, lr: Any, *, w0: Any = None) -> np.ndarray:
    """Online logistic regression by SGD, one update per event in arrival order.

    The update after event ``t`` is ``w <- w - lr_t * (sigmoid(x_t . w) - y_t) * x_t``:
    the iterates of ``gradient_descent(logistic_grad, w0, X, y, lr=lr, epochs=1,
    batch_size=1, shuffle=False)``. Several independent streams of the same length can
    be run at once (``X`` of shape ``(R, n, d)``): the loop over events is shared and
    each step is vectorised across the streams.

    Args:
        X: the events' features, ``(n, d)`` for one stream or ``(R, n, d)`` for ``R``.
        y: the 0/1 labels, ``(n,)`` or ``(R, n)``.
        lr: a positive step, or a callable ``lr(t)`` of the number of updates made so
            far (``t = 0`` first) returning a positive step.
        w0: the starting model, ``d`` entries (zeros by default), shared by the streams.

    Returns:
        ``W`` of shape ``(n + 1, d)`` (or ``(R, n + 1, d)``): ``W[t]`` is the model
        before event ``t`` (``W[0] = w0``), ``W[n]`` the model after the whole stream.

    Raises:
        TypeError: if ``X`` or ``y`` are not numeric, or ``lr`` is neither a number nor
            a callable (or the schedule returns something that is not a number).
        ValueError: if the shapes do not match, the data are not finite, ``y`` is not
            0/1, or a step is not positive.
    """
    arr = np.asarray(X, dtype=float) if not isinstance(X, np.ndarray) else X
    if arr.ndim == 2:
        Xs = as_matrix(arr, "X")[None]
        ys = as_vector(y, "y", n=Xs.shape[1])[None]
        single = True
    elif arr.ndim == 3:
        Xs = np.asarray(arr, dtype=float)
        if 0 in Xs.shape or not np.all(np.isfinite(Xs)):
            raise ValueError("X must be non-empty and finite")
        ys = np.asarray(y, dtype=float)
        if ys.shape != Xs.shape[:2]:
            raise ValueError(
                f"y must have shape {Xs.shape[:2]} (streams, events) to match X "
                f"{Xs.shape}; got {ys.shape}"
            )
        single = False
    else:
        raise ValueError(
            "X must be (n_events, n_features) or (n_streams, n_events, n_features); "
            f"got an array of shape {arr.shape}"
        )
    _check_binary(ys)
    step = _schedule(lr)
    R, n, d = Xs.shape
    W = np.empty((R, n + 1, d))
    w = np.broadcast_to(_check_w0(w0, d), (R, d)).copy()
    W[:, 0] = w
    for t in range(n):
        x = Xs[:, t]
        residual = expit(np.einsum("rj,rj->r", x, w)) - ys[:, t]
        w -= step(t) * residual[:, None] * x
        W[:, t + 1] = w
    return W[0] if single else W


def _schedule(lr: Any) -> Callable[[int], float]:
    if callable(lr):

        def scheduled(t: int) -> float:
            value = lr(t)
            if isinstance(value, bool) or not isinstance(value, Real):
                raise TypeError(
                    f"the step-size schedule must return a real number; lr({t}) "
                    f"returned {type(value).__name__}"
                )
            if not np.isfinite(value) or value <= 0:
                raise ValueError(
                    f"the step-size schedule must return a positive number; "
                    f"lr({t}) = {value}"
                )
            return float(value)

        return scheduled
    if isinstance(lr, bool) or not isinstance(lr, Real):
        raise TypeError(
            f"lr must be a positive number or a callable lr(t); got {type(lr).__name__}"
        )
    value = check_real(lr, "lr", minimum=0.0, strict=True)
    return lambda t: value


def logistic_fit_lbfgs(
    X: Any, y: Any, *, w0: Any = None, tol: float = 1e-10
) -> np.ndarray:
    """Maximum-likelihood logistic regression (no penalty) by L-BFGS.

    Minimises the mean log loss ``mean(log(1 + exp(x . w)) - y x . w)`` with SciPy's
    L-BFGS-B, using the exact gradient. Put a column of ones in ``X`` for an intercept.
    With separable data the maximum-likelihood estimate does not exist and the
    coefficients grow until the tolerance stops them.

    Args:
        X: the design, ``(n, d)``.
        y: the 0/1 labels, ``n`` entries.
        w0: the starting point (zeros by default): a warm start from the last fit.
        tol: the tolerance on the projected gradient (``gtol``), positive.

    Returns:
        The fitted coefficients, ``d`` entries.

    Raises:
        TypeError: if the inputs are not numeric.
        ValueError: if the shapes do not match, the data are not finite, ``y`` is not
            0/1 or ``tol`` is not positive.
    """
    X = as_matrix(X, "X")
    y = as_vector(y, "y", n=X.shape[0])
    _check_binary(y)
    tol = check_real(tol, "tol", minimum=0.0, strict=True)
    w = _check_w0(w0, X.shape[1])
    n = X.shape[0]

    def value_and_grad(v: np.ndarray) -> tuple[float, np.ndarray]:
        z = X @ v
        return (
            float(np.mean(np.logaddexp(0.0, z) - y * z)),
            X.T @ (expit(z) - y) / n,
        )

    result = minimize(
        value_and_grad,
        w,
        jac=True,
        method="L-BFGS-B",
        options={"gtol": tol, "ftol": 0.0, "maxiter": 1000},
    )
    return np.asarray(result.x, dtype=float)


def windowed_refit_models(
    X: Any,
    y: Any,
    *,
    every: int,
    window: int,
    fit: Callable[[np.ndarray, np.ndarray], Any] = logistic_fit_lbfgs,
    w0: Any = None,
) -> np.ndarray:
    """A batch model retrained on a schedule: the model that stands before every event.

    At events ``every, 2 * every, ...`` the model is refitted with ``fit(X_w, y_w)`` on
    the events of the last ``window`` (``[t - window, t)``, fewer at the start of the
    stream) and then frozen until the next refit; before the first refit it is ``w0``.
    This is the baseline most production systems run: a batch model, retrained daily on
    the last weeks of data. Its lag after a sudden change is about
    ``every + window / 2`` events (the wait for the next refit, then until new events
    dominate the window).

    Args:
        X: the events' features in arrival order, ``(n, d)``.
        y: the labels, ``n`` entries (what ``fit`` expects; 0/1 for the default).
        every: events between refits, at least 1.
        window: events each refit uses, at least 1.
        fit: ``fit(X_window, y_window)`` returns ``d`` coefficients; by default
            :func:`logistic_fit_lbfgs`.
        w0: the model before the first refit (zeros by default).

    Returns:
        ``W`` of shape ``(n + 1, d)``: ``W[t]`` is the model before event ``t``;
        ``W[n]`` the model after the stream (refitted at ``n`` if ``n`` is a multiple of
        ``every``).

    Raises:
        TypeError: if ``every`` or ``window`` are not integers, or ``fit`` is not
            callable.
        ValueError: if they are below 1, the data are not finite or their shapes do not
            match, or ``fit`` returns the wrong number of coefficients.
    """
    X = as_matrix(X, "X")
    n, d = X.shape
    y = as_vector(y, "y", n=n)
    every = check_int(every, "every", minimum=1)
    window = check_int(window, "window", minimum=1)
    if not callable(fit):
        raise TypeError(
            "fit must be a callable fit(X, y) -> coefficients; "
            f"got {type(fit).__name__}"
        )
    W = np.empty((n + 1, d))
    W[:every] = _check_w0(w0, d)
    for t in range(every, n + 1, every):
        lo = max(0, t - window)
        coef = np.asarray(fit(X[lo:t], y[lo:t]), dtype=float)
        if coef.shape != (d,):
            raise ValueError(
                f"fit must return {d} coefficients, one per column of X; got an "
                f"array of shape {coef.shape}"
            )
        W[t : t + every] = coef  # frozen until the next refit
    return W


def recovery_time(
    errors: Any,
    reference: Any,
    *,
    start: int,
    window: int,
    tol: float,
) -> int | None:
    """Events after ``start`` until a learner errs about as rarely as a reference.

    The recovery time is the first ``k >= 0`` such that the learner's error rate over
    events ``[start + k, start + k + window)`` is at most the reference's error rate
    over the same events plus ``tol``. With the Bayes rule as the reference and
    ``start`` a change point, it says how long a learner takes to adapt. The window
    averages the 0/1 errors: the binomial standard error of an error rate ``p`` over
    ``window`` events is ``sqrt(p (1 - p) / window)``, and a ``tol`` of about that size
    makes a single stream's recovery time a noisy number (replicate it).

    Args:
        errors: the learner's 0/1 (or boolean) errors, one per event in arrival order.
        reference: the reference's errors on the same events.
        start: the first event counted (the change point), ``0 <= start``.
        window: events averaged ahead of each candidate time, at least 1, with
            ``start + window <= len(errors)``.
        tol: the margin above the reference's error rate, at least 0.

    Returns:
        The recovery time in events, or ``None`` if the learner never gets within
        ``tol`` before the stream ends.

    Raises:
        TypeError: if ``start`` or ``window`` are not integers or ``tol`` is not a
            number.
        ValueError: if the two error series differ in length or are not finite, or
            ``start``, ``window`` or ``tol`` are out of range.
    """
    e = as_vector(np.asarray(errors, dtype=float), "errors")
    r = as_vector(np.asarray(reference, dtype=float), "reference", n=e.size)
    start = check_int(start, "start", minimum=0)
    window = check_int(window, "window", minimum=1)
    tol = check_real(tol, "tol", minimum=0.0)
    if start + window > e.size:
        raise ValueError(
            f"start + window must be at most the number of events ({e.size}); got "
            f"{start} + {window}"
        )
    kernel = np.ones(window) / window
    ahead_e = np.convolve(e[start:], kernel, mode="valid")
    ahead_r = np.convolve(r[start:], kernel, mode="valid")
    # 1e-12: the moving averages are sums of floats; equal rates must compare equal.
    ok = np.flatnonzero(ahead_e <= ahead_r + tol + 1e-12)
    return int(ok[0]) if ok.size else None
