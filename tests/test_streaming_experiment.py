"""Tests of dsinterview.data.experiments.make_streaming_experiment: scale, determinism,
the planted structure and truth, the logging bug, profile randomisation, and its
refusals."""

from __future__ import annotations

import numpy as np
import pytest

from dsinterview.data import make_streaming_experiment


@pytest.fixture(scope="module")
def exp():
    return make_streaming_experiment(200_000, seed=11)


def test_columns_and_sizes(exp):
    m = exp.members
    assert len(m) == 200_000 and exp.profiles is None
    expected = {"treatment", "country", "device", "profiles", "pre_hours", "hours"}
    assert expected <= set(m.columns)
    weeks = [f"hours_w{w}" for w in range(1, 5)]
    np.testing.assert_allclose(m[weeks].sum(axis=1), m.hours, rtol=1e-12)
    assert m.profiles.between(1, 5).all() and set(m.treatment.unique()) == {0, 1}
    assert (m.play_delay_ms == np.round(m.play_delay_ms)).all()


def test_deterministic():
    a = make_streaming_experiment(5_000, seed=3)
    b = make_streaming_experiment(5_000, seed=3)
    c = make_streaming_experiment(5_000, seed=4)
    assert a.members.equals(b.members) and a.truth == b.truth
    assert not a.members.equals(c.members)


def test_hours_heavy_tailed_zero_inflated_and_correlated(exp):
    m = exp.members
    assert 0.1 < (m.pre_hours == 0).mean() < 0.25
    assert m.hours.quantile(0.999) > 10 * m.hours.median()
    rho = np.corrcoef(m.pre_hours, m.hours)[0, 1]
    assert 0.5 < rho < 0.8


def test_truth_is_the_planted_effect(exp):
    t = exp.truth
    p = exp.params
    lift = [p["lift"] + p["novelty"] * p["novelty_decay"] ** w for w in range(4)]
    np.testing.assert_allclose(t["relative_lift_week"], lift)
    assert t["ate_hours_week"][0] > t["ate_hours_week"][-1] > 0
    np.testing.assert_allclose(sum(t["ate_hours_week"]), t["ate_hours"], rtol=1e-10)
    assert t["ate_retention"] > 0
    qe = t["delay_quantile_effect"]
    assert qe[0.1] == qe[0.5] == 0.0 and qe[0.95] > 0


def test_potential_outcomes_match_the_log_and_the_truth(exp):
    pot, m = exp.potential, exp.members
    assert len(pot) == len(m)
    np.testing.assert_allclose(
        (pot.hours_1 - pot.hours_0).mean(), exp.truth["ate_hours"], rtol=1e-12
    )
    observed = np.where(m.treatment == 1, pot.hours_1, pot.hours_0)
    np.testing.assert_allclose(observed, m.hours, rtol=1e-12)


def test_difference_in_means_recovers_the_effect(exp):
    m = exp.members
    tr = m.treatment.to_numpy() == 1
    y = m.hours.to_numpy()
    diff = y[tr].mean() - y[~tr].mean()
    se = np.sqrt(y[tr].var() / tr.sum() + y[~tr].var() / (~tr).sum())
    assert abs(diff - exp.truth["ate_hours"]) < 4 * se


def test_logging_bug_drops_treatment_members_on_one_device():
    clean = make_streaming_experiment(50_000, seed=5)
    bug = make_streaming_experiment(50_000, seed=5, logging_bug=0.05, bug_device="web")
    lost = clean.members.index.difference(bug.members.index)
    assert len(lost) > 0
    gone = clean.members.loc[lost]
    assert (gone.treatment == 1).all() and (gone.device == "web").all()
    assert bug.truth == clean.truth
    # the intact log is exactly the experiment without the bug
    assert bug.intact.equals(clean.members) and clean.intact is None


def test_profile_randomisation():
    e = make_streaming_experiment(20_000, unit="profile", spillover=0.5, seed=6)
    prof = e.profiles
    assert len(prof) == e.members.profiles.sum()
    share = prof.groupby("member_id").treatment.mean()
    np.testing.assert_allclose(share.to_numpy(), e.members.treatment.to_numpy())
    np.testing.assert_allclose(
        prof.groupby("member_id").hours.sum().to_numpy(), e.members.hours, rtol=1e-6
    )
    # untreated potential outcomes: below the observed hours exactly where exposed
    exposed = prof.treatment.to_numpy() == 1
    assert (prof.hours[exposed] >= prof.hours_0[exposed]).all()
    np.testing.assert_allclose(
        prof.groupby("member_id").hours_0.sum().to_numpy(),
        e.potential.hours_0.to_numpy(),
        rtol=1e-9,
    )


@pytest.mark.parametrize(
    "kwargs, error",
    [
        (dict(n_members=1), ValueError),
        (dict(n_members=10.5), TypeError),
        (dict(treatment_share=1.0), ValueError),
        (dict(treatment_share=0.0), ValueError),
        (dict(unit="device"), ValueError),
        (dict(bug_device="fridge"), ValueError),
        (dict(logging_bug=1.0), ValueError),
        (dict(spillover=1.5), ValueError),
        (dict(stall_prob=1.0), ValueError),
        (dict(tail_from=1.0), ValueError),
        (dict(gamma_shape=0.0), ValueError),
        (dict(lift=-0.5, novelty=-0.6), ValueError),
        (dict(seed=-1), ValueError),
        (dict(base_weekly_hours="6"), TypeError),
    ],
)
def test_refuses(kwargs, error):
    with pytest.raises(error):
        make_streaming_experiment(**{"n_members": 100, **kwargs})
