"""A simulated row of recommendations with planted tastes: two rankers, position-biased
plays, heavy-tailed streaming hours, and the logs an old ranker leaves behind.

No streaming company publishes member-level logs of a ranking experiment, so the
generator plants everything an analysis is graded against: each member's true appeal of
every candidate title, how the position on the row changes the chance that a title is
played, and how much ranker B is better than ranker A.

**The world** (shared by both generators; its parameters are ``WORLD`` and can be
overridden by keyword):

1. *Catalogue.* ``n_candidates`` shelves (themes) of ``titles_per_shelf`` titles each.
   A title has a log-normal popularity (log-sd ``popularity_sd``), a genre (uniform
   over ``n_genres``) and ``factors`` latent traits ``v ~ N(0, I)``.
2. *Members.* Activity ``a = exp(activity_sd z - activity_sd^2 / 2)``, ``z ~ N(0, 1)``
   (heavy-tailed, mean one); the segment is the tercile of ``z`` (light, medium,
   heavy); a taste ``u ~ N(0, I)``.
3. *Candidates.* Candidate generation takes one title from every shelf, with
   probability proportional to popularity, so a member's candidates are distinct.
4. *True appeal.* ``s = popularity_weight * log-popularity (standardised) + taste_sd *
   u.v / sqrt(factors) + match_sd * e``. In a session, the title at position ``r``
   (1-based) is played with probability ``r^(-position_bias) * sigmoid(base_logit +
   s)``: a position-based click model (the examination probability falls with
   position; the title's appeal does the rest).
5. *Rankers.* ``score_A = s + noise_a * e_A``; ``score_B = s + noise_b * e_B +
   popularity_tilt_b * log-popularity``. Each ranker's row is its ``row_length`` best
   candidates. With ``noise_b < noise_a`` ranker B knows the member's taste better and
   leans more on popular titles.

**The experiment** (:func:`make_recommendation_experiment`): sessions per week
``~ Poisson(sessions_per_week * a)``, the same under either ranker. Plays of position
``r`` in week ``w`` are ``Binomial(sessions, p_r * m_w)``, with ``m_w = 1`` under A and
``1 + novelty * novelty_decay^(w - 1)`` under B (a new row draws attention at first).
Each play lasts ``Gamma(play_shape, hours_per_play / play_shape)`` hours, but a share
``substitution`` of that viewing would have happened anyway (the member would have found
something else), so a member's hours are their other viewing, ``Gamma(other_shape,
a * other_hours / other_shape)`` a week whatever the ranker, plus ``1 - substitution``
of their row hours: hours respond weakly to ranking quality. Retention at the next
billing cycle is ``sigmoid(retention_logit + retention_slope * log1p(weekly hours))``;
long-term retention ``sigmoid(long_logit + long_slope * log1p(weekly hours) +
long_direct * [B])``, where ``long_direct`` is an effect of the ranker on long-term
retention that does not pass through hours (what breaks a surrogate). Both are drawn
with one uniform per member for both rankers. Every member's outcomes are drawn under
A, under B and under an interleaved row (team draft of the two rows), so the truth is
computed on the whole population.

**The logs** (:func:`make_logged_recommendations`): the old ranker A served every
member, except that with probability ``epsilon`` a member's row was a uniformly random
ordering of their candidates (exploration); the propensity of every logged title at its
position is known.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from dsinterview._validate import check_int, check_real
from dsinterview.interleaving import team_draft_many

__all__ = [
    "SEGMENTS",
    "WORLD",
    "LoggedRecommendations",
    "RecommendationExperiment",
    "make_logged_recommendations",
    "make_recommendation_experiment",
]

SEGMENTS: tuple[str, ...] = ("light", "medium", "heavy")

#: The world's parameters and their defaults (see the module docstring).
WORLD: dict[str, float | int] = {
    "n_candidates": 40,
    "titles_per_shelf": 50,
    "n_genres": 12,
    "factors": 4,
    "row_length": 10,
    "popularity_sd": 1.0,
    "popularity_weight": 0.5,
    "taste_sd": 1.2,
    "match_sd": 0.6,
    "base_logit": -3.0,
    "position_bias": 1.0,
    "noise_a": 1.2,
    "noise_b": 0.85,
    "popularity_tilt_b": 0.3,
    "activity_sd": 1.0,
    "sessions_per_week": 3.0,
}
_WORLD_INTS = ("n_candidates", "titles_per_shelf", "n_genres", "factors", "row_length")
_Z_TERCILE = 0.4307272992954576  # the upper tercile of N(0, 1)


@dataclass(frozen=True)
class _World:
    titles: pd.DataFrame
    activity: np.ndarray
    segment: np.ndarray
    candidates: np.ndarray  # members x n_candidates catalogue ids
    play_prob: np.ndarray  # members x n_candidates, at the top position
    rows: dict[str, np.ndarray]  # "A", "B": members x row_length candidate indices
    examine: np.ndarray  # row_length examination probabilities


def _world_params(overrides: dict[str, Any]) -> dict[str, float | int]:
    unknown = sorted(set(overrides) - set(WORLD))
    if unknown:
        raise TypeError(
            f"unknown world parameter(s) {unknown}; the world takes {sorted(WORLD)}"
        )
    p: dict[str, float | int] = {**WORLD, **overrides}
    for name in _WORLD_INTS:
        p[name] = check_int(p[name], name, minimum=1)
    for name in set(WORLD) - set(_WORLD_INTS):
        p[name] = check_real(p[name], name)
    for name in ("noise_a", "noise_b", "popularity_sd", "taste_sd", "match_sd"):
        check_real(p[name], name, minimum=0.0)
    check_real(p["sessions_per_week"], "sessions_per_week", minimum=0.0, strict=True)
    check_real(p["activity_sd"], "activity_sd", minimum=0.0)
    check_real(p["position_bias"], "position_bias", minimum=0.0)
    if p["row_length"] > p["n_candidates"]:
        raise ValueError(
            f"row_length ({p['row_length']}) cannot exceed n_candidates "
            f"({p['n_candidates']}): a row shows candidates"
        )
    return p


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _top_k(score: np.ndarray, k: int) -> np.ndarray:
    """The column indices of the ``k`` largest scores of each row, largest first (the
    first ``k`` of a full descending sort, at the cost of a partition)."""
    if k == score.shape[1]:
        return np.argsort(-score, axis=1, kind="stable")
    top = np.argpartition(-score, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(score, top, axis=1), axis=1, kind="stable")
    return np.take_along_axis(top, order, axis=1)


def _world(n: int, p: dict[str, Any], rng: np.random.Generator) -> _World:
    C, m, f, k = p["n_candidates"], p["titles_per_shelf"], p["factors"], p["row_length"]
    n_titles = C * m
    log_pop = p["popularity_sd"] * rng.standard_normal(n_titles)
    genre = rng.integers(0, p["n_genres"], n_titles)
    traits = rng.standard_normal((n_titles, f))
    z = rng.standard_normal(n)
    activity = np.exp(p["activity_sd"] * z - p["activity_sd"] ** 2 / 2)
    segment = (z > -_Z_TERCILE).astype(np.int8) + (z > _Z_TERCILE)
    taste = rng.standard_normal((n, f))
    # one title per shelf, drawn in proportion to popularity (inverse CDF per shelf)
    w = np.exp(log_pop).reshape(C, m)
    cdf = np.cumsum(w, axis=1) / w.sum(axis=1, keepdims=True)
    cdf[:, -1] = 1.0
    flat = (cdf + np.arange(C)[:, None]).ravel()  # shelf c's CDF lives in [c, c + 1]
    u = rng.random((n, C)) + np.arange(C)
    candidates = np.minimum(np.searchsorted(flat, u), n_titles - 1)
    pop_std = (log_pop - log_pop.mean()) / max(log_pop.std(), 1e-12)
    appeal = (
        p["popularity_weight"] * pop_std[candidates]
        + p["taste_sd"]
        * np.einsum("nf,ncf->nc", taste, traits[candidates])
        / np.sqrt(f)
        + p["match_sd"] * rng.standard_normal((n, C))
    )
    score_a = appeal + p["noise_a"] * rng.standard_normal((n, C))
    score_b = (
        appeal
        + p["noise_b"] * rng.standard_normal((n, C))
        + p["popularity_tilt_b"] * pop_std[candidates]
    )
    rows = {"A": _top_k(score_a, k), "B": _top_k(score_b, k)}
    titles = pd.DataFrame(
        {
            "shelf": np.repeat(np.arange(C), m),
            "genre": genre,
            "log_popularity": log_pop,
        }
    )
    titles.index.name = "title_id"
    return _World(
        titles=titles,
        activity=activity,
        segment=segment,
        candidates=candidates,
        play_prob=_sigmoid(p["base_logit"] + appeal),
        rows=rows,
        examine=np.arange(1, k + 1, dtype=float) ** -p["position_bias"],
    )


def _row_prob(world: _World, row: np.ndarray) -> np.ndarray:
    """members x row_length: the per-session play probability of each position."""
    return np.take_along_axis(world.play_prob, row, axis=1) * world.examine


@dataclass(frozen=True)
class RecommendationExperiment:
    """The simulated experiment, every member's potential outcomes and the truth.

    Attributes:
        members: one row per member (``member_id``): ``arm`` (``"A"`` or ``"B"``, the
            A/B assignment), ``segment`` (light, medium, heavy), ``activity`` (the
            planted rate multiplier), ``pre_hours`` (hours in the ``pre_weeks`` weeks
            before the test, under A), ``sessions``, ``plays_w1`` ... and ``plays``
            (plays from the row), ``hours_w1`` ... and ``hours`` (all streaming hours),
            ``take_rate`` (plays per title shown; NaN without a session),
            ``retained`` and ``retained_long`` (bool), and the row's guardrails:
            ``no_play_share`` (the chance that a session ends with no play from the
            row), ``browse_depth`` (the expected position of the first play, given a
            play) and ``diversity`` (distinct genres on the row).
        potential: per member, the outcomes under each ranker: ``plays_A``,
            ``plays_B``, ``hours_A``, ``hours_B``, ``retained_A``, ``retained_B``,
            ``retained_long_A``, ``retained_long_B``; and ``preference``, the member's
            verdict on an interleaved row: ``1`` for B, ``-1`` for A, ``0`` for a tie.
        rows: ``"A"``, ``"B"`` and ``"interleaved"``: members x ``row_length`` catalogue
            title ids, best first.
        teams: members x ``row_length``: the team of each title of the interleaved row
            (``0`` for A, ``1`` for B).
        played: members x ``row_length`` bool: the interleaved title was played at least
            once in the test.
        titles: the catalogue: ``shelf``, ``genre``, ``log_popularity``.
        truth: the planted effects of B against A on this population: ``ate_plays``,
            ``ate_hours``, ``ate_hours_week`` and ``ate_plays_week`` (lists by week),
            ``lasting_ate_hours`` (without novelty), ``ate_hours_segment`` (dict),
            ``ate_retention``, ``ate_retention_long``, ``mean_plays_A``,
            ``mean_hours_A`` (expected plays and hours per member under A).
        params: every parameter used.
    """

    members: pd.DataFrame
    potential: pd.DataFrame
    rows: dict[str, np.ndarray]
    teams: np.ndarray
    played: np.ndarray
    titles: pd.DataFrame
    truth: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)


def make_recommendation_experiment(
    n_members: int = 200_000,
    *,
    treatment_share: float = 0.5,
    n_weeks: int = 4,
    pre_weeks: int = 4,
    other_hours: float = 4.0,
    other_shape: float = 0.8,
    hours_per_play: float = 1.5,
    play_shape: float = 1.5,
    substitution: float = 0.7,
    novelty: float = 0.3,
    novelty_decay: float = 0.4,
    retention_logit: float = 1.2,
    retention_slope: float = 0.5,
    long_logit: float = -0.6,
    long_slope: float = 0.6,
    long_direct: float = 0.0,
    seed: int = 2026,
    **world: Any,
) -> RecommendationExperiment:
    """Draw an A/B test of two rankers, and every member's outcomes under A, B and an
    interleaved row, with the planted truth (see the module docstring).

    Args:
        n_members: members in the experiment (at least two).
        treatment_share: the chance that a member is assigned to B, in [0, 1].
        n_weeks, pre_weeks: weeks of the test and of the pre-period.
        other_hours, other_shape: mean and gamma shape of weekly viewing that does not
            come from the row (at activity one).
        hours_per_play, play_shape: mean and gamma shape of the hours of one play.
        substitution: the share of row viewing that would have happened anyway, in
            [0, 1].
        novelty, novelty_decay: B's plays in week ``w`` are multiplied by ``1 + novelty
            * novelty_decay^(w - 1)``.
        retention_logit, retention_slope: retention at the next billing cycle.
        long_logit, long_slope, long_direct: long-term retention; ``long_direct`` acts
            under B only, not through hours.
        seed: the seed of the one generator used throughout.
        **world: overrides of ``WORLD`` (``noise_b=1.2`` makes the rankers equal).

    Raises:
        TypeError: for an unknown world parameter or a value of the wrong type.
        ValueError: for a value outside its range.
    """
    n = check_int(n_members, "n_members", minimum=2)
    share = check_real(treatment_share, "treatment_share", minimum=0.0)
    if share > 1:
        raise ValueError(f"treatment_share must be at most 1; got {share:g}")
    n_weeks = check_int(n_weeks, "n_weeks", minimum=1)
    pre_weeks = check_int(pre_weeks, "pre_weeks", minimum=1)
    for name, value in (
        ("other_hours", other_hours),
        ("other_shape", other_shape),
        ("hours_per_play", hours_per_play),
        ("play_shape", play_shape),
    ):
        check_real(value, name, minimum=0.0, strict=True)
    substitution = check_real(substitution, "substitution", minimum=0.0)
    if substitution > 1:
        raise ValueError(f"substitution must be at most 1; got {substitution:g}")
    novelty = check_real(novelty, "novelty", minimum=0.0)
    novelty_decay = check_real(novelty_decay, "novelty_decay", minimum=0.0)
    for name, value in (
        ("retention_logit", retention_logit),
        ("retention_slope", retention_slope),
        ("long_logit", long_logit),
        ("long_slope", long_slope),
        ("long_direct", long_direct),
    ):
        check_real(value, name)
    seed = check_int(seed, "seed", minimum=0)
    p = _world_params(world)
    params = dict(
        n_members=n,
        treatment_share=share,
        n_weeks=n_weeks,
        pre_weeks=pre_weeks,
        other_hours=float(other_hours),
        other_shape=float(other_shape),
        hours_per_play=float(hours_per_play),
        play_shape=float(play_shape),
        substitution=substitution,
        novelty=novelty,
        novelty_decay=novelty_decay,
        retention_logit=float(retention_logit),
        retention_slope=float(retention_slope),
        long_logit=float(long_logit),
        long_slope=float(long_slope),
        long_direct=float(long_direct),
        seed=seed,
        **p,
    )
    rng = np.random.default_rng(seed)
    w = _world(n, p, rng)
    k = p["row_length"]
    lam = p["sessions_per_week"] * w.activity
    sessions = rng.poisson(lam[:, None], size=(n, n_weeks))
    boost = 1 + novelty * novelty_decay ** np.arange(n_weeks)
    mult = {"A": np.ones(n_weeks), "B": boost}
    other = rng.gamma(
        other_shape, (w.activity * other_hours / other_shape)[:, None], (n, n_weeks)
    )
    u_ret, u_long = rng.random(n), rng.random(n)
    prob = {arm: _row_prob(w, w.rows[arm]) for arm in ("A", "B")}
    keep = 1 - substitution
    out: dict[str, dict[str, np.ndarray]] = {}
    expected_week: dict[str, np.ndarray] = {}
    for arm in ("A", "B"):
        pw = np.minimum(prob[arm][:, :, None] * mult[arm], 1.0)  # n x k x weeks
        plays = rng.binomial(sessions[:, None, :], pw).sum(axis=1)  # n x weeks
        row_hours = rng.gamma(play_shape * plays, hours_per_play / play_shape)
        hours = other + keep * row_hours
        weekly = hours.sum(axis=1) / n_weeks
        out[arm] = {
            "plays_w": plays,
            "hours_w": hours,
            "retained": u_ret
            < _sigmoid(retention_logit + retention_slope * np.log1p(weekly)),
            "retained_long": u_long
            < _sigmoid(
                long_logit
                + long_slope * np.log1p(weekly)
                + (long_direct if arm == "B" else 0.0)
            ),
        }
        expected_week[arm] = lam[:, None] * pw.sum(axis=1)  # n x weeks
    # the pre-period: other viewing and the row under A, before anyone was assigned
    pre_plays = rng.poisson(pre_weeks * lam * prob["A"].sum(axis=1))
    pre_hours = rng.gamma(
        other_shape * pre_weeks, w.activity * other_hours / other_shape
    ) + keep * rng.gamma(play_shape * pre_plays, hours_per_play / play_shape)

    # the interleaved row, drafted from the two rows, and what was played on it
    shown_c, teams = team_draft_many(w.rows["A"], w.rows["B"], k, seed=rng)
    total_sessions = sessions.sum(axis=1)
    p_il = _row_prob(w, shown_c)
    played = rng.random((n, k)) < 1 - (1 - p_il) ** total_sessions[:, None]
    pref = np.sign(
        (played & (teams == 1)).sum(axis=1) - (played & (teams == 0)).sum(axis=1)
    ).astype(np.int8)

    arm_b = rng.random(n) < share
    pick = {
        key: np.where(
            arm_b[:, None] if out["A"][key].ndim == 2 else arm_b,
            out["B"][key],
            out["A"][key],
        )
        for key in out["A"]
    }
    genre = w.titles["genre"].to_numpy()
    rows_title = {
        arm: np.take_along_axis(w.candidates, w.rows[arm], axis=1) for arm in ("A", "B")
    }
    rows_title["interleaved"] = np.take_along_axis(w.candidates, shown_c, axis=1)
    guard = {}
    for arm in ("A", "B"):
        pr = prob[arm]
        none = np.prod(1 - pr, axis=1)
        before = np.cumprod(np.c_[np.ones(n), 1 - pr[:, :-1]], axis=1)
        first = pr * before  # P(first play at position r) in one session
        g = genre[rows_title[arm]]
        g_sorted = np.sort(g, axis=1)
        guard[arm] = {
            "no_play_share": none,
            "browse_depth": (first * np.arange(1, k + 1)).sum(axis=1)
            / np.maximum(1 - none, 1e-300),
            "diversity": 1 + (g_sorted[:, 1:] != g_sorted[:, :-1]).sum(axis=1),
        }
    plays_obs, hours_obs = pick["plays_w"], pick["hours_w"]
    n_sessions = sessions.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        take = np.where(
            n_sessions > 0, plays_obs.sum(axis=1) / (k * n_sessions), np.nan
        )
    columns: dict[str, Any] = {
        "arm": pd.Categorical(np.where(arm_b, "B", "A"), categories=["A", "B"]),
        "segment": pd.Categorical.from_codes(w.segment, SEGMENTS),
        "activity": w.activity,
        "pre_hours": pre_hours,
        "sessions": n_sessions,
    }
    for i in range(n_weeks):
        columns[f"plays_w{i + 1}"] = plays_obs[:, i]
    columns["plays"] = plays_obs.sum(axis=1)
    for i in range(n_weeks):
        columns[f"hours_w{i + 1}"] = hours_obs[:, i]
    columns["hours"] = hours_obs.sum(axis=1)
    columns["take_rate"] = take
    columns["retained"] = pick["retained"]
    columns["retained_long"] = pick["retained_long"]
    for key in ("no_play_share", "browse_depth", "diversity"):
        columns[key] = np.where(arm_b, guard["B"][key], guard["A"][key])
    members = pd.DataFrame(columns)
    members.index.name = "member_id"
    potential = pd.DataFrame(
        {
            "plays_A": out["A"]["plays_w"].sum(axis=1),
            "plays_B": out["B"]["plays_w"].sum(axis=1),
            "hours_A": out["A"]["hours_w"].sum(axis=1),
            "hours_B": out["B"]["hours_w"].sum(axis=1),
            "retained_A": out["A"]["retained"],
            "retained_B": out["B"]["retained"],
            "retained_long_A": out["A"]["retained_long"],
            "retained_long_B": out["B"]["retained_long"],
            "preference": pref,
        }
    )
    potential.index.name = "member_id"

    gain_week = expected_week["B"] - expected_week["A"]  # expected extra plays
    hours_gain = keep * hours_per_play * gain_week.sum(axis=1)
    lasting = keep * hours_per_play * n_weeks * lam * (prob["B"] - prob["A"]).sum(1)
    truth: dict[str, Any] = {
        "ate_plays": float(gain_week.sum(axis=1).mean()),
        "ate_plays_week": [float(v) for v in gain_week.mean(axis=0)],
        "ate_hours": float(hours_gain.mean()),
        "ate_hours_week": [
            float(v) for v in keep * hours_per_play * gain_week.mean(axis=0)
        ],
        "lasting_ate_hours": float(lasting.mean()),
        "ate_hours_segment": {
            s: float(hours_gain[w.segment == i].mean()) for i, s in enumerate(SEGMENTS)
        },
        "ate_retention": float(
            out["B"]["retained"].mean() - out["A"]["retained"].mean()
        ),
        "ate_retention_long": float(
            out["B"]["retained_long"].mean() - out["A"]["retained_long"].mean()
        ),
        "mean_plays_A": float(expected_week["A"].sum(axis=1).mean()),
        "mean_hours_A": float(
            n_weeks * other_hours * w.activity.mean()
            + keep * hours_per_play * expected_week["A"].sum(axis=1).mean()
        ),
    }
    return RecommendationExperiment(
        members=members,
        potential=potential,
        rows=rows_title,
        teams=teams,
        played=played,
        titles=w.titles,
        truth=truth,
        params=params,
    )


@dataclass(frozen=True)
class LoggedRecommendations:
    """What the old ranker's logs hold, and what each ranker would truly have earned.

    Attributes:
        shown: members x ``row_length`` catalogue title ids, the row each member saw.
        plays: members x ``row_length``: plays of each shown title in the log window.
        propensity: members x ``row_length``: the logging policy's probability of
            showing that title at that position.
        item_propensity: members x ``row_length``: its probability of showing that
            title anywhere on the row.
        examine: the planted examination probability of each position (what a
            position-randomised test would estimate).
        explored: per member, whether the row was the random (exploration) one.
        rows: ``"A"`` and ``"B"``: the row each ranker would show each member.
        truth: ``value_A`` and ``value_B``, the expected plays per member in the window
            had every member been shown ranker A's (B's) row.
        params: every parameter used.
    """

    shown: np.ndarray
    plays: np.ndarray
    propensity: np.ndarray
    item_propensity: np.ndarray
    examine: np.ndarray
    explored: np.ndarray
    rows: dict[str, np.ndarray]
    truth: dict[str, float] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)


def make_logged_recommendations(
    n_members: int = 100_000,
    *,
    epsilon: float = 0.2,
    n_weeks: int = 1,
    seed: int = 2026,
    **world: Any,
) -> LoggedRecommendations:
    """Draw the logs of the old ranker A, with exploration, in the same world as
    :func:`make_recommendation_experiment` (see the module docstring).

    With probability ``1 - epsilon`` a member saw A's row; otherwise the first
    ``row_length`` of a uniformly random ordering of their candidates. So the title at
    position ``r`` had propensity ``(1 - epsilon) [A puts it at r] + epsilon /
    n_candidates``, and of being anywhere on the row ``(1 - epsilon) [A shows it] +
    epsilon * row_length / n_candidates``. Plays of each shown title over ``n_weeks``
    weeks are ``Binomial(sessions, p_r)``, with the world's position-based click model.

    Raises:
        TypeError: for an unknown world parameter or a value of the wrong type.
        ValueError: for a value outside its range (``epsilon`` must be in [0, 1]).
    """
    n = check_int(n_members, "n_members", minimum=2)
    epsilon = check_real(epsilon, "epsilon", minimum=0.0)
    if epsilon > 1:
        raise ValueError(f"epsilon must be a probability in [0, 1]; got {epsilon:g}")
    n_weeks = check_int(n_weeks, "n_weeks", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    p = _world_params(world)
    rng = np.random.default_rng(seed)
    w = _world(n, p, rng)
    C, k = p["n_candidates"], p["row_length"]
    explored = rng.random(n) < epsilon
    random_rows = _top_k(-rng.random((n, C)), k)  # a random ordering's first k
    shown_c = np.where(explored[:, None], random_rows, w.rows["A"])
    propensity = (1 - epsilon) * (shown_c == w.rows["A"]) + epsilon / C
    in_a = (shown_c[:, :, None] == w.rows["A"][:, None, :]).any(axis=2)
    item_propensity = (1 - epsilon) * in_a + epsilon * k / C
    sessions = rng.poisson(n_weeks * p["sessions_per_week"] * w.activity)
    plays = rng.binomial(sessions[:, None], _row_prob(w, shown_c))
    lam = n_weeks * p["sessions_per_week"] * w.activity
    truth = {
        f"value_{arm}": float((lam * _row_prob(w, w.rows[arm]).sum(axis=1)).mean())
        for arm in ("A", "B")
    }
    title_of = w.candidates
    return LoggedRecommendations(
        shown=np.take_along_axis(title_of, shown_c, axis=1),
        plays=plays,
        propensity=propensity,
        item_propensity=item_propensity,
        examine=w.examine.copy(),
        explored=explored,
        rows={
            arm: np.take_along_axis(title_of, w.rows[arm], axis=1) for arm in ("A", "B")
        },
        truth=truth,
        params=dict(n_members=n, epsilon=epsilon, n_weeks=n_weeks, seed=seed, **p),
    )
