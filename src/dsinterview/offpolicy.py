"""Counterfactual (off-policy) evaluation: what a new ranker would have earned,
estimated from logs that an old ranker wrote.

Logged plays are only of titles the old ranker showed, where it showed them: an offline
metric computed on them favours the old ranker (exposure bias). Inverse propensity
scoring (Horvitz and Thompson 1952) reweights each logged outcome by how much more
often the new policy would have taken the logged action than the logging policy did.

- :func:`ips_value`: the IPS estimate of a target policy's value per unit, with its
  standard error, from logged actions, their rewards and both policies' propensities.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from dsinterview._validate import as_columns
from dsinterview.sampling import Estimate

__all__ = ["ips_value"]


def ips_value(
    rewards: Any, logging_propensity: Any, target_propensity: Any
) -> Estimate:
    """Inverse-propensity estimate of a target policy's mean value per unit.

    Each unit (a member) has one or more logged actions (a title at a position): the
    reward that followed (plays), the probability ``p0`` with which the logging policy
    took that action, and the probability ``p1`` with which the target policy would
    have. The unit's estimated value is ``sum_actions reward * p1 / p0``; the estimate
    is their mean over units and the standard error their standard deviation over
    ``sqrt(n)``. It is unbiased when every action the target policy can take had
    ``p0 > 0`` under the logging policy and the reward of an action does not depend on
    the other actions taken (for a row of titles: a position-based click model, in
    which a title's plays depend on the title and its position only).

    A logging policy that never explores (``p0 = 0`` for the target's actions) leaves
    those actions out of the log: no weighting can recover them, and the estimate is
    biased low whatever the sample size.

    Args:
        rewards: units x actions (or one action per unit, 1-D).
        logging_propensity: the same shape: ``p0`` of each logged action, in (0, 1].
        target_propensity: the same shape: ``p1`` of each logged action, in [0, 1].

    Returns:
        ``Estimate(value, se)``: the estimated mean value per unit and its standard
        error (NaN for a single unit, whose spread cannot be estimated).

    Raises:
        TypeError: if an input is not numeric.
        ValueError: if the shapes differ, an input is empty or not finite, a logging
            propensity is not in (0, 1] or a target propensity is not in [0, 1].
    """
    r = as_columns(rewards, "rewards")
    p0 = as_columns(logging_propensity, "logging_propensity")
    p1 = as_columns(target_propensity, "target_propensity")
    if not r.shape == p0.shape == p1.shape:
        raise ValueError(
            f"rewards {r.shape}, logging_propensity {p0.shape} and target_propensity "
            f"{p1.shape} must have the same shape: one of each per logged action"
        )
    if np.any(p0 <= 0) or np.any(p0 > 1):
        raise ValueError(
            "logging_propensity must be in (0, 1]: a logged action had a positive "
            "probability of being taken"
        )
    if np.any(p1 < 0) or np.any(p1 > 1):
        raise ValueError("target_propensity must be probabilities in [0, 1]")
    per_unit = (r * p1 / p0).sum(axis=1)
    n = per_unit.size
    # one unit gives an estimate but no estimate of its spread: NaN, not a false zero
    se = float(per_unit.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
    return Estimate(float(per_unit.mean()), se)
