"""Tests of dsinterview.recsys: the temporal split, implicit ALS (objective, exact
solves), biased MF, top-k retrieval, the ranking metrics and every refusal."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from dsinterview.recsys import (
    ALSModel,
    biased_mf,
    catalog_coverage,
    evaluate_top_k,
    implicit_als,
    implicit_als_loss,
    item_item_scores,
    ndcg_at_k,
    novelty,
    popularity_scores,
    precision_at_k,
    recall_at_k,
    recommend,
    temporal_split,
    top_k,
)


@pytest.fixture(scope="module")
def counts():
    rng = np.random.default_rng(3)
    dense = rng.poisson(0.4, size=(30, 25)).astype(float)
    dense[0, :] = 0.0  # a user with no interactions
    return sp.csr_matrix(dense)


# --- temporal split -------------------------------------------------------------------


def test_temporal_split_puts_each_users_latest_rows_in_test():
    rng = np.random.default_rng(0)
    n = 400
    df = pd.DataFrame(
        {
            "user_id": rng.integers(0, 20, n),
            "timestamp": rng.integers(0, 50, n),  # many ties
            "item": np.arange(n),
        }
    )
    train, test = temporal_split(df, test_fraction=0.25)
    assert len(train) + len(test) == n
    assert set(train.index).isdisjoint(test.index)
    for u, rows in df.groupby("user_id"):
        te = test[test.user_id == u]
        tr = train[train.user_id == u]
        assert len(te) == math.floor(len(rows) * 0.25)
        if len(te) and len(tr):
            assert te.timestamp.min() >= tr.timestamp.max()


def test_temporal_split_other_column_names_and_small_users():
    df = pd.DataFrame({"u": [1, 1, 1, 2], "t": [3, 1, 2, 5]})
    train, test = temporal_split(df, user="u", time="t", test_fraction=0.5)
    assert list(test.index) == [0]  # user 1's latest; user 2 keeps its one row
    assert list(train.index) == [1, 2, 3]


@pytest.mark.parametrize("fraction", [0, 1, -0.1, 1.5])
def test_temporal_split_refuses_a_bad_fraction(fraction):
    df = pd.DataFrame({"user_id": [1], "timestamp": [1]})
    with pytest.raises(ValueError, match="test_fraction"):
        temporal_split(df, test_fraction=fraction)


def test_temporal_split_refuses_missing_columns_and_non_frames():
    with pytest.raises(ValueError, match="missing the column"):
        temporal_split(pd.DataFrame({"user_id": [1]}))
    with pytest.raises(TypeError, match="DataFrame"):
        temporal_split([[1, 2]])


# --- implicit ALS ---------------------------------------------------------------------


def test_the_objective_never_increases(counts):
    model = implicit_als(
        counts, factors=4, regularization=0.5, alpha=2.0, iterations=15, seed=1
    )
    history = np.array(model.loss_history)
    assert history.size == 15
    assert np.all(np.diff(history) <= 1e-9 * history[:-1])
    assert model.user_factors.shape == (30, 4)
    assert model.item_factors.shape == (25, 4)
    np.testing.assert_allclose(model.user_factors[0], 0.0, atol=1e-12)


def test_the_loss_formula_equals_the_dense_objective(counts):
    model = implicit_als(
        counts, factors=3, regularization=0.7, alpha=1.5, iterations=2, seed=0
    )
    X, Y = model.user_factors, model.item_factors
    R = counts.toarray()
    P, C = (R > 0).astype(float), 1 + 1.5 * R
    dense = np.sum(C * (P - X @ Y.T) ** 2) + 0.7 * (np.sum(X**2) + np.sum(Y**2))
    ours = implicit_als_loss(counts, X, Y, regularization=0.7, alpha=1.5)
    np.testing.assert_allclose(ours, dense, rtol=1e-12)
    np.testing.assert_allclose(model.loss_history[-1], dense, rtol=1e-12)


def _ridge_rows(F, P, C, lam):
    """Row j solves min_x sum_i C[j, i] (P[j, i] - F[i] x)^2 + lam |x|^2 by a dense
    least-squares solve of the stacked problem [sqrt(C) F; sqrt(lam) I]."""
    f = F.shape[1]
    out = []
    for p, c in zip(P, C, strict=True):
        w = np.sqrt(c)
        A = np.vstack([F * w[:, None], math.sqrt(lam) * np.eye(f)])
        out.append(np.linalg.lstsq(A, np.r_[p * w, np.zeros(f)], rcond=None)[0])
    return np.vstack(out)


def test_each_step_is_the_exact_weighted_ridge_solution(counts):
    """One sweep, redone one user (then one item) at a time by dense least squares."""
    lam, alpha = 0.3, 3.0
    model = implicit_als(
        counts, factors=3, regularization=lam, alpha=alpha, iterations=1, seed=5
    )
    Y0 = np.random.default_rng(5).normal(0.0, 0.1, size=(25, 3))  # the start
    R = counts.toarray()
    P, C = (R > 0).astype(float), 1 + alpha * R
    X_ref = _ridge_rows(Y0, P, C, lam)
    Y_ref = _ridge_rows(X_ref, P.T, C.T, lam)
    np.testing.assert_allclose(model.user_factors, X_ref, rtol=0, atol=1e-10)
    np.testing.assert_allclose(model.item_factors, Y_ref, rtol=0, atol=1e-10)


def test_als_is_deterministic_given_a_seed_and_accepts_dense_input(counts):
    a = implicit_als(counts, factors=2, regularization=1, alpha=1, iterations=3, seed=9)
    b = implicit_als(
        counts.toarray(), factors=2, regularization=1, alpha=1, iterations=3, seed=9
    )
    np.testing.assert_array_equal(a.item_factors, b.item_factors)
    assert isinstance(a, ALSModel)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(factors=0), ValueError, "factors must be at least 1"),
        (dict(factors=2.5), TypeError, "factors must be an integer"),
        (dict(iterations=0), ValueError, "iterations must be at least 1"),
        (dict(regularization=-1.0), ValueError, "regularization must be at least 0"),
        (dict(alpha=-0.5), ValueError, "alpha must be at least 0"),
        (dict(alpha=float("nan")), ValueError, "alpha must be finite"),
    ],
)
def test_als_refuses_bad_settings(counts, kwargs, error, match):
    args = dict(factors=2, regularization=1.0, alpha=1.0, iterations=2) | kwargs
    with pytest.raises(error, match=match):
        implicit_als(counts, **args)


@pytest.mark.parametrize(
    ("R", "match"),
    [
        (np.ones(5), "must be 2-D"),
        (np.ones((2, 2, 2)), "must be 2-D"),
        (np.array([[1.0, -1.0]]), "non-negative"),
        (np.array([[1.0, np.nan]]), "finite"),
        (sp.csr_matrix(np.array([[1.0, np.inf]])), "finite"),
        (np.zeros((0, 3)), "at least one user"),
    ],
)
def test_als_refuses_bad_matrices(R, match):
    with pytest.raises(ValueError, match=match):
        implicit_als(R, factors=1, regularization=1.0, alpha=1.0, iterations=1)


def test_als_refuses_non_numeric_matrices():
    with pytest.raises(TypeError, match="sparse matrix or a numeric"):
        implicit_als([["a"]], factors=1, regularization=1.0, alpha=1.0, iterations=1)


# --- biased MF ------------------------------------------------------------------------


def test_biased_mf_recovers_planted_biases_and_its_loss_falls():
    rng = np.random.default_rng(11)
    n_u, n_i = 200, 60
    bu, bi = rng.normal(0, 0.5, n_u), rng.normal(0, 0.5, n_i)
    mask = rng.random((n_u, n_i)) < 0.5
    R = np.where(
        mask, 3.0 + bu[:, None] + bi[None, :] + rng.normal(0, 0.1, mask.shape), 0
    )
    fit = biased_mf(
        sp.csr_matrix(R), factors=2, regularization=0.1, iterations=10, seed=0
    )
    assert np.all(np.diff(fit.loss_history) <= 1e-9 * np.array(fit.loss_history[:-1]))
    rows, cols = np.nonzero(mask)
    pred = fit.predict(rows, cols)
    assert np.sqrt(np.mean((pred - R[rows, cols]) ** 2)) < 0.12
    # biases are identified up to a shared constant
    np.testing.assert_allclose(
        fit.user_bias - fit.user_bias.mean(), bu - bu.mean(), atol=0.1
    )


def test_biased_mf_predict_refusals():
    fit = biased_mf(np.eye(3) + 1, factors=1, regularization=1.0, iterations=1, seed=0)
    with pytest.raises(ValueError, match="out of range"):
        fit.predict([0, 5], [0, 1])
    with pytest.raises(TypeError, match="integer indices"):
        fit.predict([0.5], [1])
    with pytest.raises(ValueError, match="same length"):
        fit.predict([0, 1], [1])
    with pytest.raises(ValueError, match="factors must be at least 1"):
        biased_mf(np.eye(3), factors=0, regularization=1.0, iterations=1)


# --- retrieval ------------------------------------------------------------------------


def test_top_k_orders_best_first_and_breaks_ties_by_index():
    rng = np.random.default_rng(2)
    S = rng.integers(0, 4, size=(40, 30)).astype(float)  # many ties
    ref = np.array([np.lexsort((np.arange(30), -row))[:6] for row in S])
    np.testing.assert_array_equal(top_k(S, 6), ref)
    np.testing.assert_array_equal(top_k([3.0, 1.0, 3.0, 2.0], 2), [0, 2])
    np.testing.assert_array_equal(top_k([1.0, 2.0], 5), [1, 0])


def test_top_k_excludes_items():
    S = np.array([[5.0, 4.0, 3.0], [1.0, 2.0, 3.0]])
    seen = sp.csr_matrix(np.array([[1.0, 0, 0], [0, 0, 2.0]]))
    np.testing.assert_array_equal(top_k(S, 2, exclude=seen), [[1, 2], [1, 0]])
    np.testing.assert_array_equal(
        top_k(S[0], 1, exclude=np.array([True, False, False])), [1]
    )
    with pytest.raises(ValueError, match="exclude has shape"):
        top_k(S, 1, exclude=np.ones((3, 3), dtype=bool))


@pytest.mark.parametrize(
    ("scores", "k", "error", "match"),
    [
        ([1.0, 2.0], 0, ValueError, "k must be at least 1"),
        ([1.0, 2.0], 1.5, TypeError, "k must be an integer"),
        (np.ones((2, 2, 2)), 1, ValueError, "1-D"),
        ([1.0, np.nan], 1, ValueError, "NaN"),
    ],
)
def test_top_k_refusals(scores, k, error, match):
    with pytest.raises(error, match=match):
        top_k(scores, k)


def test_recommend_matches_scores_and_skips_seen(counts):
    model = implicit_als(
        counts, factors=3, regularization=1.0, alpha=2.0, iterations=3, seed=0
    )
    u = 4
    scores = model.item_factors @ model.user_factors[u]
    seen = set(counts[u].indices)
    expected = [i for i in np.lexsort((np.arange(25), -scores)) if i not in seen][:5]
    np.testing.assert_array_equal(recommend(model, counts, u, 5), expected)
    everything = recommend(model, counts, u, 5, exclude_seen=False)
    np.testing.assert_array_equal(everything, np.lexsort((np.arange(25), -scores))[:5])


def test_recommend_refusals(counts):
    model = implicit_als(
        counts, factors=2, regularization=1.0, alpha=1.0, iterations=1, seed=0
    )
    with pytest.raises(ValueError, match=r"user must be in \[0, 30\)"):
        recommend(model, counts, 30, 3)
    with pytest.raises(ValueError, match="user must be in"):
        recommend(model, counts, -1, 3)
    with pytest.raises(TypeError, match="user must be an integer"):
        recommend(model, counts, 1.0, 3)
    with pytest.raises(ValueError, match="k must be at least 1"):
        recommend(model, counts, 1, 0)
    with pytest.raises(ValueError, match="R has shape"):
        recommend(model, counts[:, :5], 1, 3)
    with pytest.raises(TypeError, match="ALSModel"):
        recommend("model", counts, 1, 3)


# --- metrics --------------------------------------------------------------------------


def test_metrics_on_a_hand_computed_example():
    rec = [7, 3, 9, 1, 5]
    rel = {3, 5, 8}
    assert precision_at_k(rec, rel, 5) == pytest.approx(2 / 5)
    assert precision_at_k(rec, rel, 2) == pytest.approx(1 / 2)
    assert recall_at_k(rec, rel, 5) == pytest.approx(2 / 3)
    # hits at positions 2 and 5; the ideal list has its three hits at 1, 2, 3
    dcg = 1 / math.log2(3) + 1 / math.log2(6)
    ideal = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at_k(rec, rel, 5) == pytest.approx(dcg / ideal)
    # with k = 2 the ideal list holds min(k, |rel|) = 2 hits
    assert ndcg_at_k(rec, rel, 2) == pytest.approx(
        (1 / math.log2(3)) / (1 + 1 / math.log2(3))
    )
    assert ndcg_at_k([3, 5], {3, 5}, 10) == pytest.approx(1.0)
    assert precision_at_k([1], {1}, 3) == pytest.approx(1 / 3)  # divides by k


def test_evaluate_top_k_averages_users_with_relevant_items():
    rec = np.array([[1, 2], [3, 4], [5, 6]])
    rel = [{1}, set(), {6, 9}]
    out = evaluate_top_k(rec, rel, 2)
    assert out["users"] == 2
    assert out["precision"] == pytest.approx((0.5 + 0.5) / 2)
    assert out["recall"] == pytest.approx((1 + 0.5) / 2)
    with pytest.raises(ValueError, match="no user has a relevant item"):
        evaluate_top_k(rec, [set(), set(), set()], 2)
    with pytest.raises(ValueError, match="must match"):
        evaluate_top_k(rec, rel[:2], 2)
    with pytest.raises(ValueError, match="2-D"):
        evaluate_top_k([1, 2], rel, 2)


def test_metric_refusals():
    with pytest.raises(ValueError, match="k must be at least 1"):
        precision_at_k([1], {1}, 0)
    with pytest.raises(ValueError, match="recall is undefined"):
        recall_at_k([1], set(), 1)
    with pytest.raises(ValueError, match="NDCG is undefined"):
        ndcg_at_k([1], set(), 1)
    with pytest.raises(TypeError, match="relevant must be a set"):
        precision_at_k([1], 1, 1)


def test_coverage_and_novelty():
    rec = np.array([[0, 1], [1, 2]])
    assert catalog_coverage(rec, 10) == pytest.approx(0.3)
    counts = np.array([3, 1, 0])
    expected = np.mean(-np.log2((counts[rec.ravel()] + 1) / 4))
    assert novelty(rec, counts, 3) == pytest.approx(expected)
    with pytest.raises(ValueError, match="indices"):
        catalog_coverage(rec, 2)
    with pytest.raises(ValueError, match="non-negative"):
        novelty(rec, [-1, 1, 1], 3)
    with pytest.raises(ValueError, match="indices"):
        novelty(rec, [1, 1], 3)


# --- the viewing simulation -----------------------------------------------------------


def test_viewing_histories_follow_their_rules():
    from dsinterview.data.viewing import make_viewing_histories

    d = make_viewing_histories(
        n_members=300, n_series=60, n_episodes=4, n_plays=20, seed=4
    )
    again = make_viewing_histories(
        n_members=300, n_series=60, n_episodes=4, n_plays=20, seed=4
    )
    pd.testing.assert_frame_equal(d.plays, again.plays)
    plays = d.plays
    assert len(plays) == 300 * 20
    prev = plays.groupby("member").shift()
    cont = ~plays["new_series"]
    # a continuation is the next episode of the same series
    assert (plays.loc[cont, "series"] == prev.loc[cont, "series"]).all()
    assert (plays.loc[cont, "episode"] == prev.loc[cont, "episode"] + 1).all()
    # a new start is episode 0 of a series the member never started before
    starts = plays[plays["new_series"]]
    assert (starts["episode"] == 0).all()
    assert not starts.duplicated(["member", "series"]).any()
    # the planted continuation rate is recovered (4 binomial standard errors)
    in_progress = (prev["episode"] < 3).to_numpy()
    rate = cont.to_numpy()[in_progress].mean()
    se = np.sqrt(0.6 * 0.4 / in_progress.sum())
    assert abs(rate - 0.6) < 4 * se
    drifted = d.switch_step < 20
    assert 0.35 < drifted.mean() < 0.65 and (d.switch_step[drifted] >= 10).all()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(p_continue=1.5), "p_continue must be a probability"),
        (dict(drift_share=-0.1), "drift_share must be at least 0"),
        (dict(n_series=10, n_plays=20), "n_series"),
        (dict(taste_concentration=0.0), "taste_concentration must be greater"),
        (dict(n_members=0), "n_members must be at least 1"),
    ],
)
def test_viewing_histories_refusals(kwargs, match):
    from dsinterview.data.viewing import make_viewing_histories

    with pytest.raises(ValueError, match=match):
        make_viewing_histories(**kwargs)


def test_evaluate_top_k_equals_the_three_metrics_averaged():
    rng = np.random.default_rng(8)
    rec = np.array([rng.permutation(50)[:7] for _ in range(40)])
    rel = [
        set(rng.choice(50, size=rng.integers(0, 12), replace=False)) for _ in range(40)
    ]
    users = [j for j in range(40) if rel[j]]
    out = evaluate_top_k(rec, rel, 5)
    for name, fn in [
        ("precision", precision_at_k),
        ("recall", recall_at_k),
        ("ndcg", ndcg_at_k),
    ]:
        expected = np.mean([fn(rec[j], rel[j], 5) for j in users])
        assert out[name] == pytest.approx(expected, rel=1e-12)
    assert out["users"] == len(users)


# --- popularity and item-item --------------------------------------------------------


def test_popularity_scores_count_the_members_who_played_each_title(counts):
    S = popularity_scores(counts)
    dense = counts.toarray()
    assert S.shape == dense.shape
    np.testing.assert_array_equal(S[3], (dense > 0).sum(axis=0))
    np.testing.assert_array_equal(S[0], S[-1])  # the same list for everybody


def test_item_item_scores_equal_a_dense_cosine_computation(counts):
    B = (counts.toarray() > 0).astype(float)
    norms = np.linalg.norm(B, axis=0)
    cos = (B.T @ B) / np.outer(
        np.where(norms > 0, norms, 1), np.where(norms > 0, norms, 1)
    )
    expected = np.array([cos[b > 0].sum(axis=0) for b in B])
    np.testing.assert_allclose(item_item_scores(counts), expected, atol=1e-12)
    assert np.all(item_item_scores(counts)[0] == 0)  # a user with no plays


def test_popularity_and_item_item_refuse_bad_matrices():
    for fn in (popularity_scores, item_item_scores):
        with pytest.raises(ValueError, match="non-negative"):
            fn(np.array([[1.0, -1.0]]))
        with pytest.raises(ValueError, match="2-D"):
            fn(np.ones(3))
