"""Tests of dsinterview.optim: batch, online and mini-batch descent reach the reference
solutions."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from dsinterview.optim import (
    gradient_descent,
    least_squares_grad,
    least_squares_loss,
    logistic_grad,
    logistic_loss,
)


@pytest.fixture(scope="module")
def regression():
    """A well-conditioned least-squares problem with an intercept column and known
    coefficients."""
    rng = np.random.default_rng(11)
    n, d = 400, 4
    X = np.c_[np.ones(n), rng.standard_normal((n, d))]
    beta = np.array([2.0, 1.0, -3.0, 0.5, 0.0])
    y = X @ beta + 0.5 * rng.standard_normal(n)
    w_ls = np.linalg.lstsq(X, y, rcond=None)[0]
    return X, y, w_ls


@pytest.fixture(scope="module")
def classification():
    """Spector & Mazzeo's data, standardised, with statsmodels' maximum-likelihood
    logistic fit."""
    data = sm.datasets.spector.load_pandas().data
    Z = data[["GPA", "TUCE", "PSI"]].to_numpy()
    X = np.c_[np.ones(len(Z)), (Z - Z.mean(0)) / Z.std(0)]
    y = data["GRADE"].to_numpy(dtype=float)
    w_mle = sm.Logit(y, X).fit(disp=0, method="newton", tol=1e-12).params
    return X, y, np.asarray(w_mle)


# ---- convergence ---------------------------------------------------------------------


def test_batch_reaches_least_squares(regression):
    X, y, w_ls = regression
    L = np.linalg.eigvalsh(X.T @ X / len(y)).max()
    w, hist = gradient_descent(
        least_squares_grad, np.zeros(X.shape[1]), X, y, lr=1 / L, epochs=200
    )
    np.testing.assert_allclose(w, w_ls, rtol=0, atol=1e-8)
    assert hist.shape == (201,)
    assert hist[-1] < 1e-8  # gradient norm at the solution


def test_online_reaches_least_squares(regression):
    X, y, w_ls = regression
    w, hist = gradient_descent(
        least_squares_grad,
        np.zeros(X.shape[1]),
        X,
        y,
        lr=lambda t: 0.05 / (1 + t / 400),
        epochs=100,
        batch_size=1,
        seed=1,
        loss=least_squares_loss,
    )
    # The least-squares standard errors here are about 0.025; 5e-3 is a fifth of one.
    np.testing.assert_allclose(w, w_ls, rtol=0, atol=5e-3)
    best = least_squares_loss(w_ls, X, y)
    assert hist[-1] - best < 1e-4 * best


def test_online_averaged_reaches_least_squares(regression):
    X, y, w_ls = regression
    w, hist = gradient_descent(
        least_squares_grad,
        np.zeros(X.shape[1]),
        X,
        y,
        lr=0.05,
        epochs=100,
        batch_size=1,
        seed=2,
        average=True,
        loss=least_squares_loss,
    )
    np.testing.assert_allclose(w, w_ls, rtol=0, atol=5e-3)
    best = least_squares_loss(w_ls, X, y)
    assert hist[-1] - best < 1e-4 * best


def test_constant_step_without_averaging_stalls_in_a_noise_ball(regression):
    X, y, w_ls = regression
    _, hist = gradient_descent(
        least_squares_grad,
        np.zeros(X.shape[1]),
        X,
        y,
        lr=0.05,
        epochs=100,
        batch_size=1,
        seed=2,
        loss=least_squares_loss,
    )
    best = least_squares_loss(w_ls, X, y)
    assert hist[-1] - best > 1e-3 * best  # ten times worse than the averaged run above


def test_minibatch_reaches_least_squares(regression):
    X, y, w_ls = regression
    w, hist = gradient_descent(
        least_squares_grad,
        np.zeros(X.shape[1]),
        X,
        y,
        lr=lambda t: 0.3 / (1 + t / 100),
        epochs=300,
        batch_size=16,
        seed=3,
        loss=least_squares_loss,
    )
    np.testing.assert_allclose(w, w_ls, rtol=0, atol=2e-3)
    assert hist[1] < hist[0]


def test_batch_logistic_matches_statsmodels(classification):
    X, y, w_mle = classification
    L = np.linalg.eigvalsh(X.T @ X / len(y)).max() / 4
    w, _ = gradient_descent(
        logistic_grad, np.zeros(X.shape[1]), X, y, lr=1 / L, epochs=2000
    )
    np.testing.assert_allclose(w, w_mle, rtol=0, atol=1e-8)


def test_online_and_minibatch_logistic_match_statsmodels(classification):
    X, y, w_mle = classification
    n = len(y)
    w1, _ = gradient_descent(
        logistic_grad,
        np.zeros(X.shape[1]),
        X,
        y,
        lr=lambda t: 1 / (1 + t / (10 * n)),
        epochs=1500,
        batch_size=1,
        seed=4,
    )
    np.testing.assert_allclose(w1, w_mle, rtol=0, atol=5e-3)
    w8, _ = gradient_descent(
        logistic_grad,
        np.zeros(X.shape[1]),
        X,
        y,
        lr=lambda t: 1 / (1 + t / (10 * n)),
        epochs=3000,
        batch_size=8,
        seed=4,
    )
    np.testing.assert_allclose(w8, w_mle, rtol=0, atol=5e-3)


def test_history_is_loss_or_gradient_norm(regression):
    X, y, w_ls = regression
    w0 = np.zeros(X.shape[1])
    _, h_grad = gradient_descent(least_squares_grad, w0, X, y, lr=0.1, epochs=3)
    _, h_loss = gradient_descent(
        least_squares_grad, w0, X, y, lr=0.1, epochs=3, loss=least_squares_loss
    )
    assert h_grad[0] == pytest.approx(np.linalg.norm(X.T @ y / len(y)), rel=1e-12)
    assert h_loss[0] == pytest.approx(0.5 * np.mean(y**2), rel=1e-12)


def test_divergence_is_reported_as_inf(regression):
    X, y, _ = regression
    L = np.linalg.eigvalsh(X.T @ X / len(y)).max()
    w, hist = gradient_descent(
        least_squares_grad, np.zeros(X.shape[1]), X, y, lr=2.5 / L, epochs=5000
    )
    stop = int(np.argmax(np.isinf(hist)))
    assert 50 < stop < len(hist) - 1 and np.all(np.isinf(hist[stop:]))
    assert np.all(
        np.diff(hist[:stop]) > 0
    )  # the gradient norm grows every epoch until it overflows
    assert (
        np.abs(w).max() > 1e100
    )  # the loss grows from epoch to epoch before overflowing


# ---- determinism, schedules, averaging, callback -------------------------------------


def test_same_seed_same_result_and_different_seed_differs(regression):
    X, y, _ = regression
    kw = dict(lr=0.01, epochs=3, batch_size=1)
    a = gradient_descent(least_squares_grad, np.zeros(X.shape[1]), X, y, seed=7, **kw)
    b = gradient_descent(least_squares_grad, np.zeros(X.shape[1]), X, y, seed=7, **kw)
    c = gradient_descent(least_squares_grad, np.zeros(X.shape[1]), X, y, seed=8, **kw)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_unshuffled_online_is_one_hand_written_pass(regression):
    X, y, _ = regression
    w, _ = gradient_descent(
        least_squares_grad,
        np.zeros(X.shape[1]),
        X,
        y,
        lr=0.01,
        epochs=1,
        batch_size=1,
        shuffle=False,
    )
    v = np.zeros(X.shape[1])
    for xi, yi in zip(X, y):
        v = v - 0.01 * xi * (xi @ v - yi)
    np.testing.assert_allclose(w, v, rtol=1e-12, atol=1e-12)


def test_callable_lr_receives_update_count_and_equals_constant(regression):
    X, y, _ = regression
    seen: list[int] = []

    def lr(t: int) -> float:
        seen.append(t)
        return 0.01

    a, _ = gradient_descent(
        least_squares_grad,
        np.zeros(X.shape[1]),
        X,
        y,
        lr=lr,
        epochs=2,
        batch_size=100,
        seed=5,
    )
    b, _ = gradient_descent(
        least_squares_grad,
        np.zeros(X.shape[1]),
        X,
        y,
        lr=0.01,
        epochs=2,
        batch_size=100,
        seed=5,
    )
    assert seen == list(range(8))
    np.testing.assert_array_equal(a, b)


def test_average_and_callback(regression):
    X, y, _ = regression
    path: list[np.ndarray] = []
    w, _ = gradient_descent(
        least_squares_grad,
        np.zeros(X.shape[1]),
        X,
        y,
        lr=0.05,
        epochs=2,
        batch_size=50,
        seed=6,
        callback=lambda t, v: path.append(v),
    )
    assert len(path) == 16
    np.testing.assert_array_equal(path[-1], w)
    w_avg, _ = gradient_descent(
        least_squares_grad,
        np.zeros(X.shape[1]),
        X,
        y,
        lr=0.05,
        epochs=2,
        batch_size=50,
        seed=6,
        average=True,
    )
    np.testing.assert_allclose(w_avg, np.mean(path, axis=0), rtol=1e-12, atol=1e-12)


def test_partial_last_batch_is_used(regression):
    X, y, _ = regression
    count: list[int] = []

    def grad(w, Xb, yb):
        count.append(len(yb))
        return least_squares_grad(w, Xb, yb)

    gradient_descent(
        grad, np.zeros(X.shape[1]), X, y, lr=0.01, epochs=1, batch_size=150, seed=0
    )
    assert count[1:4] == [150, 150, 100]  # count[0] is the history at w0, on all rows


# ---- loss helpers --------------------------------------------------------------------


def test_gradients_match_finite_differences(regression, classification):
    rng = np.random.default_rng(9)
    for (X, y, _), loss, grad in [
        (regression, least_squares_loss, least_squares_grad),
        (classification, logistic_loss, logistic_grad),
    ]:
        w = rng.standard_normal(X.shape[1])
        h = 1e-6
        fd = np.array(
            [
                (loss(w + h * e, X, y) - loss(w - h * e, X, y)) / (2 * h)
                for e in np.eye(len(w))
            ]
        )
        np.testing.assert_allclose(grad(w, X, y), fd, rtol=1e-6, atol=1e-6)


def test_logistic_loss_is_stable_for_large_margins():
    X = np.array([[1000.0], [-1000.0]])
    y = np.array([1.0, 0.0])
    assert logistic_loss(np.array([1.0]), X, y) == pytest.approx(0.0, abs=1e-300)
    assert logistic_loss(np.array([-1.0]), X, y) == pytest.approx(1000.0, rel=1e-12)


def test_logistic_loss_matches_statsmodels_loglikelihood(classification):
    X, y, w_mle = classification
    llf = sm.Logit(y, X).loglike(w_mle)
    assert logistic_loss(w_mle, X, y) == pytest.approx(-llf / len(y), rel=1e-12)


# ---- refusals ------------------------------------------------------------------------


def _gd(X=None, y=None, **kw):
    X = np.c_[np.ones(5), np.arange(5.0)] if X is None else X
    y = np.arange(5.0) if y is None else y
    args = dict(lr=0.1, epochs=2)
    args.update(kw)
    w0 = args.pop("w0") if "w0" in args else np.zeros(np.shape(X)[1])
    grad = args.pop("grad", least_squares_grad)
    return gradient_descent(grad, w0, X, y, **args)


@pytest.mark.parametrize("lr", [0.0, -0.1])
def test_refuses_non_positive_lr(lr):
    with pytest.raises(ValueError, match="lr must be greater than 0"):
        _gd(lr=lr)


@pytest.mark.parametrize("lr", [float("nan"), float("inf")])
def test_refuses_non_finite_lr(lr):
    with pytest.raises(ValueError, match="lr must be finite"):
        _gd(lr=lr)


@pytest.mark.parametrize("lr", ["0.1", None, True])
def test_refuses_lr_of_wrong_type(lr):
    with pytest.raises(TypeError, match="lr must be a positive number or a callable"):
        _gd(lr=lr)


def test_refuses_schedule_returning_non_positive():
    with pytest.raises(
        ValueError,
        match=r"schedule must return a positive number: lr\(2\) must be greater than 0",
    ):
        _gd(lr=lambda t: 0.1 - 0.05 * t, batch_size=1, epochs=3)


def test_refuses_schedule_returning_nan_or_non_number():
    with pytest.raises(ValueError, match=r"lr\(0\) must be finite"):
        _gd(lr=lambda t: float("nan"))
    with pytest.raises(TypeError, match="schedule must return a real number"):
        _gd(lr=lambda t: "fast")


@pytest.mark.parametrize("epochs", [0, -3])
def test_refuses_non_positive_epochs(epochs):
    with pytest.raises(ValueError, match="epochs must be at least 1"):
        _gd(epochs=epochs)


def test_refuses_non_integer_epochs():
    with pytest.raises(TypeError, match="epochs must be an integer"):
        _gd(epochs=2.5)


@pytest.mark.parametrize("batch_size", [0, -1])
def test_refuses_non_positive_batch_size(batch_size):
    with pytest.raises(ValueError, match="batch_size must be at least 1"):
        _gd(batch_size=batch_size)


def test_refuses_batch_larger_than_data():
    with pytest.raises(
        ValueError, match=r"batch_size must be at most the number of rows of X \(5\)"
    ):
        _gd(batch_size=6)


def test_refuses_non_integer_batch_size_and_seed():
    with pytest.raises(TypeError, match="batch_size must be an integer"):
        _gd(batch_size=2.0)
    with pytest.raises(TypeError, match="seed must be None or an integer"):
        _gd(seed="abc")


def test_refuses_mismatched_shapes():
    with pytest.raises(ValueError, match="y has 4 entries but X has 5 rows"):
        _gd(y=np.arange(4.0))
    with pytest.raises(ValueError, match="w0 has 3 entries but X has 2 columns"):
        _gd(w0=np.zeros(3))
    with pytest.raises(ValueError, match="X must be 2-D"):
        _gd(X=np.arange(5.0), w0=np.zeros(1))


@pytest.mark.parametrize("where", ["X", "y", "w0"])
def test_refuses_nan_and_inf(where):
    X = np.c_[np.ones(5), np.arange(5.0)]
    y = np.arange(5.0)
    w0 = np.zeros(2)
    bad = {"X": X.copy(), "y": y.copy(), "w0": w0.copy()}
    bad[where].flat[1] = np.nan
    with pytest.raises(ValueError, match=f"{where} must be finite; it contains 1 NaN"):
        gradient_descent(
            least_squares_grad, bad["w0"], bad["X"], bad["y"], lr=0.1, epochs=1
        )
    bad[where].flat[1] = np.inf
    with pytest.raises(
        ValueError, match=f"{where} must be finite; it contains 0 NaN and 1 infinite"
    ):
        gradient_descent(
            least_squares_grad, bad["w0"], bad["X"], bad["y"], lr=0.1, epochs=1
        )


def test_refuses_non_callables_and_flags():
    with pytest.raises(TypeError, match="grad must be a callable"):
        _gd(grad=np.zeros(2))
    with pytest.raises(TypeError, match="loss must be None or a callable"):
        _gd(loss=1.0)
    with pytest.raises(TypeError, match="callback must be None or a callable"):
        _gd(callback="print")
    with pytest.raises(TypeError, match="shuffle must be True or False"):
        _gd(shuffle="yes")
    with pytest.raises(TypeError, match="average must be True or False"):
        _gd(average=1)


def test_refuses_gradient_of_wrong_shape():
    with pytest.raises(ValueError, match=r"grad must return an array of shape \(2,\)"):
        _gd(grad=lambda w, X, y: np.zeros(3))


def test_refuses_non_finite_start():
    with pytest.raises(ValueError, match="at w0 is not finite"):
        _gd(grad=lambda w, X, y: np.full(2, np.inf))


def test_helpers_refuse_mismatched_shapes_and_bad_labels():
    X = np.ones((3, 2))
    with pytest.raises(ValueError, match="shapes do not match"):
        least_squares_grad(np.zeros(3), X, np.zeros(3))
    with pytest.raises(ValueError, match="shapes do not match"):
        least_squares_loss(np.zeros(2), X, np.zeros(4))
    with pytest.raises(ValueError, match="expected w 1-D, X 2-D and y 1-D"):
        logistic_loss(np.zeros(2), X[0], np.zeros(3))
    with pytest.raises(ValueError, match="binary labels coded 0 and 1"):
        logistic_grad(np.zeros(2), X, np.array([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match="binary labels coded 0 and 1"):
        logistic_loss(np.zeros(2), X, np.array([-1.0, 1.0, 1.0]))
