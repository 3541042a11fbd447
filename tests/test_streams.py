"""Tests of dsinterview.data.streams: the drifting stream is deterministic and carries
its planted truth."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from dsinterview.data.streams import drifting_stream_coefficients, make_drifting_stream


def test_same_seed_same_stream_and_different_seed_differs():
    a = make_drifting_stream(n_events=500, change_at=200, seed=1)
    b = make_drifting_stream(n_events=500, change_at=200, seed=1)
    c = make_drifting_stream(n_events=500, change_at=200, seed=2)
    assert a.equals(b)
    assert not a.equals(c)


def test_layout_and_regimes():
    s = make_drifting_stream(n_events=300, change_at=120, seed=3)
    assert list(s.columns) == ["t", "regime", "x1", "x2", "x3", "p", "y"]
    assert (s["t"].to_numpy() == np.arange(300)).all()
    assert (s["regime"].iloc[:120] == "before").all() and (
        s["regime"].iloc[120:] == "after"
    ).all()
    assert set(np.unique(s["y"])) <= {0, 1}


def test_probabilities_follow_the_planted_parameters():
    s = make_drifting_stream(n_events=1000, change_at=400, seed=4)
    truth = drifting_stream_coefficients()
    X = np.c_[np.ones(len(s)), s[["x1", "x2", "x3"]].to_numpy()]
    regime = np.where(s["regime"] == "after", 1, 0)
    expected = 1 / (1 + np.exp(-np.einsum("ij,ij->i", X, truth.to_numpy()[regime])))
    np.testing.assert_allclose(s["p"].to_numpy(), expected, rtol=1e-12, atol=0)


def test_logistic_fit_recovers_each_regime():
    s = make_drifting_stream(n_events=60_000, change_at=30_000, seed=5)
    truth = drifting_stream_coefficients()
    for regime in ["before", "after"]:
        part = s[s["regime"] == regime]
        X = np.c_[np.ones(len(part)), part[["x1", "x2", "x3"]].to_numpy()]
        fit = sm.Logit(part["y"].to_numpy(), X).fit(disp=0)
        # 30,000 events per regime: standard errors are about 0.02, so 0.1 is five of
        # them.
        np.testing.assert_allclose(
            fit.params, truth.loc[regime].to_numpy(), rtol=0, atol=0.1
        )


def test_refusals():
    with pytest.raises(ValueError, match="change_at must be less than n_events"):
        make_drifting_stream(n_events=100, change_at=100)
    with pytest.raises(ValueError, match="change_at must be at least 1"):
        make_drifting_stream(n_events=100, change_at=0)
    with pytest.raises(TypeError, match="n_events must be an integer"):
        make_drifting_stream(n_events=100.0, change_at=10)
    with pytest.raises(ValueError, match="same length"):
        make_drifting_stream(coef_before=(1.0, 2.0), coef_after=(1.0, 2.0, 3.0))
    with pytest.raises(ValueError, match="coef_after must be finite"):
        drifting_stream_coefficients(coef_after=(1.0, np.nan, 0.0))
    with pytest.raises(ValueError, match="intercept_before must be finite"):
        drifting_stream_coefficients(intercept_before=np.inf)
