"""A simulated member-level A/B test on a streaming service, potential outcomes known.

:func:`make_streaming_experiment` draws ``n_members`` accounts (households), assigns
them to control or treatment, and returns what an experimentation platform would log for
each: the pre-period streaming hours, the hours in each week of the test, retention at
the next billing cycle and the member's typical play delay. Every member's outcome is
drawn under both arms with common random numbers, so the truth the analysis is graded
against (the average effect on hours, by week, on retention, and the effect on each
quantile of play delay) is computed exactly on the whole population, not assumed.

How the data are made (vectorised, one seeded ``numpy.random.Generator``):

1. **Households.** Each account has a country, a primary device and
   ``1 + Binomial(4, 0.3)`` profiles. A persistent engagement ``z ~ N(0, 1)`` sets the
   weekly rate of viewing
   ``lam = base * device * country * exp(engagement_sd * z - engagement_sd^2 / 2)``.
2. **Hours.** In each period a member is dormant with probability
   ``sigmoid(dormant_logit - 1.2 z)`` (zero hours: zero inflation). Active members watch
   ``Gamma(shape, lam / shape)`` hours a week, and the in-period rate carries a fresh
   shock ``exp(period_sd * e - period_sd^2 / 2)``, so pre- and in-period hours are
   correlated but not identical. The pre-period covers ``pre_weeks`` weeks before the
   test.
3. **Treatment effect on hours.** Multiplicative, by week ``w = 1..n_weeks``:
   ``1 + lift + novelty * novelty_decay^(w - 1)``: a novelty effect that fades, over a
   lasting lift.
4. **Retention** at the next billing cycle:
   ``sigmoid(retention_logit + retention_slope * log1p(weekly hours))`` plus
   ``retention_direct`` on the logit scale under treatment, drawn with one uniform per
   member for both arms.
5. **Play delay** (ms, rounded): log-normal ordinary starts (median ``delay_median_ms``,
   log-sd ``delay_sd``, slower on mobile and web) and, with probability ``stall_prob``,
   a stalled start (log-normal, median ``stall_median_ms``, log-sd ``stall_sd``).
   Treatment slows the slowest ``1 - tail_from`` of ordinary starts on each device by
   ``tail_effect`` (relative) and changes nothing else: an effect in the upper tail
   only.
6. **Randomisation.** ``unit="account"``: every account is assigned with probability
   ``treatment_share``. ``unit="profile"``: each profile is assigned on its own, and a
   household's profiles share a screen: a profile's hours move by
   ``effect * ((1 - spillover) * own + spillover * treated share of the household)``.
7. **A logging bug** (optional, ``logging_bug > 0``): treatment members whose primary
   device is ``bug_device`` lose every event with probability
   ``1 - (1 - logging_bug)^sessions`` (``sessions ~ 1 + Poisson(hours)``), so they are
   missing from the table: heavy viewers are lost more often. The truth stays that of
   the whole population.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np
import pandas as pd

from dsinterview._validate import check_choice, check_int, check_real

__all__ = [
    "COUNTRIES",
    "DEVICES",
    "StreamingExperiment",
    "make_streaming_experiment",
]

COUNTRIES: tuple[str, ...] = ("US", "BR", "GB", "IN", "JP")
COUNTRY_SHARE: tuple[float, ...] = (0.40, 0.20, 0.15, 0.15, 0.10)
COUNTRY_RATE: tuple[float, ...] = (1.0, 1.15, 0.95, 0.8, 0.9)
DEVICES: tuple[str, ...] = ("tv", "mobile", "web", "tablet")
DEVICE_SHARE: tuple[float, ...] = (0.55, 0.25, 0.12, 0.08)
DEVICE_RATE: tuple[float, ...] = (1.3, 0.6, 0.75, 0.8)
#: log-scale shift of ordinary play delays by device (mobile and web start slower)
DEVICE_DELAY: tuple[float, ...] = (0.0, 0.25, 0.15, 0.1)


@dataclass(frozen=True)
class StreamingExperiment:
    """The logged experiment, its planted truth and the generator's parameters.

    Attributes:
        members: one row per logged account, indexed by ``member_id``: ``treatment``
            (int8, 0/1; with ``unit="profile"`` the share of the account's profiles
            treated, float), ``country``, ``device`` (Categoricals), ``profiles``
            (int8), ``pre_hours`` (hours in the pre-period), ``hours_w1`` ... (hours in
            each test week), ``hours`` (their sum), ``retained`` (bool, renewed at the
            next billing cycle), ``play_delay_ms`` (float, the member's typical time to
            start a play).
        profiles: with ``unit="profile"``, one row per profile: ``member_id``,
            ``treatment`` (int8), ``hours`` (in the test) and ``hours_0`` (the profile's
            hours had nobody in the household been treated: a potential outcome, not
            observable, for grading the design); ``None`` otherwise.
        truth: the planted effects, computed from both potential outcomes of every
            member of the population (logged or not): ``ate_hours`` (mean effect on
            test-period hours), ``ate_hours_week`` (a list, per week),
            ``relative_lift_week`` (the planted multiplier minus one, per week),
            ``ate_retention`` (share), ``ate_delay_ms`` (mean play delay) and
            ``delay_quantile_effect`` (a dict q -> effect in ms).
        params: every argument of :func:`make_streaming_experiment`.
        intact: with ``logging_bug > 0``, the table an intact logging pipeline would
            have written: the same members, none lost (the bug draws its randomness
            after everything else, so this is exactly the experiment with
            ``logging_bug=0``); ``None`` otherwise.
        potential: one row per member of the population (logged or not), indexed by
            ``member_id``: ``hours_0`` and ``hours_1``, the test-period hours under
            control and under treatment of the whole household; for grading estimators
            whose estimand is not the mean effect (a capped metric, say).
    """

    members: pd.DataFrame
    profiles: pd.DataFrame | None
    truth: dict[str, object] = field(default_factory=dict)
    params: dict[str, object] = field(default_factory=dict)
    potential: pd.DataFrame | None = None
    intact: pd.DataFrame | None = None


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def make_streaming_experiment(
    n_members: int = 1_000_000,
    *,
    treatment_share: float = 0.5,
    n_weeks: int = 4,
    pre_weeks: int = 4,
    base_weekly_hours: float = 6.0,
    engagement_sd: float = 1.0,
    period_sd: float = 0.5,
    gamma_shape: float = 1.5,
    dormant_logit: float = -2.0,
    lift: float = 0.01,
    novelty: float = 0.04,
    novelty_decay: float = 0.4,
    retention_logit: float = 1.0,
    retention_slope: float = 0.6,
    retention_direct: float = 0.0,
    delay_median_ms: float = 1200.0,
    delay_sd: float = 0.45,
    stall_prob: float = 0.03,
    stall_median_ms: float = 8000.0,
    stall_sd: float = 1.2,
    tail_from: float = 0.9,
    tail_effect: float = 0.15,
    unit: str = "account",
    spillover: float = 0.5,
    logging_bug: float = 0.0,
    bug_device: str = "web",
    seed: int = 2026,
) -> StreamingExperiment:
    """Draw a member-level experiment with known effects (see the module docstring).

    Args:
        n_members: number of accounts in the experiment.
        treatment_share: designed probability of treatment, in (0, 1).
        n_weeks, pre_weeks: length of the test and of the pre-period, in weeks.
        base_weekly_hours: mean weekly hours of an active member before device and
            country.
        engagement_sd: log-sd of the persistent engagement (the heavy tail of hours).
        period_sd: log-sd of the shock to the rate in the test period (lower
            correlation).
        gamma_shape: shape of weekly hours given the rate (smaller: noisier weeks).
        dormant_logit: logit of the chance of a zero period at average engagement.
        lift, novelty, novelty_decay: the effect on hours in week ``w`` is
            ``lift + novelty * novelty_decay ** (w - 1)`` (relative).
        retention_logit, retention_slope, retention_direct: the retention model.
        delay_median_ms, delay_sd: ordinary play delays (log-normal).
        stall_prob, stall_median_ms, stall_sd: stalled starts (log-normal).
        tail_from, tail_effect: treatment slows ordinary starts above their
            ``tail_from`` quantile by ``tail_effect`` (relative).
        unit: ``"account"`` or ``"profile"``, the unit of randomisation.
        spillover: with ``unit="profile"``, the weight of the housemates' assignment, in
            [0, 1].
        logging_bug: probability that one session of a treatment member on
            ``bug_device`` is lost, in [0, 1).
        bug_device: the device with the logging bug.
        seed: seed of the one random generator used throughout.

    Returns:
        A :class:`StreamingExperiment`.

    Raises:
        TypeError: for a non-integer count or a non-numeric parameter.
        ValueError: for a count below one, a probability outside its range, a
            non-positive scale, or an unknown ``unit`` or ``bug_device``.
    """
    n = check_int(n_members, "n_members", minimum=2)
    n_weeks = check_int(n_weeks, "n_weeks", minimum=1)
    pre_weeks = check_int(pre_weeks, "pre_weeks", minimum=1)
    share = check_real(treatment_share, "treatment_share", minimum=0.0, strict=True)
    if share >= 1:
        raise ValueError(f"treatment_share must be below 1; got {share:g}")
    for name, value in (
        ("base_weekly_hours", base_weekly_hours),
        ("gamma_shape", gamma_shape),
        ("delay_median_ms", delay_median_ms),
        ("delay_sd", delay_sd),
        ("stall_median_ms", stall_median_ms),
        ("stall_sd", stall_sd),
    ):
        check_real(value, name, minimum=0.0, strict=True)
    for name, value in (
        ("engagement_sd", engagement_sd),
        ("period_sd", period_sd),
        ("novelty_decay", novelty_decay),
    ):
        check_real(value, name, minimum=0.0)
    for name, value in (
        ("dormant_logit", dormant_logit),
        ("retention_logit", retention_logit),
        ("retention_slope", retention_slope),
        ("retention_direct", retention_direct),
    ):
        check_real(value, name)
    lift = check_real(lift, "lift", minimum=-1.0, strict=True)
    novelty = check_real(novelty, "novelty")
    tail_effect = check_real(tail_effect, "tail_effect", minimum=-1.0, strict=True)
    stall_prob = check_real(stall_prob, "stall_prob", minimum=0.0)
    if stall_prob >= 1:
        raise ValueError(f"stall_prob must be below 1; got {stall_prob:g}")
    tail_from = check_real(tail_from, "tail_from", minimum=0.0, strict=True)
    if tail_from >= 1:
        raise ValueError(f"tail_from must be below 1; got {tail_from:g}")
    unit = check_choice(unit, "unit", ("account", "profile"))
    spillover = check_real(spillover, "spillover", minimum=0.0)
    if spillover > 1:
        raise ValueError(f"spillover must be at most 1; got {spillover:g}")
    logging_bug = check_real(logging_bug, "logging_bug", minimum=0.0)
    if logging_bug >= 1:
        raise ValueError(f"logging_bug must be below 1; got {logging_bug:g}")
    bug_device = check_choice(bug_device, "bug_device", DEVICES)
    seed = check_int(seed, "seed", minimum=0)
    effects = lift + novelty * novelty_decay ** np.arange(n_weeks)
    if np.any(effects <= -1):
        raise ValueError(
            "lift + novelty * novelty_decay**(w-1) must stay above -1 in every week"
        )
    params = dict(
        n_members=n,
        treatment_share=share,
        n_weeks=n_weeks,
        pre_weeks=pre_weeks,
        base_weekly_hours=float(base_weekly_hours),
        engagement_sd=float(engagement_sd),
        period_sd=float(period_sd),
        gamma_shape=float(gamma_shape),
        dormant_logit=float(dormant_logit),
        lift=lift,
        novelty=novelty,
        novelty_decay=float(novelty_decay),
        retention_logit=float(retention_logit),
        retention_slope=float(retention_slope),
        retention_direct=float(retention_direct),
        delay_median_ms=float(delay_median_ms),
        delay_sd=float(delay_sd),
        stall_prob=stall_prob,
        stall_median_ms=float(stall_median_ms),
        stall_sd=float(stall_sd),
        tail_from=tail_from,
        tail_effect=tail_effect,
        unit=unit,
        spillover=spillover,
        logging_bug=logging_bug,
        bug_device=bug_device,
        seed=seed,
    )
    rng = np.random.default_rng(seed)

    # 1. households
    country = rng.choice(len(COUNTRIES), size=n, p=COUNTRY_SHARE).astype(np.int8)
    device = rng.choice(len(DEVICES), size=n, p=DEVICE_SHARE).astype(np.int8)
    profiles = (1 + rng.binomial(4, 0.3, size=n)).astype(np.int8)
    z = rng.standard_normal(n)
    lam = (
        base_weekly_hours
        * np.asarray(DEVICE_RATE)[device]
        * np.asarray(COUNTRY_RATE)[country]
        * np.exp(engagement_sd * z - engagement_sd**2 / 2)
    )
    p_dormant = _sigmoid(dormant_logit - 1.2 * z)

    # 2. hours: pre-period (a sum of weekly gammas with one scale is one gamma)
    scale = lam / gamma_shape
    pre = rng.gamma(gamma_shape * pre_weeks, scale) * (rng.random(n) >= p_dormant)
    lam_in = scale * np.exp(period_sd * rng.standard_normal(n) - period_sd**2 / 2)
    active_in = rng.random(n) >= p_dormant
    weekly0 = rng.gamma(gamma_shape, 1.0, size=(n_weeks, n))
    weekly0 *= lam_in * active_in

    # 3. assignment and the effect on hours
    if unit == "account":
        treat = (rng.random(n) < share).astype(np.int8)
        exposure = treat.astype(float)  # everyone in a treated household is treated
        prof_member = prof_treat = None
    else:
        prof_member = np.repeat(np.arange(n), profiles)
        prof_treat = (rng.random(prof_member.size) < share).astype(np.int8)
        n_treated = np.bincount(prof_member, weights=prof_treat, minlength=n)
        treat_share = n_treated / profiles
        # a profile's part of the household's viewing: Dirichlet(1, ..., 1) shares
        g = rng.exponential(size=prof_member.size)
        part = g / np.bincount(prof_member, weights=g, minlength=n)[prof_member]
        own = (1 - spillover) * prof_treat + spillover * treat_share[prof_member]
        # the household's hours move by the viewing-weighted exposure of its profiles
        exposure = np.bincount(prof_member, weights=part * own, minlength=n)
        treat = treat_share
    total0 = weekly0.sum(0)
    gain = effects @ weekly0  # extra hours of each member if the household is treated
    total1 = total0 + gain
    observed = weekly0 * (1 + effects[:, None] * exposure)

    # 4. retention, one uniform per member for both arms
    u_ret = rng.random(n)
    per_week0 = total0 / n_weeks
    per_week1 = total1 / n_weeks
    ret0 = u_ret < _sigmoid(retention_logit + retention_slope * np.log1p(per_week0))
    ret1 = u_ret < _sigmoid(
        retention_logit + retention_slope * np.log1p(per_week1) + retention_direct
    )
    per_week_obs = observed.sum(0) / n_weeks
    direct_obs = retention_direct * (exposure if unit == "account" else treat)
    ret_obs = u_ret < _sigmoid(
        retention_logit + retention_slope * np.log1p(per_week_obs) + direct_obs
    )

    # 5. play delay: ordinary starts and stalls; the treatment slows the slow ordinary
    # ones
    xi = rng.standard_normal(n)
    ordinary = delay_median_ms * np.exp(
        np.asarray(DEVICE_DELAY)[device] + delay_sd * xi
    )
    stall = rng.random(n) < stall_prob
    stalled = stall_median_ms * np.exp(stall_sd * rng.standard_normal(n))
    z_tail = NormalDist().inv_cdf(tail_from)
    slow = (~stall) & (xi > z_tail)
    delay0 = np.where(stall, stalled, ordinary)
    delay1 = np.where(slow, ordinary * (1 + tail_effect), delay0)
    delay0, delay1 = np.round(delay0), np.round(delay1)
    in_treatment = exposure > 0.5 if unit == "account" else treat > 0.5
    delay_obs = np.where(in_treatment, delay1, delay0)

    # 7. the logging bug: treatment members on the device lose sessions
    logged = np.ones(n, dtype=bool)
    if logging_bug > 0:
        sessions = 1 + rng.poisson(observed.sum(0) + pre / pre_weeks)
        lost = rng.random(n) < 1 - (1 - logging_bug) ** sessions
        logged = ~(
            lost & (device == DEVICES.index(bug_device)) & (np.asarray(treat) > 0.5)
        )

    columns: dict[str, object] = {
        "treatment": treat,
        "country": pd.Categorical.from_codes(country, COUNTRIES),
        "device": pd.Categorical.from_codes(device, DEVICES),
        "profiles": profiles,
        "pre_hours": pre,
    }
    for w in range(n_weeks):
        columns[f"hours_w{w + 1}"] = observed[w]
    columns["hours"] = observed.sum(0)
    columns["retained"] = ret_obs
    columns["play_delay_ms"] = delay_obs
    members = pd.DataFrame(columns)
    members.index.name = "member_id"
    intact = None
    if logging_bug > 0:
        intact, members = members, members[logged]

    profile_table = None
    if unit == "profile":
        # the profile's part of the household's hours, moved by its own exposure
        prof_hours = part * (total0[prof_member] + gain[prof_member] * own)
        profile_table = pd.DataFrame(
            {
                "member_id": prof_member.astype(np.int32),
                "treatment": prof_treat,
                "hours": prof_hours,
                "hours_0": part * total0[prof_member],
            }
        )

    qs = (0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99)
    q1 = np.quantile(delay1, qs, method="inverted_cdf")
    q0 = np.quantile(delay0, qs, method="inverted_cdf")
    truth: dict[str, object] = {
        "ate_hours": float(gain.mean()),
        "ate_hours_week": [float(v) for v in effects * weekly0.mean(1)],
        "relative_lift_week": [float(v) for v in effects],
        "ate_retention": float(ret1.mean() - ret0.mean()),
        "ate_delay_ms": float((delay1 - delay0).mean()),
        "delay_quantile_effect": {q: float(a - b) for q, a, b in zip(qs, q1, q0)},
    }
    potential = pd.DataFrame({"hours_0": total0, "hours_1": total1})
    potential.index.name = "member_id"
    return StreamingExperiment(
        members=members,
        profiles=profile_table,
        truth=truth,
        params=params,
        potential=potential,
        intact=intact,
    )
