"""dsinterview.offpolicy: inverse propensity scoring and its refusals."""

from __future__ import annotations

import numpy as np
import pytest

from dsinterview.offpolicy import ips_value


def test_exact_when_the_log_holds_each_action_in_proportion():
    # logging picks each of three actions with probability 1/3; rewards 1, 2, 3; the
    # target always takes action 2 (reward 3): its value is 3, and a log holding each
    # action once (its expected composition) weights action 2's reward by 3
    rewards = np.array([1.0, 2.0, 3.0])
    est = ips_value(rewards, np.full(3, 1 / 3), np.array([0.0, 0.0, 1.0]))
    assert est.value == pytest.approx(3.0, abs=1e-12)


def test_unbiased_over_random_logs():
    rng = np.random.default_rng(0)
    p0 = np.array([0.5, 0.3, 0.2])
    mean_reward = np.array([1.0, 2.0, 4.0])
    p1 = np.array([0.1, 0.1, 0.8])  # a stochastic target policy
    truth = float(p1 @ mean_reward)
    action = rng.choice(3, size=200_000, p=p0)
    reward = rng.poisson(mean_reward[action]).astype(float)
    est = ips_value(reward, p0[action], p1[action])
    assert abs(est.value - truth) < 4 * est.se


def test_target_equal_to_logging_gives_the_mean_reward():
    rng = np.random.default_rng(1)
    r = rng.random((50, 4))
    p = rng.uniform(0.1, 1.0, (50, 4))
    est = ips_value(r, p, p)
    per_unit = r.sum(axis=1)
    assert est.value == pytest.approx(per_unit.mean())
    assert est.se == pytest.approx(per_unit.std(ddof=1) / np.sqrt(50))


def test_units_sum_their_actions():
    r = np.array([[1.0, 2.0], [0.0, 4.0]])
    p0 = np.array([[0.5, 0.25], [1.0, 0.5]])
    p1 = np.array([[1.0, 0.0], [0.0, 1.0]])
    # unit 1: 1 / 0.5 = 2; unit 2: 4 / 0.5 = 8
    assert ips_value(r, p0, p1).value == pytest.approx(5.0)


def test_no_exploration_cannot_see_unlogged_actions():
    # logging always takes action 0; the target always takes action 1 (reward 5):
    # nothing in the log is action 1, so the estimate is 0, not 5
    r = np.ones(100)
    assert ips_value(r, np.ones(100), np.zeros(100)).value == 0.0


@pytest.mark.parametrize(
    "r, p0, p1, error, match",
    [
        ([1.0, 2.0], [0.5], [1.0, 1.0], ValueError, "same shape"),
        ([1.0], [0.0], [1.0], ValueError, "logging_propensity"),
        ([1.0], [1.5], [1.0], ValueError, "logging_propensity"),
        ([1.0], [0.5], [-0.1], ValueError, "target_propensity"),
        ([1.0], [0.5], [1.1], ValueError, "target_propensity"),
        ([np.nan], [0.5], [1.0], ValueError, "finite"),
        ([], [], [], ValueError, "empty"),
        (["a"], [0.5], [1.0], TypeError, "numeric"),
        (np.ones((2, 2, 2)), np.ones((2, 2, 2)), np.ones((2, 2, 2)), ValueError, "2-D"),
    ],
)
def test_refusals(r, p0, p1, error, match):
    with pytest.raises(error, match=match):
        ips_value(r, p0, p1)


def test_one_unit_has_no_standard_error():
    est = ips_value([2.0], [0.5], [1.0])
    assert est.value == pytest.approx(4.0)
    assert np.isnan(est.se)  # not 0: one unit says nothing about the spread


def test_standard_error_matches_the_spread_over_replications():
    # the reported SE is the sampling SD of the estimate: compare with the SD of the
    # estimates over independent logs (Monte Carlo error of an SD: about SD / sqrt(2R))
    p0, mean_reward, p1 = np.array([0.7, 0.3]), np.array([1.0, 3.0]), np.array([0, 1])
    rng = np.random.default_rng(5)
    values, ses = [], []
    for _ in range(400):
        action = rng.choice(2, size=500, p=p0)
        reward = rng.poisson(mean_reward[action]).astype(float)
        est = ips_value(reward, p0[action], p1[action])
        values.append(est.value)
        ses.append(est.se)
    sd = np.std(values, ddof=1)
    assert abs(np.mean(ses) - sd) < 4 * sd / np.sqrt(2 * 400)
