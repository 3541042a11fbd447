"""dsinterview.mmm.fit_mmm: recovery of a planted response, calibration, refusals."""

from __future__ import annotations

import numpy as np
import pytest

from dsinterview.mmm import fit_mmm


def _world(seed=0, T=400, R=8, confound=0.0):
    rng = np.random.default_rng(seed)
    demand = rng.normal(0, 1, (T, R))
    spend = {
        "a": rng.lognormal(np.log(100), 0.5, (T, R)),
        "b": rng.lognormal(np.log(50), 0.5, (T, R)) * np.exp(confound * demand),
    }
    truth = {"a": (0.5, 6.0, 120.0), "b": (0.0, 2.0, 60.0)}  # decay, beta, kappa
    y = 10 + rng.normal(0, 0.2, (T, 1)) + rng.normal(0, 0.2, (1, R)) + confound * demand
    contrib = {}
    for c, (d, b, k) in truth.items():
        a = np.zeros_like(spend[c])
        prev = np.zeros(R)
        for t in range(T):
            prev = d * prev + (1 - d) * spend[c][t]
            a[t] = prev
        resp = b * -np.expm1(-a / k)
        contrib[c] = resp.mean()
        y = y + resp
    y = y + rng.normal(0, 0.5, (T, R))
    return y, spend, contrib, demand


def test_recovers_the_planted_contributions_within_their_standard_errors():
    y, spend, contrib, _ = _world()
    fit = fit_mmm(y, spend)
    for c in spend:
        z = (fit.loc[c, "contribution"] - contrib[c]) / fit.loc[c, "contribution_se"]
        assert abs(z) < 4
    assert fit.loc["a", "decay"] == pytest.approx(0.5, abs=0.1)
    assert fit.attrs["n"] == y.size


def test_a_national_series_with_controls():
    y, spend, contrib, _ = _world(T=600, R=1)
    controls = np.ones((600, 1))
    fit = fit_mmm(y[:, 0], {c: s[:, 0] for c, s in spend.items()}, controls=controls)
    assert fit.loc["a", "contribution"] == pytest.approx(contrib["a"], rel=0.2)


def test_a_tight_prior_pins_a_contribution_and_a_covariate_removes_confounding():
    y, spend, contrib, demand = _world(confound=0.5)
    biased = fit_mmm(y, spend)
    assert abs(biased.loc["b", "contribution"] - contrib["b"]) > 0.3
    pinned = fit_mmm(y, spend, priors={"b": (contrib["b"], 1e-3)})
    assert pinned.loc["b", "contribution"] == pytest.approx(contrib["b"], abs=0.01)
    fixed = fit_mmm(y, spend, covariates=[demand])
    z = (fixed.loc["b", "contribution"] - contrib["b"]) / fixed.loc[
        "b", "contribution_se"
    ]
    assert abs(z) < 4


def test_refusals():
    y, spend, _, _ = _world(T=50, R=3)
    with pytest.raises(TypeError, match="spend must be a non-empty mapping"):
        fit_mmm(y, [1, 2])
    with pytest.raises(ValueError, match="shape of y"):
        fit_mmm(y, {"a": spend["a"][:-1]})
    with pytest.raises(ValueError, match="non-negative"):
        fit_mmm(y, {"a": -spend["a"]})
    with pytest.raises(ValueError, match="finite"):
        fit_mmm(np.where(y > 0, np.nan, y), spend)
    with pytest.raises(ValueError, match="priors name channels"):
        fit_mmm(y, spend, priors={"zzz": (1.0, 1.0)})
    with pytest.raises(ValueError, match="sd"):
        fit_mmm(y, spend, priors={"a": (1.0, 0.0)})
    with pytest.raises(ValueError, match="needs a 2-D"):
        fit_mmm(y[:, 0], {c: s[:, 0] for c, s in spend.items()})
    with pytest.raises(ValueError, match="controls must be a finite"):
        fit_mmm(
            y[:, 0], {c: s[:, 0] for c, s in spend.items()}, controls=np.ones((3, 1))
        )
    with pytest.raises(ValueError, match="decay_bounds"):
        fit_mmm(y, spend, decay_bounds=(0.0, 1.0))
    with pytest.raises(ValueError, match="prior_cells"):
        fit_mmm(y, spend, priors={"a": (1.0, 1.0)}, prior_cells=np.ones(3, bool))
    with pytest.raises(ValueError, match="controls must be"):
        fit_mmm(y, spend, controls="oneway")
