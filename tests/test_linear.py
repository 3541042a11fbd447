"""Tests for dsinterview.linear: ridge and lasso against scikit-learn, planted truth,
every refusal."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import Lasso, LinearRegression, Ridge
from sklearn.linear_model import lasso_path as sk_lasso_path

from dsinterview.data import load_diabetes
from dsinterview.linear import (
    ConvergenceWarning,
    lasso,
    lasso_alpha_max,
    lasso_path,
    ridge,
)


@pytest.fixture(scope="module")
def diabetes() -> tuple[np.ndarray, np.ndarray]:
    df = load_diabetes()
    X = df.drop(columns="target").to_numpy()
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return X, df["target"].to_numpy()


@pytest.fixture(scope="module")
def planted() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    X = (
        rng.standard_normal((400, 8))
        * np.array([1.0, 2.0, 0.5, 1.0, 3.0, 1.0, 1.0, 1.0])
        + 5.0
    )
    beta = np.array([2.0, -1.0, 0.0, 0.0, 0.5, 0.0, 3.0, 0.0])
    y = 4.0 + X @ beta + 0.5 * rng.standard_normal(400)
    return X, y, beta


@pytest.mark.parametrize("alpha", [0.01, 1.0, 10.0, 100.0, 1e4])
def test_ridge_matches_sklearn(diabetes, alpha):
    X, y = diabetes
    ours = ridge(X, y, alpha)
    ref = Ridge(alpha=alpha).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=0, atol=1e-8)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=0, atol=1e-8)


def test_ridge_alpha_zero_is_ols(diabetes):
    X, y = diabetes
    ours = ridge(X, y, 0.0)
    ref = LinearRegression().fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=0, atol=1e-8)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=0, atol=1e-8)


def test_ridge_alpha_zero_rank_deficient_is_min_norm_ols(diabetes):
    X, y = diabetes
    X_dup = np.column_stack([X, X[:, 2]])  # an exact duplicate of bmi: X'X is singular
    ours = ridge(X_dup, y, 0.0)
    np.testing.assert_allclose(
        ours.coef_[2], ours.coef_[-1], rtol=0, atol=1e-8
    )  # min-norm splits evenly
    np.testing.assert_allclose(
        ours.predict(X_dup), LinearRegression().fit(X, y).predict(X), rtol=0, atol=1e-8
    )
    np.testing.assert_allclose(
        ridge(X_dup, y, 1.0).coef_,
        Ridge(alpha=1.0).fit(X_dup, y).coef_,
        rtol=0,
        atol=1e-8,
    )


def test_ridge_unstandardised_columns_and_predict(planted):
    X, y, _ = planted
    ours = ridge(X, y, 5.0)
    ref = Ridge(alpha=5.0).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=0, atol=1e-8)
    np.testing.assert_allclose(
        ours.predict(X[:5]), ref.predict(X[:5]), rtol=0, atol=1e-8
    )


@pytest.mark.parametrize("alpha", [0.01, 0.1, 1.0, 5.0, 20.0])
def test_lasso_matches_sklearn(diabetes, alpha):
    X, y = diabetes
    ours = lasso(X, y, alpha, tol=1e-12, max_iter=100_000)
    ref = Lasso(alpha=alpha, tol=1e-12, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=0, atol=1e-6)
    np.testing.assert_array_equal(ours.coef_ == 0, ref.coef_ == 0)
    assert ours.dual_gap >= 0


def test_lasso_above_alpha_max_is_all_zero(diabetes):
    X, y = diabetes
    a_max = np.max(np.abs((X - X.mean(0)).T @ (y - y.mean()))) / X.shape[0]
    assert lasso_alpha_max(X, y) == pytest.approx(a_max, rel=1e-12)
    fit = lasso(X, y, 1.01 * a_max)
    assert np.all(fit.coef_ == 0.0)
    assert fit.intercept_ == pytest.approx(y.mean(), rel=1e-12)
    assert np.count_nonzero(lasso(X, y, 0.99 * a_max).coef_) == 1
    np.testing.assert_array_equal(Lasso(alpha=1.01 * a_max).fit(X, y).coef_, fit.coef_)


def test_lasso_recovers_planted_support(planted):
    X, y, beta = planted
    fit = lasso(X, y, 0.05)
    np.testing.assert_array_equal(fit.coef_ != 0, beta != 0)
    np.testing.assert_allclose(fit.coef_, beta, rtol=0, atol=0.1)
    ref = Lasso(alpha=0.05, tol=1e-12, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(fit.coef_, ref.coef_, rtol=0, atol=1e-6)


def test_lasso_predict_and_input_untouched(planted):
    X, y, _ = planted
    X_copy, y_copy = X.copy(), y.copy()
    fit = lasso(X, y, 0.1)
    ref = Lasso(alpha=0.1, tol=1e-12, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(
        fit.predict(X[:7]), ref.predict(X[:7]), rtol=0, atol=1e-5
    )
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(y, y_copy)


def test_lasso_is_deterministic(diabetes):
    X, y = diabetes
    a, b = lasso(X, y, 0.3), lasso(X, y, 0.3)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert a.n_iter == b.n_iter


def test_lasso_path_matches_sklearn(diabetes):
    X, y = diabetes
    path = lasso_path(X, y, n_alphas=30, eps=1e-3, tol=1e-12, max_iter=100_000)
    assert np.all(np.diff(path.alphas) < 0)
    assert np.all(path.coefs[0] == 0)
    Xc, yc = X - X.mean(0), y - y.mean()
    _, ref, _ = sk_lasso_path(Xc, yc, alphas=path.alphas, tol=1e-12, max_iter=100_000)
    np.testing.assert_allclose(path.coefs, ref.T, rtol=0, atol=1e-6)
    np.testing.assert_allclose(
        path.intercepts, y.mean() - path.coefs @ X.mean(0), rtol=0, atol=1e-10
    )


def test_lasso_path_with_given_alphas_sorts_them(diabetes):
    X, y = diabetes
    path = lasso_path(X, y, [0.1, 10.0, 1.0])
    np.testing.assert_array_equal(path.alphas, [10.0, 1.0, 0.1])
    np.testing.assert_allclose(path.coefs[1], lasso(X, y, 1.0).coef_, rtol=0, atol=1e-6)


def test_lasso_constant_column_gets_zero(planted):
    X, y, _ = planted
    X2 = np.column_stack([X, np.full(X.shape[0], 3.0)])
    fit = lasso(X2, y, 0.05)
    assert fit.coef_[-1] == 0.0
    np.testing.assert_allclose(
        fit.coef_[:-1], lasso(X, y, 0.05).coef_, rtol=0, atol=1e-10
    )


def test_lasso_warns_when_not_converged(diabetes):
    X, y = diabetes
    with pytest.warns(
        ConvergenceWarning, match="did not converge in max_iter=1 sweeps"
    ):
        fit = lasso(X, y, 0.01, max_iter=1)
    assert fit.n_iter == 1


# ---- refusals ------------------------------------------------------------------------


@pytest.mark.parametrize("fit", [ridge, lasso])
def test_refuses_mismatched_shapes(fit):
    with pytest.raises(ValueError, match="y has 4 entries but X has 5 rows"):
        fit(np.ones((5, 2)), np.ones(4), 1.0)


@pytest.mark.parametrize("fit", [ridge, lasso])
def test_refuses_1d_x(fit):
    with pytest.raises(ValueError, match="X must be 2-D"):
        fit(np.ones(5), np.ones(5), 1.0)


@pytest.mark.parametrize("fit", [ridge, lasso])
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_refuses_non_finite_x(fit, bad):
    X = np.ones((5, 2))
    X[2, 1] = bad
    with pytest.raises(ValueError, match="X must be finite"):
        fit(X, np.arange(5.0), 1.0)


@pytest.mark.parametrize("fit", [ridge, lasso])
def test_refuses_non_finite_y(fit):
    y = np.arange(5.0)
    y[0] = np.nan
    with pytest.raises(ValueError, match="y must be finite; it contains 1 NaN"):
        fit(np.ones((5, 2)), y, 1.0)


@pytest.mark.parametrize("fit", [ridge, lasso])
def test_refuses_negative_alpha(fit):
    with pytest.raises(ValueError, match="alpha must be at least 0; got -1"):
        fit(np.eye(3), np.arange(3.0), -1.0)


@pytest.mark.parametrize("fit", [ridge, lasso])
def test_refuses_non_finite_alpha(fit):
    with pytest.raises(ValueError, match="alpha must be finite"):
        fit(np.eye(3), np.arange(3.0), np.inf)


@pytest.mark.parametrize("fit", [ridge, lasso])
def test_refuses_non_numeric_alpha(fit):
    with pytest.raises(TypeError, match="alpha must be a real number"):
        fit(np.eye(3), np.arange(3.0), "1")


@pytest.mark.parametrize("fit", [ridge, lasso])
def test_refuses_non_numeric_x(fit):
    with pytest.raises(TypeError, match="X must be numeric"):
        fit([["a", "b"], ["c", "d"]], [1.0, 2.0], 1.0)


@pytest.mark.parametrize("fit", [ridge, lasso])
def test_refuses_single_row(fit):
    with pytest.raises(ValueError, match="at least 2 rows"):
        fit(np.ones((1, 3)), np.ones(1), 1.0)


@pytest.mark.parametrize("tol", [0.0, -1e-3])
def test_lasso_refuses_non_positive_tol(tol):
    with pytest.raises(ValueError, match="tol must be greater than 0"):
        lasso(np.eye(3), np.arange(3.0), 0.1, tol=tol)


def test_lasso_refuses_bad_max_iter():
    with pytest.raises(ValueError, match="max_iter must be at least 1; got 0"):
        lasso(np.eye(3), np.arange(3.0), 0.1, max_iter=0)
    with pytest.raises(TypeError, match="max_iter must be an integer"):
        lasso(np.eye(3), np.arange(3.0), 0.1, max_iter=10.5)


def test_lasso_path_refusals():
    X, y = np.eye(3), np.arange(3.0)
    with pytest.raises(ValueError, match="alphas must all be >= 0"):
        lasso_path(X, y, [1.0, -0.5])
    with pytest.raises(ValueError, match="alphas must not be empty"):
        lasso_path(X, y, [])
    with pytest.raises(ValueError, match="eps must be in \\(0, 1\\)"):
        lasso_path(X, y, eps=1.5)
    with pytest.raises(ValueError, match="eps must be greater than 0"):
        lasso_path(X, y, eps=0.0)
    with pytest.raises(ValueError, match="n_alphas must be at least 1"):
        lasso_path(X, y, n_alphas=0)
    with pytest.raises(ValueError, match="y must be finite"):
        lasso_path(X, [0.0, np.nan, 1.0])


def test_predict_refuses_wrong_width(diabetes):
    X, y = diabetes
    with pytest.raises(
        ValueError, match="X has 3 columns but the model was fitted on 10"
    ):
        ridge(X, y, 1.0).predict(np.ones((2, 3)))


def test_alpha_max_refuses_mismatch():
    with pytest.raises(ValueError, match="y has 2 entries but X has 3 rows"):
        lasso_alpha_max(np.eye(3), np.ones(2))
