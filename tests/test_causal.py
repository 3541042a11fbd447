"""dsinterview.causal: DiD, 2SLS and propensity estimates against statsmodels and
linearmodels, and their refusals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from linearmodels.iv import IV2SLS

from dsinterview.causal import Estimate, did, ipw_att, iv_2sls, match_att
from dsinterview.data import load_cigarettes_sw, load_kielmc, load_nsw


def _did_frame(seed=0, n=400, effect=2.0):
    rng = np.random.default_rng(seed)
    g = rng.integers(0, 20, n)
    treated = (g < 10).astype(int)
    post = rng.integers(0, 2, n)
    y = (
        1.0
        + 0.5 * treated
        + 0.3 * post
        + effect * treated * post
        + rng.normal(0, 1, 20)[g]
        + rng.normal(0, 1, n)
    )
    return pd.DataFrame({"y": y, "d": treated, "p": post, "g": g})


def _sm_did(df, **fit):
    X = sm.add_constant(df[["d", "p"]].assign(dp=df["d"] * df["p"]))
    return sm.OLS(df["y"], X).fit(**fit)


def test_did_matches_statsmodels_classical_and_clustered():
    df = _did_frame()
    ref = _sm_did(df)
    est = did(df, outcome="y", treated="d", post="p")
    np.testing.assert_allclose(est.effect, ref.params["dp"], rtol=1e-10)
    np.testing.assert_allclose(est.se, ref.bse["dp"], rtol=1e-10)
    ref_c = _sm_did(df, cov_type="cluster", cov_kwds={"groups": df["g"]})
    est_c = did(df, outcome="y", treated="d", post="p", cluster="g")
    np.testing.assert_allclose(est_c.effect, ref.params["dp"], rtol=1e-10)
    np.testing.assert_allclose(est_c.se, ref_c.bse["dp"], rtol=1e-10)
    assert est_c.ci_low < est_c.effect < est_c.ci_high
    np.testing.assert_allclose(est_c.ci_high - est_c.ci_low, 2 * 1.959964 * est_c.se)
    assert est.first_stage_f is None


def test_did_is_the_difference_of_the_four_means():
    df = _did_frame(seed=3)
    m = df.groupby(["d", "p"])["y"].mean()
    expected = (m[1, 1] - m[1, 0]) - (m[0, 1] - m[0, 0])
    assert did(df, outcome="y", treated="d", post="p").effect == pytest.approx(
        expected, abs=1e-10
    )


def test_did_on_kielmc_reproduces_wooldridge():
    # Wooldridge, Introductory Econometrics, Example 13.3, equation (13.7).
    est = did(load_kielmc(), outcome="rprice", treated="nearinc", post="y81")
    assert est.effect == pytest.approx(-11863.9, abs=0.05)
    assert est.se == pytest.approx(7456.65, abs=0.05)


def test_did_refusals():
    df = _did_frame()
    with pytest.raises(TypeError, match="DataFrame"):
        did(df.to_numpy(), outcome="y", treated="d", post="p")
    with pytest.raises(ValueError, match="missing the column"):
        did(df, outcome="nope", treated="d", post="p")
    with pytest.raises(ValueError, match="binary"):
        did(df.assign(d=df["d"] * 2), outcome="y", treated="d", post="p")
    with pytest.raises(ValueError, match="binary"):
        did(df.assign(p="x"), outcome="y", treated="d", post="p")
    with pytest.raises(ValueError, match="NaN"):
        did(
            df.assign(p=df["p"].where(df.index > 0)), outcome="y", treated="d", post="p"
        )
    with pytest.raises(ValueError, match="finite"):
        did(
            df.assign(y=df["y"].where(df.index > 0)), outcome="y", treated="d", post="p"
        )
    with pytest.raises(ValueError, match="every cell"):
        did(df[~((df.d == 1) & (df.p == 1))], outcome="y", treated="d", post="p")
    with pytest.raises(ValueError, match="NaN cluster"):
        did(
            df.assign(g=df["g"].where(df.index > 0)),
            outcome="y",
            treated="d",
            post="p",
            cluster="g",
        )
    with pytest.raises(ValueError, match="at least 2 clusters"):
        did(df.assign(g=0), outcome="y", treated="d", post="p", cluster="g")


def _iv_data(seed=0, n=2000):
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, 2))
    w = rng.normal(size=(n, 2))
    u = rng.normal(size=n)
    x = z @ [0.8, 0.4] + w @ [0.3, -0.2] + 0.7 * u + rng.normal(size=n)
    y = 1.0 - 0.5 * x + w @ [1.0, 0.5] + u
    return y, x, z, w


def test_iv_matches_linearmodels_and_the_first_stage_f_statsmodels():
    y, x, z, w = _iv_data()
    est = iv_2sls(y, x, z, w)
    ex = sm.add_constant(w)
    ref = IV2SLS(y, ex, x, z).fit(cov_type="unadjusted", debiased=True)
    np.testing.assert_allclose(est.effect, ref.params.iloc[-1], rtol=1e-10)
    np.testing.assert_allclose(est.se, ref.std_errors.iloc[-1], rtol=1e-10)
    first = sm.OLS(x, np.column_stack([ex, z])).fit()
    f = first.f_test(np.eye(first.params.size)[-2:]).fvalue
    np.testing.assert_allclose(est.first_stage_f, float(np.squeeze(f)), rtol=1e-10)
    # the planted coefficient is recovered, where OLS is biased
    assert abs(est.effect + 0.5) < 4 * est.se
    ols = sm.OLS(y, np.column_stack([ex, x])).fit()
    assert ols.params[-1] - (-0.5) > 10 * ols.bse[-1]


def test_iv_clustered_matches_linearmodels():
    y, x, z, w = _iv_data(seed=5, n=600)
    g = np.random.default_rng(5).integers(0, 30, 600)
    est = iv_2sls(y, x, z, w, cluster=g)
    ref = IV2SLS(y, sm.add_constant(w), x, z).fit(
        cov_type="clustered", clusters=g, debiased=True
    )
    np.testing.assert_allclose(est.effect, ref.params.iloc[-1], rtol=1e-10)
    np.testing.assert_allclose(est.se, ref.std_errors.iloc[-1], rtol=1e-10)
    # the first-stage F is the cluster-robust Wald F of the two instruments
    first = sm.OLS(x, np.column_stack([sm.add_constant(w), z])).fit(
        cov_type="cluster", cov_kwds={"groups": g}
    )
    f = first.f_test(np.eye(first.params.size)[-2:]).fvalue
    np.testing.assert_allclose(est.first_stage_f, float(np.squeeze(f)), rtol=1e-10)
    with pytest.raises(ValueError, match="one per row"):
        iv_2sls(y, x, z, w, cluster=g[:-1])
    with pytest.raises(ValueError, match="NaN"):
        iv_2sls(y, x, z, w, cluster=np.where(g == 0, np.nan, g))
    with pytest.raises(ValueError, match="at least 2 clusters"):
        iv_2sls(y, x, z, w, cluster=np.zeros(600))


def test_iv_clustered_first_stage_f_is_not_the_classical_one():
    # an instrument constant within clusters and first-stage errors shared by a
    # cluster: the classical F counts every row as independent and overstates it by
    # about the design effect 1 + (25 - 1) * 0.9 (cluster size 25, intra-cluster
    # correlation of the errors about 0.9), far more than the 5 asserted
    rng = np.random.default_rng(3)
    g = np.repeat(np.arange(40), 25)
    z = rng.normal(size=40)[g]
    v = rng.normal(size=40)[g] + 0.3 * rng.normal(size=g.size)
    x = 0.3 * z + v
    y = 0.5 * x + v + rng.normal(size=g.size)
    classical = iv_2sls(y, x, z).first_stage_f
    robust = iv_2sls(y, x, z, cluster=g).first_stage_f
    assert classical > 5 * robust


def test_iv_on_cigarettes_matches_linearmodels_with_frames():
    c = load_cigarettes_sw().query("year == 1995").reset_index(drop=True)
    y, x = np.log(c["packs"]), np.log(c["rprice"])
    inc = np.log(c[["rincome"]])
    est = iv_2sls(y, x, c[["salestax", "cigtax"]], inc)
    ref = IV2SLS(y, sm.add_constant(inc), x, c[["salestax", "cigtax"]]).fit(
        cov_type="unadjusted", debiased=True
    )
    np.testing.assert_allclose(est.effect, ref.params["rprice"], rtol=1e-9)
    np.testing.assert_allclose(est.se, ref.std_errors["rprice"], rtol=1e-9)
    just = iv_2sls(y, x, c["salestax"])  # one instrument, no control: 1-D input
    assert isinstance(just, Estimate) and just.first_stage_f > 10


def test_iv_refusals():
    y, x, z, w = _iv_data(n=50)
    with pytest.raises(ValueError, match="same length"):
        iv_2sls(y[:-1], x, z)
    with pytest.raises(ValueError, match="same length"):
        iv_2sls(y, x, z[:-1])
    with pytest.raises(ValueError, match="same length"):
        iv_2sls(y, x, z, w[:-1])
    with pytest.raises(ValueError, match="fewer instruments"):
        iv_2sls(y, x, np.empty((50, 0)))
    with pytest.raises(ValueError, match="finite"):
        iv_2sls(np.where(np.arange(50) == 0, np.nan, y), x, z)
    with pytest.raises(ValueError, match="finite"):
        iv_2sls(y, x, np.where(np.arange(50)[:, None] == 0, np.nan, z))
    with pytest.raises(ValueError, match="collinear"):
        iv_2sls(y, x, w[:, 0], w)
    with pytest.raises(ValueError, match="1-D or 2-D"):
        iv_2sls(y, x, z[:, :, None])
    with pytest.raises(TypeError, match="numeric"):
        iv_2sls(y, x, np.array(["a"] * 50))


def test_ipw_and_matching_against_references():
    rng = np.random.default_rng(1)
    n = 3000
    xcov = rng.normal(size=n)
    e = 1 / (1 + np.exp(-(xcov - 1)))
    d = (rng.random(n) < e).astype(float)
    y = 2 * xcov + 1.5 * d + rng.normal(size=n)
    # IPW: the weighted regression of y on d with weights 1 (treated) and e/(1-e)
    w = np.where(d == 1, 1.0, e / (1 - e))
    wls = sm.WLS(y, sm.add_constant(d), weights=w).fit()
    assert ipw_att(y, d, e) == pytest.approx(wls.params[1], abs=1e-10)
    # matching: brute force nearest control by |score difference|
    ec, yc = e[d == 0], y[d == 0]
    nearest = np.abs(e[d == 1][:, None] - ec[None, :]).argmin(1)
    brute = np.mean(y[d == 1] - yc[nearest])
    assert match_att(y, d, e) == pytest.approx(brute, abs=1e-10)
    assert abs(ipw_att(y, d, e) - 1.5) < 0.3  # the true score removes the confounding


def test_nsw_benchmark_loaders():
    exp = load_nsw("experimental")
    assert exp["treat"].sum() == 185 and len(exp) == 445
    diff = exp.groupby("treat")["re78"].mean().diff().iloc[1]
    assert 1700 < diff < 1900  # LaLonde's experimental benchmark, about 1,800 USD
    cps = load_nsw("cps")
    assert cps.groupby("treat")["re78"].mean().diff().iloc[1] < 0
    assert list(load_nsw("psid").columns) == list(exp.columns)
    with pytest.raises(ValueError, match="controls"):
        load_nsw("nope")


def test_propensity_refusals():
    y, d, e = np.arange(4.0), np.array([0, 1, 0, 1.0]), np.full(4, 0.5)
    for f in (ipw_att, match_att):
        with pytest.raises(ValueError, match="same length"):
            f(y[:3], d, e)
        with pytest.raises(ValueError, match="binary"):
            f(y, d * 2, e)
        with pytest.raises(ValueError, match="both treated"):
            f(y, np.ones(4), e)
        with pytest.raises(ValueError, match="strictly between"):
            f(y, d, np.array([0.5, 1.0, 0.5, 0.5]))
        with pytest.raises(ValueError, match="finite"):
            f(np.array([np.nan, 1, 2, 3]), d, e)
