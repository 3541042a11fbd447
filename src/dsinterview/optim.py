"""Gradient descent in its three classic forms (batch, online, mini-batch) and the
losses the book uses it on.

:func:`gradient_descent` is one loop for all three: ``batch_size=None`` takes one step
per epoch on the whole data (batch descent), ``batch_size=1`` one step per example
(online, or stochastic, descent) and ``batch_size=k`` one step per mini-batch of ``k``
examples. The losses are means over the rows they are given, so the same gradient
function serves a batch of one row or of all of them:

- least squares, :func:`least_squares_loss` and :func:`least_squares_grad`:
  ``L(w) = (1 / 2n) * sum_i (x_i . w - y_i)^2``;
- logistic (log) loss for labels in {0, 1}, :func:`logistic_loss` and
  :func:`logistic_grad`:
  ``L(w) = (1 / n) * sum_i [log(1 + exp(x_i . w)) - y_i * x_i . w]``.

An intercept is a column of ones in ``X``; nothing is added behind the caller's back.
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Integral
from typing import Any

import numpy as np
from scipy.special import expit

from dsinterview._validate import as_matrix, as_vector, check_int, check_real

__all__ = [
    "gradient_descent",
    "least_squares_grad",
    "least_squares_loss",
    "logistic_grad",
    "logistic_loss",
]

GradFn = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
LossFn = Callable[[np.ndarray, np.ndarray, np.ndarray], float]


def gradient_descent(
    grad: GradFn,
    w0: Any,
    X: Any,
    y: Any,
    *,
    lr: float | Callable[[int], float],
    epochs: int,
    batch_size: int | None = None,
    shuffle: bool = True,
    seed: int | None = None,
    loss: LossFn | None = None,
    average: bool = False,
    callback: Callable[[int, np.ndarray], None] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Minimise a mean loss over the rows of ``(X, y)`` by batch, online or mini-batch
    gradient descent.

    Each epoch is one pass over the data. With ``batch_size=None`` an epoch is a single
    step on the full data; with ``batch_size=k`` the rows are split into consecutive
    batches of ``k`` (the last one holds the remaining ``n mod k`` rows, if any) and
    every batch makes one step ``w <- w - lr_t * grad(w, X_batch, y_batch)``.
    ``batch_size=1`` is online (stochastic) descent.

    Args:
        grad: ``grad(w, X_batch, y_batch)`` returns the gradient of the *mean* loss over
            the batch, an array of the same shape as ``w``.
        w0: the starting point, one entry per column of ``X``.
        X: the design matrix, ``(n_samples, n_features)``.
        y: the response, ``n_samples`` entries.
        lr: the step size: a positive float, or a callable ``lr(t)`` of the number ``t``
            of updates made so far (``t = 0`` for the first update) that returns a
            positive float, for a decaying schedule such as ``lambda t: a / (b + t)``.
        epochs: the number of passes over the data (at least 1).
        batch_size: ``None`` for full batch, ``1`` for online, ``k`` for mini-batches of
            ``k`` rows (``1 <= k <= n_samples``).
        shuffle: reshuffle the rows at the start of every epoch (ignored for full
            batch). Without it the rows are visited in the order given, every epoch.
        seed: seed of the ``numpy.random.Generator`` that shuffles; the same seed gives
            the same result.
        loss: optional ``loss(w, X, y)``, the mean loss. When given, ``history`` records
            the full-data loss; otherwise it records the Euclidean norm of the full-data
            gradient ``grad(w, X, y)``.
        average: return the Polyak-Ruppert average of the iterates (the mean of ``w``
            after every update) instead of the last iterate; ``history`` is then
            evaluated at the running average.
        callback: optional ``callback(t, w)`` called after every update with the number
            ``t`` of updates made so far (1, 2, ...) and a copy of the current iterate
            (the running average when ``average=True``), e.g. to trace the path or score
            a stream prequentially.

    Returns:
        ``(w, history)``: the final iterate (or the average) and a float array of length
        ``epochs + 1``. ``history[0]`` is evaluated at ``w0`` and ``history[k]`` after
        epoch ``k``, always on the *full* data: the mean loss if ``loss`` is given, the
        gradient norm otherwise. If the iterates stop being finite, or the full-data
        measure overflows (a step size too large for the problem makes descent diverge),
        the run stops after that epoch: the remaining entries of ``history`` are ``inf``
        and ``w`` is returned as it was (huge or non-finite).

    Raises:
        TypeError: if ``grad``, ``loss``, ``callback`` or ``lr`` have the wrong type, or
            ``epochs``, ``batch_size`` or ``seed`` are not integers.
        ValueError: if ``X``, ``y`` or ``w0`` contain NaN or infinities or have shapes
            that do not match; if ``lr`` is not positive (or the schedule returns a
            value that is not); if ``epochs`` or ``batch_size`` is not positive, or
            ``batch_size`` exceeds the number of rows; if ``grad`` returns an array of
            the wrong shape.
    """
    if not callable(grad):
        raise TypeError(
            "grad must be a callable grad(w, X_batch, y_batch); got "
            f"{type(grad).__name__}"
        )
    if loss is not None and not callable(loss):
        raise TypeError(
            f"loss must be None or a callable loss(w, X, y); got {type(loss).__name__}"
        )
    if callback is not None and not callable(callback):
        raise TypeError(
            "callback must be None or a callable callback(t, w); got "
            f"{type(callback).__name__}"
        )
    X = as_matrix(X, "X")
    n, d = X.shape
    y = as_vector(y, "y", n=n)
    w = as_vector(w0, "w0").copy()
    if w.shape[0] != d:
        raise ValueError(
            f"w0 has {w.shape[0]} entries but X has {d} columns; they must match"
        )
    step = _step_schedule(lr)
    epochs = check_int(epochs, "epochs", minimum=1)
    if batch_size is None:
        batch_size = n
    else:
        batch_size = check_int(batch_size, "batch_size", minimum=1)
        if batch_size > n:
            raise ValueError(
                f"batch_size must be at most the number of rows of X ({n}); got "
                f"{batch_size}. Use batch_size=None for full-batch descent"
            )
    if not isinstance(shuffle, (bool, np.bool_)):
        raise TypeError(f"shuffle must be True or False; got {type(shuffle).__name__}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, Integral)):
        raise TypeError(f"seed must be None or an integer; got {type(seed).__name__}")
    if not isinstance(average, (bool, np.bool_)):
        raise TypeError(f"average must be True or False; got {type(average).__name__}")

    def measure(v: np.ndarray) -> float:
        if loss is not None:
            return float(loss(v, X, y))
        return float(np.linalg.norm(grad(v, X, y)))

    rng = np.random.default_rng(seed)
    starts = np.arange(0, n, batch_size)
    history = np.full(epochs + 1, np.inf)
    w_avg = w.copy()
    t = 0
    with np.errstate(over="ignore", invalid="ignore"):
        history[0] = measure(w)
        if not np.isfinite(history[0]):
            raise ValueError(
                f"the loss or gradient at w0 is not finite ({history[0]}); start "
                "from a finite point"
            )
        for epoch in range(1, epochs + 1):
            if batch_size < n and shuffle:
                order = rng.permutation(n)
                Xe, ye = X[order], y[order]
            else:
                Xe, ye = X, y
            for s in starts:
                g = grad(w, Xe[s : s + batch_size], ye[s : s + batch_size])
                if t == 0:
                    g = _check_grad(g, d)
                w = w - step(t) * g
                t += 1
                if average:
                    w_avg += (w - w_avg) / t
                if callback is not None:
                    callback(t, (w_avg if average else w).copy())
            current = w_avg if average else w
            if not np.all(np.isfinite(current)):
                return current, history
            value = measure(current)
            if not np.isfinite(value):
                return current, history
            history[epoch] = value
    return (w_avg if average else w), history


def _step_schedule(lr: Any) -> Callable[[int], float]:
    """Turn ``lr`` into a function of the update count that checks every value it
    returns."""
    if callable(lr):

        def scheduled(t: int) -> float:
            value = lr(t)
            try:
                return check_real(value, f"lr({t})", minimum=0.0, strict=True)
            except TypeError as exc:
                raise TypeError(
                    f"the step-size schedule must return a real number: {exc}"
                ) from exc
            except ValueError as exc:
                raise ValueError(
                    f"the step-size schedule must return a positive number: {exc}"
                ) from exc

        return scheduled
    if isinstance(lr, bool) or not isinstance(
        lr, (int, float, np.integer, np.floating)
    ):
        raise TypeError(
            f"lr must be a positive number or a callable lr(t); got {type(lr).__name__}"
        )
    value = check_real(lr, "lr", minimum=0.0, strict=True)
    return lambda t: value


def _check_grad(g: Any, d: int) -> np.ndarray:
    g = np.asarray(g, dtype=float)
    if g.shape != (d,):
        raise ValueError(
            f"grad must return an array of shape ({d},), like w; got shape {g.shape}"
        )
    return g


def _check_wXy(w: Any, X: Any, y: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Light checks for the loss helpers, which run once per update: shapes and dtypes,
    not finiteness."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    w = np.asarray(w, dtype=float)
    if X.ndim != 2 or y.ndim != 1 or w.ndim != 1:
        raise ValueError(
            f"expected w 1-D, X 2-D and y 1-D; got shapes w {w.shape}, X {X.shape}, "
            f"y {y.shape}"
        )
    if X.shape[0] != y.shape[0] or X.shape[1] != w.shape[0] or X.shape[0] == 0:
        raise ValueError(
            f"shapes do not match: X {X.shape} needs y of shape ({X.shape[0]},) and "
            f"w of shape ({X.shape[1]},); got y {y.shape}, w {w.shape} (and X must "
            "have at least one row)"
        )
    return w, X, y


def least_squares_loss(w: Any, X: Any, y: Any) -> float:
    """Half the mean squared residual, ``(1 / 2n) * ||X w - y||^2``.

    The factor one half makes the gradient ``X^T (X w - y) / n``, so the Lipschitz
    constant of the gradient is the largest eigenvalue of ``X^T X / n``.

    Raises:
        ValueError: if the shapes of ``w`` ``(d,)``, ``X`` ``(n, d)`` and ``y`` ``(n,)``
            do not match.
    """
    w, X, y = _check_wXy(w, X, y)
    r = X @ w - y
    return float(0.5 * np.mean(r * r))


def least_squares_grad(w: Any, X: Any, y: Any) -> np.ndarray:
    """Gradient of :func:`least_squares_loss`: ``X^T (X w - y) / n``.

    Raises:
        ValueError: if the shapes of ``w`` ``(d,)``, ``X`` ``(n, d)`` and ``y`` ``(n,)``
            do not match.
    """
    w, X, y = _check_wXy(w, X, y)
    return X.T @ (X @ w - y) / X.shape[0]


def _check_labels(y: np.ndarray) -> None:
    if not np.all((y == 0.0) | (y == 1.0)):
        raise ValueError(
            "y must hold binary labels coded 0 and 1 for the logistic loss"
        )


def logistic_loss(w: Any, X: Any, y: Any) -> float:
    """Mean log loss of a logistic model with labels in {0, 1}:
    ``mean(log(1 + exp(z)) - y z)``, ``z = X w``.

    Computed as ``logaddexp(0, z) - y z``, which does not overflow for large ``|z|``.

    Raises:
        ValueError: if the shapes do not match or ``y`` holds anything other than 0
            and 1.
    """
    w, X, y = _check_wXy(w, X, y)
    _check_labels(y)
    z = X @ w
    return float(np.mean(np.logaddexp(0.0, z) - y * z))


def logistic_grad(w: Any, X: Any, y: Any) -> np.ndarray:
    """Gradient of :func:`logistic_loss`: ``X^T (sigmoid(X w) - y) / n``.

    Raises:
        ValueError: if the shapes do not match or ``y`` holds anything other than 0
            and 1.
    """
    w, X, y = _check_wXy(w, X, y)
    _check_labels(y)
    return X.T @ (expit(X @ w) - y) / X.shape[0]
