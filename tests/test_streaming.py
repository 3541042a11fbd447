"""Tests of dsinterview.streaming: the prequential learners of the online-vs-batch
chapter."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from dsinterview.data.streams import make_drifting_stream
from dsinterview.optim import gradient_descent, logistic_grad
from dsinterview.streaming import (
    logistic_fit_lbfgs,
    online_logistic_paths,
    recovery_time,
    windowed_refit_models,
)


def _stream(n=400, seed=0):
    s = make_drifting_stream(n_events=n, change_at=n // 2, seed=seed)
    X = np.c_[np.ones(n), s[["x1", "x2", "x3"]].to_numpy()]
    return X, s["y"].to_numpy()


def test_online_paths_are_the_iterates_of_gradient_descent():
    X, y = _stream()
    path = [np.zeros(4)]
    gradient_descent(
        logistic_grad,
        np.zeros(4),
        X,
        y,
        lr=0.05,
        epochs=1,
        batch_size=1,
        shuffle=False,
        callback=lambda t, w: path.append(w),
    )
    W = online_logistic_paths(X, y, 0.05)
    assert W.shape == (len(y) + 1, 4)
    np.testing.assert_allclose(W, np.array(path), rtol=0, atol=1e-12)


def test_online_paths_vectorised_over_streams_and_schedules():
    streams = [_stream(seed=s) for s in range(3)]
    Xs = np.stack([X for X, _ in streams])
    ys = np.stack([y for _, y in streams])

    def lr(t):
        return 0.1 / (1 + t / 50)

    W = online_logistic_paths(Xs, ys, lr, w0=np.ones(4))
    assert W.shape == (3, 401, 4)
    for r, (X, y) in enumerate(streams):
        np.testing.assert_allclose(
            W[r], online_logistic_paths(X, y, lr, w0=np.ones(4)), rtol=0, atol=1e-12
        )


def test_online_paths_refusals():
    X, y = _stream(50)
    with pytest.raises(ValueError, match="binary labels"):
        online_logistic_paths(X, y + 1, 0.1)
    with pytest.raises(ValueError, match="must match|entries"):
        online_logistic_paths(X, y[:-1], 0.1)
    with pytest.raises(ValueError, match="y must have shape"):
        online_logistic_paths(X[None], y[None, :-1], 0.1)
    with pytest.raises(ValueError, match="n_streams"):
        online_logistic_paths(X[:, 0], y, 0.1)
    with pytest.raises(TypeError, match="lr must be a positive number"):
        online_logistic_paths(X, y, "0.1")
    with pytest.raises(ValueError, match="lr must be greater than 0"):
        online_logistic_paths(X, y, -0.1)
    with pytest.raises(ValueError, match="schedule must return a positive"):
        online_logistic_paths(X, y, lambda t: 0.0)
    with pytest.raises(TypeError, match="schedule must return a real"):
        online_logistic_paths(X, y, lambda t: "a")
    with pytest.raises(ValueError, match="w0 has 3 entries"):
        online_logistic_paths(X, y, 0.1, w0=np.zeros(3))
    with pytest.raises(ValueError, match="finite"):
        online_logistic_paths(np.full((2, 5, 4), np.nan), np.zeros((2, 5)), 0.1)


def test_lbfgs_fit_is_the_maximum_likelihood_estimate():
    X, y = _stream(2000, seed=3)
    ours = logistic_fit_lbfgs(X, y)
    ref = sm.Logit(y, X).fit(disp=0, method="newton", tol=1e-12).params
    np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-6)
    warm = logistic_fit_lbfgs(X, y, w0=ref)
    np.testing.assert_allclose(warm, ref, rtol=0, atol=1e-6)


def test_lbfgs_fit_refusals():
    X, y = _stream(50)
    with pytest.raises(ValueError, match="binary labels"):
        logistic_fit_lbfgs(X, 2 * y)
    with pytest.raises(ValueError, match="tol"):
        logistic_fit_lbfgs(X, y, tol=0.0)
    with pytest.raises(ValueError, match="w0 has"):
        logistic_fit_lbfgs(X, y, w0=[0.0])
    with pytest.raises(TypeError):
        logistic_fit_lbfgs(X, y, tol="small")


def test_windowed_refit_schedule_and_windows():
    X = np.arange(10.0)[:, None]
    y = np.arange(10.0)
    seen = []

    def fit(Xw, yw):
        seen.append(yw.tolist())
        return np.array([yw.mean()])

    W = windowed_refit_models(X, y, every=3, window=4, fit=fit, w0=[-1.0])
    assert seen == [[0, 1, 2], [2, 3, 4, 5], [5, 6, 7, 8]]
    np.testing.assert_array_equal(
        W[:, 0], [-1, -1, -1, 1, 1, 1, 3.5, 3.5, 3.5, 6.5, 6.5]
    )


def test_windowed_refit_with_the_default_fit_recovers_the_new_truth():
    X, y = _stream(4000, seed=1)
    W = windowed_refit_models(X, y, every=1000, window=1000)
    after = logistic_fit_lbfgs(X[3000:], y[3000:])
    np.testing.assert_allclose(W[4000], after, rtol=0, atol=1e-6)
    np.testing.assert_array_equal(W[:1000], 0.0)


def test_windowed_refit_refusals():
    X, y = _stream(50)
    with pytest.raises(ValueError, match="every must be at least 1"):
        windowed_refit_models(X, y, every=0, window=10)
    with pytest.raises(TypeError, match="window must be an integer"):
        windowed_refit_models(X, y, every=5, window=2.5)
    with pytest.raises(TypeError, match="fit must be a callable"):
        windowed_refit_models(X, y, every=5, window=10, fit="lbfgs")
    with pytest.raises(ValueError, match="fit must return 4 coefficients"):
        windowed_refit_models(X, y, every=5, window=10, fit=lambda a, b: [0.0])


def test_recovery_time():
    ref = np.zeros(100)
    e = np.r_[np.ones(30), np.zeros(70)]
    # from k, the next 10 events hold max(0, 30 - k) errors (capped at 10)
    assert recovery_time(e, ref, start=0, window=10, tol=0.0) == 30
    assert recovery_time(e, ref, start=0, window=10, tol=0.2) == 28
    assert recovery_time(e, ref, start=40, window=10, tol=0.0) == 0
    assert recovery_time(np.ones(100), ref, start=0, window=10, tol=0.5) is None


def test_recovery_time_refusals():
    e = np.zeros(20)
    with pytest.raises(ValueError, match="start \\+ window"):
        recovery_time(e, e, start=15, window=10, tol=0.0)
    with pytest.raises(ValueError, match="reference"):
        recovery_time(e, e[:-1], start=0, window=5, tol=0.0)
    with pytest.raises(ValueError, match="tol must be at least 0"):
        recovery_time(e, e, start=0, window=5, tol=-0.1)
    with pytest.raises(TypeError, match="start must be an integer"):
        recovery_time(e, e, start=1.5, window=5, tol=0.0)
