"""Tests of dsinterview.logistic (Newton/IRLS logistic regression) and its
simulated-data generator."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from sklearn.linear_model import LogisticRegression

from dsinterview.data import load_spector
from dsinterview.data.classification import make_logistic_regression
from dsinterview.logistic import (
    LogisticFit,
    SeparationError,
    check_separation,
    fit_newton,
    reliability_table,
)


@pytest.fixture(scope="module")
def spector():
    df = load_spector()
    return df[["GPA", "TUCE", "PSI"]].to_numpy(), df["GRADE"].to_numpy()


@pytest.fixture(scope="module")
def simulated():
    df = make_logistic_regression(
        n_samples=3000, coef=(1.0, -2.0, 0.5), intercept=-1.0, rho=0.3, seed=7
    )
    return df[["x1", "x2", "x3"]].to_numpy(), df["y"].to_numpy()


def _statsmodels(X, y, fit_intercept=True):
    design = sm.add_constant(X, has_constant="add") if fit_intercept else X
    return sm.Logit(y, design).fit(disp=0, method="newton", tol=1e-12, maxiter=100)


# --- agreement with reference implementations -----------------------------------------


@pytest.mark.parametrize("data", ["spector", "simulated"])
def test_matches_statsmodels(data, request):
    X, y = request.getfixturevalue(data)
    ours = fit_newton(X, y)
    ref = _statsmodels(X, y)
    np.testing.assert_allclose(ours.params, ref.params, rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours.bse, ref.bse, rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours.llf, ref.llf, rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours.cov_params, ref.cov_params(), rtol=0, atol=1e-6)


def test_matches_statsmodels_without_intercept(simulated):
    X, y = simulated
    ours = fit_newton(X, y, fit_intercept=False)
    ref = _statsmodels(X, y, fit_intercept=False)
    assert ours.params.shape == (3,)
    np.testing.assert_allclose(ours.params, ref.params, rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours.bse, ref.bse, rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours.llf, ref.llf, rtol=0, atol=1e-6)


@pytest.mark.parametrize("data", ["spector", "simulated"])
def test_matches_sklearn_unpenalised(data, request):
    X, y = request.getfixturevalue(data)
    ours = fit_newton(X, y)
    # C=np.inf is scikit-learn 1.9's spelling of penalty=None (the penalty argument is
    # deprecated).
    sk = LogisticRegression(
        C=np.inf, solver="newton-cholesky", tol=1e-12, max_iter=1000
    ).fit(X, y)
    np.testing.assert_allclose(
        ours.params, np.r_[sk.intercept_, sk.coef_.ravel()], rtol=0, atol=1e-6
    )
    np.testing.assert_allclose(
        ours.predict_proba(X), sk.predict_proba(X)[:, 1], rtol=0, atol=1e-8
    )


def test_recovers_planted_truth():
    truth = np.array([-1.0, 1.0, -2.0, 0.5])
    df = make_logistic_regression(
        n_samples=20000, coef=tuple(truth[1:]), intercept=truth[0], seed=11
    )
    fit = fit_newton(df[["x1", "x2", "x3"]].to_numpy(), df["y"].to_numpy())
    assert np.all(np.abs(fit.params - truth) < 4 * fit.bse)
    np.testing.assert_allclose(fit.params, truth, rtol=0, atol=0.1)


def test_score_is_zero_at_the_estimate(spector):
    X, y = spector
    fit = fit_newton(X, y)
    D = np.column_stack([np.ones(len(y)), X])
    gradient = D.T @ (y - fit.predict_proba(X))
    np.testing.assert_allclose(gradient, 0.0, rtol=0, atol=1e-9)


def test_deterministic(spector):
    X, y = spector
    a, b = fit_newton(X, y), fit_newton(X, y)
    np.testing.assert_array_equal(a.params, b.params)
    assert a.n_iter == b.n_iter and a.llf == b.llf


def test_result_fields_and_predict_proba(spector):
    X, y = spector
    fit = fit_newton(X, y)
    assert isinstance(fit, LogisticFit)
    assert fit.fit_intercept is True
    assert fit.params.shape == fit.bse.shape == (4,)
    assert 1 <= fit.n_iter <= 100
    proba = fit.predict_proba(X)
    assert proba.shape == (len(y),)
    assert np.all((proba > 0) & (proba < 1))
    np.testing.assert_allclose(
        fit.decision_function(X), np.log(proba / (1 - proba)), rtol=0, atol=1e-9
    )
    new = fit.predict_proba(np.array([[3.0, 20.0, 1.0], [2.0, 20.0, 0.0]]))
    assert new.shape == (2,)


def test_predict_proba_refuses_wrong_columns(spector):
    X, y = spector
    fit = fit_newton(X, y)
    with pytest.raises(
        ValueError, match="X has 2 columns but the model was fitted on 3"
    ):
        fit.predict_proba(X[:, :2])
    with pytest.raises(ValueError, match="must be finite"):
        fit.predict_proba(np.array([[np.nan, 1.0, 0.0]]))


# --- separation -----------------------------------------------------------------------

X_SEP = np.array(
    [[-3.0], [-2.0], [-1.5], [-1.0], [-0.5], [0.5], [1.0], [1.5], [2.0], [3.0]]
)
Y_SEP = (X_SEP[:, 0] > 0).astype(float)


def test_refuses_complete_separation():
    with pytest.raises(
        SeparationError,
        match="complete separation: a linear rule classifies 10 of the 10",
    ):
        fit_newton(X_SEP, Y_SEP)
    assert issubclass(SeparationError, ValueError)


def test_refuses_quasi_complete_separation():
    # Two tied points at x = 0 with different labels: every other point is still
    # perfectly classified.
    X = np.vstack([X_SEP, [[0.0], [0.0]]])
    y = np.r_[Y_SEP, 0.0, 1.0]
    message = "quasi-complete separation: a linear rule classifies 10 of the 12"
    with pytest.raises(SeparationError, match=message) as info:
        fit_newton(X, y)
    assert info.value.n_separated == 10
    np.testing.assert_array_equal(
        info.value.separated, np.r_[np.ones(10, dtype=bool), False, False]
    )


def test_refuses_separation_by_a_binary_feature(spector):
    # A dummy that is 1 only for students who improved separates those students:
    # quasi-complete.
    X, y = spector
    dummy = ((y == 1) & (X[:, 0] > 3.5)).astype(float)
    with pytest.raises(SeparationError, match="quasi-complete"):
        fit_newton(np.column_stack([X, dummy]), y)


def test_check_separation_counts():
    n, separated = check_separation(X_SEP, Y_SEP)
    assert n == 10
    np.testing.assert_array_equal(separated, np.ones(10, dtype=bool))
    # Quasi-complete: the two tied points at x = 0 overlap, the other ten are perfectly
    # classified.
    n_q, separated_q = check_separation(
        np.vstack([X_SEP, [[0.0], [0.0]]]), np.r_[Y_SEP, 0.0, 1.0]
    )
    assert n_q == 10
    np.testing.assert_array_equal(
        separated_q, np.r_[np.ones(10, dtype=bool), False, False]
    )


def test_check_separation_finds_a_single_separated_point(spector):
    # A dummy that is 1 for exactly one student, who improved: only that student is
    # perfectly predicted.
    X, y = spector
    dummy = np.zeros(len(y))
    dummy[np.flatnonzero(y == 1)[0]] = 1.0
    n, separated = check_separation(np.column_stack([X, dummy]), y)
    assert n == 1
    assert separated[np.flatnonzero(y == 1)[0]]


def test_check_separation_finds_none_when_classes_overlap(spector, simulated):
    for X, y in (spector, simulated):
        n, separated = check_separation(X, y)
        assert n == 0
        assert not separated.any()


def test_check_separation_is_scale_invariant():
    # Separability does not depend on units: the LP must give the same answer on wildly
    # scaled columns.
    X = np.column_stack([X_SEP[:, 0] * 1e6, np.arange(10.0) * 1e-6])
    assert check_separation(X, Y_SEP)[0] == 10


def test_separation_without_intercept():
    # Through the origin, x > 0 <=> y = 1 separates; with a shifted threshold it does
    # not.
    assert check_separation(X_SEP, Y_SEP, fit_intercept=False)[0] == 10
    y = (X_SEP[:, 0] > 1.2).astype(float)
    assert check_separation(X_SEP, y, fit_intercept=False)[0] == 0
    assert check_separation(X_SEP, y, fit_intercept=True)[0] == 10


# --- refusals of bad input ------------------------------------------------------------


def test_refuses_non_binary_y(spector):
    X, y = spector
    with pytest.raises(
        ValueError, match="y must be binary, coded 0/1; it has 1 other values"
    ):
        fit_newton(X, np.r_[y[:-1], 2.0])
    with pytest.raises(ValueError, match="y must be binary"):
        fit_newton(X, 2 * y - 1)  # coded -1/+1


def test_refuses_single_class(spector):
    X, _ = spector
    with pytest.raises(ValueError, match="both classes 0 and 1; every entry is 0"):
        fit_newton(X, np.zeros(X.shape[0]))


def test_refuses_nan_and_inf(spector):
    X, y = spector
    X_nan = X.copy()
    X_nan[3, 1] = np.nan
    with pytest.raises(
        ValueError, match="X must be finite; it contains 1 NaN and 0 infinite"
    ):
        fit_newton(X_nan, y)
    y_inf = y.astype(float).copy()
    y_inf[0] = np.inf
    with pytest.raises(
        ValueError, match="y must be finite; it contains 0 NaN and 1 infinite"
    ):
        fit_newton(X, y_inf)


def test_refuses_mismatched_shapes(spector):
    X, y = spector
    with pytest.raises(ValueError, match="y has 31 entries but X has 32 rows"):
        fit_newton(X, y[:-1])
    with pytest.raises(ValueError, match="X must be 2-D"):
        fit_newton(X[:, 0], y)
    with pytest.raises(ValueError, match="y must be 1-D"):
        fit_newton(X, np.column_stack([y, y]))


def test_refuses_collinear_columns(spector):
    X, y = spector
    with pytest.raises(ValueError, match="has 5 columns but rank 4"):
        fit_newton(np.column_stack([X, X[:, 0] + X[:, 1]]), y)
    with pytest.raises(
        ValueError, match="constant column and fit_intercept=True adds another"
    ):
        fit_newton(sm.add_constant(X), y)


def test_refuses_bad_arguments(spector):
    X, y = spector
    with pytest.raises(TypeError, match="fit_intercept must be True or False"):
        fit_newton(X, y, fit_intercept=1)
    with pytest.raises(ValueError, match="tol must be greater than 0"):
        fit_newton(X, y, tol=0.0)
    with pytest.raises(TypeError, match="max_iter must be an integer"):
        fit_newton(X, y, max_iter=2.5)
    with pytest.raises(ValueError, match="max_iter must be at least 1"):
        fit_newton(X, y, max_iter=0)
    with pytest.raises(TypeError, match="X must be numeric"):
        fit_newton([["a", "b", "c"]] * 32, y)


def test_refuses_when_not_converged(spector):
    X, y = spector
    with pytest.raises(ValueError, match="did not converge in max_iter=2 steps"):
        fit_newton(X, y, max_iter=2)


# --- the generator --------------------------------------------------------------------


def test_generator_is_deterministic_and_shaped():
    a = make_logistic_regression(n_samples=500, seed=3)
    b = make_logistic_regression(n_samples=500, seed=3)
    assert a.equals(b)
    assert list(a.columns) == ["x1", "x2", "x3", "p_true", "y"]
    assert set(np.unique(a["y"])) <= {0, 1}
    assert not a.equals(make_logistic_regression(n_samples=500, seed=4))


def test_generator_plants_the_correlation_and_probabilities():
    df = make_logistic_regression(
        n_samples=50000, coef=(1.0, 0.0), intercept=0.5, rho=0.6, seed=5
    )
    np.testing.assert_allclose(np.corrcoef(df["x1"], df["x2"])[0, 1], 0.6, atol=0.02)
    np.testing.assert_allclose(
        df["p_true"], 1 / (1 + np.exp(-(0.5 + df["x1"]))), rtol=0, atol=1e-12
    )
    np.testing.assert_allclose(df["y"].mean(), df["p_true"].mean(), atol=0.01)


def test_generator_refuses_bad_arguments():
    with pytest.raises(ValueError, match="rho must be in \\[0, 1\\)"):
        make_logistic_regression(rho=1.0)
    with pytest.raises(ValueError, match="n_samples must be at least 2"):
        make_logistic_regression(n_samples=1)
    with pytest.raises(ValueError, match="coef must be finite"):
        make_logistic_regression(coef=(1.0, np.nan))
    with pytest.raises(TypeError, match="seed must be an integer"):
        make_logistic_regression(seed=1.5)


# --- reliability_table ----------------------------------------------------------------


def test_reliability_table_by_hand():
    # eight predictions in four quantile bins of two; the Wilson interval by hand for
    # 1 of 2: centre (1 + z^2/2) / (2 + z^2) = 0.5, half-width
    # z sqrt(0.25 * 2 + z^2 / 4) / (2 + z^2)
    p = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]
    y = [0, 0, 0, 1, 1, 0, 1, 1]
    table = reliability_table(p, y, bins=4)
    assert list(table.columns) == [
        "predicted",
        "observed",
        "low",
        "high",
        "positives",
        "count",
    ]
    assert table.index.name == "bin"
    np.testing.assert_allclose(table["predicted"], [0.15, 0.35, 0.55, 0.75])
    np.testing.assert_allclose(table["observed"], [0.0, 0.5, 0.5, 1.0])
    assert table["count"].tolist() == [2, 2, 2, 2]
    assert table["positives"].tolist() == [0, 1, 1, 2]
    z = 1.959963984540054
    half = z * np.sqrt(0.25 * 2 + z**2 / 4) / (2 + z**2)
    np.testing.assert_allclose(table.loc[1, ["low", "high"]], [0.5 - half, 0.5 + half])


def test_reliability_table_matches_scikit_learn():
    from sklearn.calibration import calibration_curve

    rng = np.random.default_rng(3)
    p = rng.beta(2, 5, size=2000)
    y = (rng.uniform(size=2000) < p).astype(int)
    table = reliability_table(p, y, bins=8)
    observed, predicted = calibration_curve(y, p, n_bins=8, strategy="quantile")
    np.testing.assert_allclose(table["observed"], observed, rtol=0, atol=1e-12)
    np.testing.assert_allclose(table["predicted"], predicted, rtol=0, atol=1e-12)
    assert table["count"].sum() == 2000


def test_reliability_table_tells_calibrated_from_inflated():
    # y ~ Bernoulli(p): a 95% interval misses the mean prediction in about 1 bin of 20;
    # predictions doubled in odds miss in nearly every bin with 1,000 rows each
    rng = np.random.default_rng(4)
    p = rng.uniform(0.05, 0.6, size=20_000)
    y = (rng.uniform(size=p.size) < p).astype(int)
    odds = 2 * p / (1 - p)

    def covered(q):
        t = reliability_table(q, y, bins=20)
        return int(t["predicted"].between(t["low"], t["high"]).sum())

    assert covered(p) >= 16  # P(fewer than 16 of 20 at 95%) is below 0.003
    assert covered(odds / (1 + odds)) <= 4


def test_reliability_table_drops_empty_bins_of_tied_predictions():
    table = reliability_table([0.2] * 6 + [0.9] * 2, [0, 1, 0, 0, 0, 0, 1, 1], bins=4)
    assert table["count"].sum() == 8
    assert table["count"].tolist() == [6, 2]
    np.testing.assert_allclose(table["observed"], [1 / 6, 1.0])


@pytest.mark.parametrize(
    ("probabilities", "labels", "kwargs", "error", "message"),
    [
        ([0.1, 0.2], [0, 1, 1], {}, ValueError, "labels has 3 entries"),
        ([0.1, np.nan], [0, 1], {"bins": 1}, ValueError, "probabilities has NaN"),
        ([0.1, 1.2], [0, 1], {"bins": 1}, ValueError, r"must lie in \[0, 1\]"),
        ([-0.1, 0.2], [0, 1], {"bins": 1}, ValueError, r"must lie in \[0, 1\]"),
        ([0.1, 0.2], [0, 2], {"bins": 1}, ValueError, "0 or 1"),
        ([0.1, 0.2], [0, 1], {"bins": 0}, ValueError, "bins must be at least 1"),
        ([0.1, 0.2], [0, 1], {"bins": 3}, ValueError, "exceeds the 2 predictions"),
        ([0.1, 0.2], [0, 1], {"bins": 1.5}, TypeError, "bins must be an integer"),
        ([0.1, 0.2], [0, 1], {"bins": 1, "level": 1.0}, ValueError, "level must be"),
        (["a", "b"], [0, 1], {"bins": 1}, TypeError, "probabilities must be numeric"),
    ],
)
def test_reliability_table_refusals(probabilities, labels, kwargs, error, message):
    with pytest.raises(error, match=message):
        reliability_table(probabilities, labels, **kwargs)
