"""K-fold cross-validation for penalised regression: dsinterview.resampling.kfold and
one_se_rule, dsinterview.linear.cv_path_errors and enet_alpha_grid, against
scikit-learn and hand-built cases, and every refusal."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import ElasticNet, LassoCV

from dsinterview.data import load_diabetes
from dsinterview.linear import cv_path_errors, enet_alpha_grid, ridge
from dsinterview.resampling import kfold, one_se_rule


@pytest.fixture(scope="module")
def diabetes() -> tuple[np.ndarray, np.ndarray]:
    df = load_diabetes()
    X = df.drop(columns="target").to_numpy()
    return (X - X.mean(axis=0)) / X.std(axis=0), df["target"].to_numpy()


# kfold


@pytest.mark.parametrize("n, k", [(10, 2), (11, 3), (442, 10), (5, 5)])
def test_kfold_partitions_the_rows(n, k):
    folds = kfold(n, k, np.random.default_rng(0))
    assert len(folds) == k
    tests = np.concatenate([te for _, te in folds])
    assert np.array_equal(np.sort(tests), np.arange(n))  # disjoint, and cover all rows
    sizes = [te.size for _, te in folds]
    assert max(sizes) - min(sizes) <= 1
    for tr, te in folds:
        assert np.array_equal(np.sort(np.r_[tr, te]), np.arange(n))
        assert np.intersect1d(tr, te).size == 0


def test_kfold_is_seeded_and_advances_a_generator():
    a, b = kfold(50, 5, 7), kfold(50, 5, np.random.default_rng(7))
    assert all(np.array_equal(x[1], y[1]) for x, y in zip(a, b))
    rng = np.random.default_rng(7)
    first, second = kfold(50, 5, rng), kfold(50, 5, rng)
    assert not all(np.array_equal(x[1], y[1]) for x, y in zip(first, second))


def test_kfold_folds_are_accepted_by_scikit_learn(diabetes):
    X, y = diabetes
    folds = kfold(len(y), 5, 1)
    cv = LassoCV(alphas=[1.0, 0.1], cv=folds).fit(X, y)
    assert cv.mse_path_.shape == (2, 5)


@pytest.mark.parametrize(
    "args, error, match",
    [
        ((1, 2, 0), ValueError, "n must be at least 2"),
        ((10, 1, 0), ValueError, "k must be at least 2"),
        ((10, 11, 0), ValueError, "k must be at most n"),
        ((10.0, 2, 0), TypeError, "n must be an integer"),
        ((10, 2, "seed"), TypeError, "rng must be an integer"),
        ((10, 2, -1), ValueError, "rng must be at least 0"),
    ],
)
def test_kfold_refusals(args, error, match):
    with pytest.raises(error, match=match):
        kfold(*args)


# one_se_rule


def test_one_se_rule_on_a_hand_built_curve():
    # Four folds whose errors are m - d, m + d, m - d, m + d: mean m and standard error
    # d sqrt(4/3) / sqrt(4) = d / sqrt(3); d = 0.1 sqrt(3) makes every SE exactly 0.1.
    d = 0.1 * np.sqrt(3)
    means = {10.0: 1.2, 3.0: 1.05, 1.0: 1.0, 0.3: 1.02}  # minimum at 1; 3 within 1 SE
    alphas = np.array(list(means))
    errors = np.array([[m - d, m + d, m - d, m + d] for m in means.values()])
    out = one_se_rule(alphas, errors)
    assert out.alpha_min == 1.0 and out.alpha_1se == 3.0
    np.testing.assert_allclose(out.mean, list(means.values()), rtol=1e-12)
    np.testing.assert_allclose(out.se, 0.1, rtol=1e-12)
    a_min, a_1se, _, _ = out  # a tuple, as the chapter unpacks it
    assert (a_min, a_1se) == (1.0, 3.0)
    # the order of the grid does not matter
    rev = one_se_rule(alphas[::-1], errors[::-1])
    assert (rev.alpha_min, rev.alpha_1se) == (1.0, 3.0)


def test_one_se_rule_with_no_noise_keeps_the_minimum():
    errors = np.array([[3.0, 3.0], [1.0, 1.0], [2.0, 2.0]])
    out = one_se_rule([5.0, 2.0, 1.0], errors)
    assert out.alpha_min == out.alpha_1se == 2.0


def test_one_se_rule_agrees_with_lassocv_minimum(diabetes):
    X, y = diabetes
    cv = LassoCV(alphas=40, cv=kfold(len(y), 5, 3), tol=1e-10, max_iter=100_000)
    cv.fit(X, y)
    out = one_se_rule(cv.alphas_, cv.mse_path_)
    assert out.alpha_min == cv.alpha_
    assert out.alpha_1se > out.alpha_min


@pytest.mark.parametrize(
    "alphas, errors, error, match",
    [
        ([1.0, 2.0], np.ones((3, 4)), ValueError, "must have shape"),
        ([1.0, 2.0], np.ones((2, 1)), ValueError, "at least 2 folds"),
        ([1.0, 2.0], [[1.0, np.nan], [1.0, 1.0]], ValueError, "must be finite"),
        ([1.0, 2.0], [[1.0, -1.0], [1.0, 1.0]], ValueError, "non-negative"),
        ([1.0, 2.0], [["a", "b"], [1, 1]], TypeError, "must be numeric"),
        ([1.0, np.inf], np.ones((2, 2)), ValueError, "alphas must be finite"),
    ],
)
def test_one_se_rule_refusals(alphas, errors, error, match):
    with pytest.raises(error, match=match):
        one_se_rule(alphas, errors)


# cv_path_errors and enet_alpha_grid


def test_lasso_errors_equal_lassocv_mse_path(diabetes):
    X, y = diabetes
    folds = kfold(len(y), 5, 11)
    grid = enet_alpha_grid(X, y, n_alphas=30)
    ours = cv_path_errors(X, y, folds, grid)
    ref = LassoCV(alphas=grid, cv=folds, tol=1e-4, max_iter=100_000).fit(X, y)
    # LassoCV runs the same path with the same relative duality-gap tolerance (1e-4)
    # but a different route to it (it may not use the Gram matrix), so the fitted
    # values, and the errors, agree to well within that tolerance, not to rounding.
    np.testing.assert_allclose(ours, ref.mse_path_, rtol=1e-4)


def test_ridge_errors_equal_a_loop_of_ridge_fits(diabetes):
    X, y = diabetes
    folds = kfold(len(y), 4, 2)
    grid = np.logspace(-2, 4, 13)
    ours = cv_path_errors(X, y, folds, grid, l1_ratio=0.0)
    loop = np.array(
        [
            [
                np.mean((y[va] - ridge(X[tr], y[tr], a).predict(X[va])) ** 2)
                for tr, va in folds
            ]
            for a in grid
        ]
    )
    np.testing.assert_allclose(ours, loop, rtol=1e-10)


@pytest.mark.parametrize("l1_ratio", [0.0, 0.5, 1.0])
def test_standardising_inside_the_folds_makes_units_irrelevant(diabetes, l1_ratio):
    X, y = diabetes
    X_units = X * np.linspace(0.01, 100, X.shape[1]) + 50.0  # same data, other units
    folds = kfold(len(y), 5, 4)
    grid = np.logspace(-1, 1, 5)
    a = cv_path_errors(X, y, folds, grid, l1_ratio=l1_ratio, standardise=True)
    b = cv_path_errors(X_units, y, folds, grid, l1_ratio=l1_ratio, standardise=True)
    np.testing.assert_allclose(a, b, rtol=1e-6)
    c = cv_path_errors(X_units, y, folds, grid, l1_ratio=l1_ratio)
    assert np.abs(c - b).max() > 1.0  # without it the penalty sees the units


def test_enet_alpha_grid_starts_where_every_coefficient_is_zero(diabetes):
    X, y = diabetes
    for r in (1.0, 0.5):
        grid = enet_alpha_grid(X, y, l1_ratio=r, n_alphas=10, eps=1e-2)
        assert grid.size == 10 and np.all(np.diff(grid) < 0)
        np.testing.assert_allclose(grid[-1] / grid[0], 1e-2, rtol=1e-12)
        at_max = ElasticNet(alpha=grid[0], l1_ratio=r, tol=1e-10).fit(X, y)
        below = ElasticNet(alpha=0.99 * grid[0], l1_ratio=r, tol=1e-10).fit(X, y)
        assert np.count_nonzero(at_max.coef_) == 0
        assert np.count_nonzero(below.coef_) > 0


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"alphas": [1.0, 0.0]}, ValueError, "alphas must all be > 0"),
        ({"l1_ratio": 1.5}, ValueError, r"l1_ratio must be in \[0, 1\]"),
        ({"folds": [(np.arange(5, 20), np.arange(5))]}, ValueError, "at least 2 folds"),
        (
            {"folds": [(np.arange(1), np.arange(1, 20))] * 2},
            ValueError,
            "train part must hold at least 2",
        ),
        (
            {"folds": [(np.arange(10), np.arange(10, 25))] * 2},
            ValueError,
            "must lie in 0..19",
        ),
        (
            {"folds": [(np.arange(10.0), np.arange(10.0, 20))] * 2},
            TypeError,
            "1-D integer array",
        ),
        ({"folds": 5}, TypeError, "sequence of"),
        ({"y": np.ones(19)}, ValueError, "must match"),
    ],
)
def test_cv_path_errors_refusals(kwargs, error, match):
    rng = np.random.default_rng(0)
    args = {
        "X": rng.standard_normal((20, 3)),
        "y": rng.standard_normal(20),
        "folds": kfold(20, 2, 0),
        "alphas": [1.0, 0.1],
    }
    args.update(kwargs)
    with pytest.raises(error, match=match):
        cv_path_errors(
            args["X"],
            args["y"],
            args["folds"],
            args["alphas"],
            **{k: v for k, v in kwargs.items() if k == "l1_ratio"},
        )


def test_cv_path_errors_refuses_a_constant_column_when_standardising():
    X = np.c_[np.ones(20), np.arange(20.0)]
    y = np.arange(20.0) % 3
    with pytest.raises(ValueError, match=r"column\(s\) \[0\] are constant"):
        cv_path_errors(X, y, kfold(20, 2, 0), [1.0], standardise=True)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"l1_ratio": 0.0}, "l1_ratio must be greater than 0"),
        ({"l1_ratio": 2.0}, r"l1_ratio must be in \(0, 1\]"),
        ({"n_alphas": 0}, "n_alphas must be at least 1"),
        ({"eps": 1.0}, r"eps must be in \(0, 1\)"),
    ],
)
def test_enet_alpha_grid_refusals(kwargs, match):
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=match):
        enet_alpha_grid(rng.standard_normal((10, 2)), rng.standard_normal(10), **kwargs)
