"""Simulated member acquisition: user journeys across marketing channels, and the daily
media view.

Two views of one market, each made by a seeded generator whose parameters are the ground
truth.

**Journeys** (:func:`make_journeys`): every prospective member gets a latent intent
``z ~ N(0, 1)``. Her baseline chance to sign up with no marketing at all is
``sigmoid(baseline_logit + intent_slope * z)``. Each channel touches her a Poisson
number of times (at most ``max_touches``) with rate
``rate * exp(selection * z - selection**2 / 2)``: a channel with ``selection > 0``
mostly reaches people with high intent (brand search, organic, affiliate), which is why
it sits next to conversions without causing them. Seeing online video multiplies her
brand-search and organic rates by ``1 + video_to_search`` (the upper funnel sends people
to search for the brand). Whether she signs up follows a noisy-OR: each channel she was
exposed to independently "converts" her with probability ``lift`` (the channel's true
incremental effect), on top of the baseline::

    P(sign up) = 1 - (1 - baseline) * prod_c (1 - lift_c) ** exposed_c

Touches happen a gamma-distributed ``lag_days`` before her decision time (video weeks
before, brand search hours before), so the order of a path, and how a lookback window
cuts it, come from the same parameters.

**Daily media** (:func:`make_daily_media`): spend per channel, region and day, with
geometric adstock (carry-over ``decay``) and exponential saturation in the true
response::

    adstock_t = decay * adstock_{t-1} + (1 - decay) * spend_t
    E[sign-ups per 100k people per day] = base_r + season_t
        + sum_c beta_c * (1 - exp(-adstock_c / kappa_c))

Brand-search spend follows demand (the baseline), online video launches region by region
on staggered weeks. :func:`media_response` is the true response;
:func:`expected_signups` applies it to any spend plan.

The truth: :func:`journey_truth` (each channel's expected incremental sign-ups, by
switching it off with common random numbers) and
:data:`MEDIA_PARAMS` / :func:`media_truth`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import signal, special

from dsinterview._validate import check_columns, check_int, check_real

#: Channels in funnel order, upper funnel first.
CHANNELS: tuple[str, ...] = (
    "video",
    "display",
    "social",
    "email",
    "nonbrand_search",
    "organic",
    "affiliate",
    "brand_search",
)

#: Paid channels: the ones with media spend in the daily view (email is owned, organic
#: is free).
PAID_CHANNELS: tuple[str, ...] = (
    "video",
    "display",
    "social",
    "nonbrand_search",
    "affiliate",
    "brand_search",
)

#: Journey parameters per channel (the ground truth of :func:`make_journeys`).
#: rate: mean touches per person at average intent; selection: how strongly exposure
#: follows intent; lift: probability that exposure alone causes a sign-up (noisy-OR);
#: lag_days: mean days from the touch to the decision; cost: mean cost of one touch in
#: dollars.
JOURNEY_PARAMS: dict[str, dict[str, float]] = {
    "video": dict(rate=0.30, selection=0.0, lift=0.045, lag_days=24.0, cost=2.00),
    "display": dict(rate=0.45, selection=0.0, lift=0.006, lag_days=12.0, cost=0.90),
    "social": dict(rate=0.35, selection=0.2, lift=0.025, lag_days=9.0, cost=1.30),
    "email": dict(rate=0.20, selection=0.7, lift=0.012, lag_days=6.0, cost=0.01),
    "nonbrand_search": dict(
        rate=0.30, selection=0.4, lift=0.030, lag_days=4.0, cost=1.10
    ),
    "organic": dict(rate=0.25, selection=1.0, lift=0.006, lag_days=2.0, cost=0.0),
    "affiliate": dict(rate=0.10, selection=1.0, lift=0.006, lag_days=1.0, cost=1.50),
    "brand_search": dict(rate=0.15, selection=1.6, lift=0.003, lag_days=0.5, cost=0.80),
}

#: Daily-media parameters per paid channel (the ground truth of
#: :func:`make_daily_media`), per 100k people per day: spend: mean dollars; decay:
#: adstock carry-over; beta: the most sign-ups the channel can add; kappa: the adstocked
#: spend at which it adds ``1 - 1/e`` (63%) of ``beta``.
MEDIA_PARAMS: dict[str, dict[str, float]] = {
    "video": dict(spend=200.0, decay=0.85, beta=6.0, kappa=250.0),
    "display": dict(spend=80.0, decay=0.3, beta=1.2, kappa=150.0),
    "social": dict(spend=100.0, decay=0.4, beta=4.0, kappa=120.0),
    "nonbrand_search": dict(spend=120.0, decay=0.2, beta=6.0, kappa=150.0),
    "affiliate": dict(spend=40.0, decay=0.0, beta=0.8, kappa=60.0),
    "brand_search": dict(spend=60.0, decay=0.0, beta=0.6, kappa=150.0),
}

_START = np.datetime64("2026-01-01T00:00:00", "s")
_SECONDS_PER_DAY = 86_400


class Journeys(NamedTuple):
    """The event-level journeys: one row per touch, and one row per person."""

    touches: pd.DataFrame
    """``user_id`` (int64), ``timestamp`` (datetime64[s]), ``channel`` (str), ``cost``
    (float, dollars)."""
    users: pd.DataFrame
    """``user_id``, ``end_time`` (decision time, datetime64[s]), ``converted`` (bool),
    and one boolean ``holdout_<channel>`` column per channel held out in a lift test."""


def _params(
    lift: Mapping[str, float] | None, selection: Mapping[str, float] | None = None
) -> pd.DataFrame:
    table = pd.DataFrame(JOURNEY_PARAMS).T.loc[list(CHANNELS)]
    if selection is not None:  # targeting by intent, overridden per channel
        if not isinstance(selection, Mapping):
            raise TypeError(
                f"selection must be a mapping of channel -> number; got "
                f"{type(selection).__name__}"
            )
        for ch, value in selection.items():
            if ch not in table.index:
                raise ValueError(f"selection names an unknown channel {ch!r}")
            table.loc[ch, "selection"] = check_real(value, f"selection[{ch!r}]")
    if lift is not None:
        if not isinstance(lift, Mapping):
            raise TypeError(
                "lift must be a mapping of channel -> probability; got "
                f"{type(lift).__name__}"
            )
        for ch, value in lift.items():
            if ch not in table.index:
                raise ValueError(
                    f"lift names an unknown channel {ch!r}; channels are "
                    f"{list(CHANNELS)}"
                )
            value = check_real(value, f"lift[{ch!r}]", minimum=0.0)
            if value >= 1.0:
                raise ValueError(
                    f"lift[{ch!r}] is a probability and must be below 1; got {value:g}"
                )
            table.loc[ch, "lift"] = value
    return table


def _check_holdout(holdout: Mapping[str, float] | None) -> dict[str, float]:
    if holdout is None:
        return {}
    if not isinstance(holdout, Mapping):
        raise TypeError(
            "holdout must be a mapping of channel -> fraction; got "
            f"{type(holdout).__name__}"
        )
    out = {}
    for ch, frac in holdout.items():
        if ch not in CHANNELS:
            raise ValueError(
                f"holdout names an unknown channel {ch!r}; channels are "
                f"{list(CHANNELS)}"
            )
        frac = check_real(frac, f"holdout[{ch!r}]", minimum=0.0, strict=True)
        if frac >= 1.0:
            raise ValueError(
                f"holdout[{ch!r}] is the fraction held out and must be below 1; got "
                f"{frac:g}"
            )
        out[ch] = frac
    return out


class _World(NamedTuple):
    baseline: np.ndarray  # (n,) baseline sign-up probability
    rates: np.ndarray  # (n, C) Poisson rates before the video effect
    u_touch: (
        np.ndarray
    )  # (n, C) uniforms that fix the touch counts (common random numbers)
    lift: np.ndarray  # (C,)
    video_to_search: float
    max_touches: int


def _draw_world(
    n_users: int,
    seed: int,
    params: pd.DataFrame,
    baseline_logit: float,
    intent_slope: float,
    video_to_search: float,
    max_touches: int,
) -> tuple[_World, np.random.Generator]:
    rng = np.random.default_rng(seed)
    z = rng.standard_normal(n_users)
    baseline = special.expit(baseline_logit + intent_slope * z)
    sel = params["selection"].to_numpy()
    rates = params["rate"].to_numpy() * np.exp(np.outer(z, sel) - sel**2 / 2)
    u_touch = rng.random((n_users, len(CHANNELS)))
    world = _World(
        baseline,
        rates,
        u_touch,
        params["lift"].to_numpy(),
        video_to_search,
        max_touches,
    )
    return world, rng


def _poisson_inverse(u: np.ndarray, rate: np.ndarray, cap: int) -> np.ndarray:
    """Poisson counts by inversion, capped at ``cap``: the number of CDF steps
    ``0..cap-1`` that ``u`` exceeds."""
    term = np.exp(-rate)
    cdf = term.copy()
    count = np.zeros(np.broadcast(u, rate).shape, dtype=np.int64)
    for k in range(cap):
        count += u > cdf
        term = term * rate / (k + 1)
        cdf = cdf + term
    return count


def _touch_counts(world: _World, off: np.ndarray | None = None) -> np.ndarray:
    """Touch counts per person and channel; ``off`` (n, C) boolean switches a channel
    off for a person."""
    rates = world.rates.copy()
    video = CHANNELS.index("video")
    counts_video = _poisson_inverse(
        world.u_touch[:, video], rates[:, video], world.max_touches
    )
    if off is not None:
        counts_video = np.where(off[:, video], 0, counts_video)
    saw_video = counts_video > 0
    for ch in ("brand_search", "organic"):
        rates[:, CHANNELS.index(ch)] *= np.where(
            saw_video, 1.0 + world.video_to_search, 1.0
        )
    counts = _poisson_inverse(world.u_touch, rates, world.max_touches)
    counts[:, video] = counts_video
    if off is not None:
        counts[off] = 0
    return counts


def _conversion_probability(world: _World, counts: np.ndarray) -> np.ndarray:
    survive = np.prod(np.where(counts > 0, 1.0 - world.lift, 1.0), axis=1)
    return 1.0 - (1.0 - world.baseline) * survive


def _check_journey_args(
    n_users, seed, baseline_logit, intent_slope, video_to_search, max_touches
):
    n_users = check_int(n_users, "n_users", minimum=1)
    check_int(seed, "seed", minimum=0)
    baseline_logit = check_real(baseline_logit, "baseline_logit")
    intent_slope = check_real(intent_slope, "intent_slope")
    video_to_search = check_real(video_to_search, "video_to_search", minimum=0.0)
    max_touches = check_int(max_touches, "max_touches", minimum=1)
    return n_users, baseline_logit, intent_slope, video_to_search, max_touches


def _checked_world(
    n_users,
    seed,
    lift,
    selection,
    baseline_logit,
    intent_slope,
    video_to_search,
    max_touches,
) -> tuple[_World, np.random.Generator, pd.DataFrame]:
    """Validate the market's arguments and draw its people (for the functions that,
    unlike :func:`make_journeys`, need no touches)."""
    n_users, baseline_logit, intent_slope, video_to_search, max_touches = (
        _check_journey_args(
            n_users, seed, baseline_logit, intent_slope, video_to_search, max_touches
        )
    )
    params = _params(lift, selection)
    world, rng = _draw_world(
        n_users,
        seed,
        params,
        baseline_logit,
        intent_slope,
        video_to_search,
        max_touches,
    )
    return world, rng, params


def make_journeys(
    n_users: int = 300_000,
    seed: int = 7,
    *,
    lift: Mapping[str, float] | None = None,
    holdout: Mapping[str, float] | None = None,
    selection: Mapping[str, float] | None = None,
    baseline_logit: float = -3.6,
    intent_slope: float = 1.3,
    video_to_search: float = 1.0,
    max_touches: int = 3,
    window_days: float = 90.0,
) -> Journeys:
    """Simulate ``n_users`` prospective members' touches across :data:`CHANNELS` and
    whether they sign up.

    Args:
        n_users: people in the market.
        seed: seeds every random draw; the same arguments give the same journeys.
        lift: override :data:`JOURNEY_PARAMS` lifts, e.g. ``{"video": 0.0}``.
        selection: override their ``selection`` (targeting by intent), e.g. 0 for
            all.
        holdout: a randomised conversion-lift test, ``{channel: fraction}``: each person
            is held out of that channel with that probability (independently per
            channel), and a held-out person's touches from it are suppressed (a "ghost
            ad"). The draws of everything else are unchanged.
        baseline_logit, intent_slope: baseline sign-up probability
            ``sigmoid(baseline_logit + intent_slope * z)``.
        video_to_search: how much seeing video raises brand-search and organic rates
            (``1 + video_to_search``).
        max_touches: cap on touches per person and channel.
        window_days: decision times are uniform over ``[45, 45 + window_days]`` days
            after 2026-01-01.

    Returns:
        :class:`Journeys` with ``touches`` sorted by person and time, and ``users``.
    """
    n_users, baseline_logit, intent_slope, video_to_search, max_touches = (
        _check_journey_args(
            n_users, seed, baseline_logit, intent_slope, video_to_search, max_touches
        )
    )
    window_days = check_real(window_days, "window_days", minimum=0.0, strict=True)
    params = _params(lift, selection)
    held = _check_holdout(holdout)
    world, rng = _draw_world(
        n_users,
        seed,
        params,
        baseline_logit,
        intent_slope,
        video_to_search,
        max_touches,
    )
    end_day = 45.0 + window_days * rng.random(n_users)
    u_convert = rng.random(n_users)
    # The experiment's randomisation has its own stream, so a holdout leaves every other
    # draw unchanged.
    rng_test = np.random.default_rng([seed, 1])
    off = np.zeros((n_users, len(CHANNELS)), dtype=bool)
    users = pd.DataFrame({"user_id": np.arange(n_users, dtype=np.int64)})
    for ch in CHANNELS:
        if ch in held:
            col = rng_test.random(n_users) < held[ch]
            off[:, CHANNELS.index(ch)] = col
            users[f"holdout_{ch}"] = col
    potential = _touch_counts(world)
    counts = _touch_counts(world, off) if held else potential
    converted = u_convert < _conversion_probability(world, counts)

    # One row per potential touch, vectorised: repeat (person, channel) by its count.
    # Timing and cost are drawn for the touches that would happen without a holdout, so
    # a holdout only removes touches (with the same random numbers, a lower rate never
    # gives more touches).
    flat = potential.ravel()
    user = np.repeat(np.repeat(np.arange(n_users), len(CHANNELS)), flat)
    chan = np.repeat(np.tile(np.arange(len(CHANNELS)), n_users), flat)
    rng_touch = np.random.default_rng([seed, 2])
    lag = rng_touch.gamma(2.0, params["lag_days"].to_numpy()[chan] / 2.0)
    cost = params["cost"].to_numpy()[chan] * rng_touch.lognormal(
        -0.5 * 0.3**2, 0.3, size=chan.size
    )
    if held:
        slot = np.arange(flat.size).repeat(
            flat
        )  # (person, channel) cell of every touch
        rank = np.arange(slot.size) - np.r_[0, np.cumsum(flat)[:-1]].repeat(flat)
        keep = rank < counts.ravel()[slot]
        user, chan, lag, cost = user[keep], chan[keep], lag[keep], cost[keep]
    seconds = np.round((end_day[user] - lag) * _SECONDS_PER_DAY).astype(np.int64)
    order = np.lexsort((chan, seconds, user))
    touches = pd.DataFrame(
        {
            "user_id": user[order].astype(np.int64),
            "timestamp": _START + seconds[order].astype("timedelta64[s]"),
            "channel": np.asarray(CHANNELS, dtype=object)[chan[order]],
            "cost": np.round(cost[order], 4),
        }
    )
    touches["channel"] = touches["channel"].astype(str)
    users.insert(
        1,
        "end_time",
        _START
        + np.round(end_day * _SECONDS_PER_DAY)
        .astype(np.int64)
        .astype("timedelta64[s]"),
    )
    users.insert(2, "converted", converted)
    return Journeys(touches, users)


def journey_truth(
    n_users: int = 300_000,
    seed: int = 7,
    *,
    lift: Mapping[str, float] | None = None,
    baseline_logit: float = -3.6,
    intent_slope: float = 1.3,
    video_to_search: float = 1.0,
    max_touches: int = 3,
    selection: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """The planted truth behind :func:`make_journeys` with the same arguments (without a
    holdout).

    For each channel, the expected sign-ups with every channel on minus the expected
    sign-ups with that channel switched off for everyone, in the same population (same
    people, same random numbers), so the switch also removes the brand searches that
    video would have caused. This is what a perfect holdout of the whole market would
    measure. Expected values, so no outcome noise.

    Returns:
        A frame indexed by channel with ``lift`` (the parameter), ``exposed`` (people
        touched), ``spend`` (expected dollars), ``incremental`` (expected incremental
        sign-ups) and ``cost_per_incremental``. ``attrs`` holds ``expected_signups``
        (all channels on) and ``baseline_signups`` (all off).
    """
    world, _, params = _checked_world(
        n_users,
        seed,
        lift,
        selection,
        baseline_logit,
        intent_slope,
        video_to_search,
        max_touches,
    )
    return _truth(world, params, _touch_counts(world))


def _truth(world: _World, params: pd.DataFrame, counts: np.ndarray) -> pd.DataFrame:
    """Each channel's expected incremental sign-ups in ``world`` (see
    :func:`journey_truth`), given its touch counts without any holdout."""
    p_all = _conversion_probability(world, counts)
    rows = []
    for j, ch in enumerate(CHANNELS):
        if (
            ch == "video"
        ):  # switching video off also removes the searches it caused: redraw the counts
            off = np.zeros_like(counts, dtype=bool)
            off[:, j] = True
            counts_off = _touch_counts(world, off)
        else:  # no other channel changes another's touches
            counts_off = counts.copy()
            counts_off[:, j] = 0
        p_off = _conversion_probability(world, counts_off)
        spend = float(counts[:, j].sum() * params.loc[ch, "cost"])
        inc = float(p_all.sum() - p_off.sum())
        rows.append(
            dict(
                channel=ch,
                lift=float(params.loc[ch, "lift"]),
                exposed=int((counts[:, j] > 0).sum()),
                spend=spend,
                incremental=inc,
                cost_per_incremental=spend / inc if inc > 0 else np.inf,
            )
        )
    truth = pd.DataFrame(rows).set_index("channel")
    truth.attrs["expected_signups"] = float(p_all.sum())
    truth.attrs["baseline_signups"] = float(world.baseline.sum())
    return truth


class JourneySets(NamedTuple):
    """The journeys of :func:`make_journeys` reduced to what a set-based game needs."""

    sets: pd.DataFrame
    """A journeys table with one row per distinct *set* of channels (``path`` lists the
    set's channels in :data:`CHANNELS` order), ``conversions`` and ``non_conversions``.
    """
    untouched_rate: float
    """The conversion rate of the people no channel touched."""
    truth: pd.DataFrame
    """:func:`journey_truth` of the same market."""


def journey_sets(
    n_users: int = 300_000,
    seed: int = 7,
    *,
    lift: Mapping[str, float] | None = None,
    selection: Mapping[str, float] | None = None,
    baseline_logit: float = -3.6,
    intent_slope: float = 1.3,
    video_to_search: float = 1.0,
    max_touches: int = 3,
) -> JourneySets:
    """The market of :func:`make_journeys` (same arguments, no holdout) by channel set,
    without building the touches, and its truth, in one pass.

    With the same arguments, ``sets`` holds exactly the conversions and non-conversions
    of ``journeys_table(*make_journeys(...))`` grouped by the set of channels in each
    path (order and repeats dropped), so :func:`dsinterview.attribution.shapley` and
    :func:`~dsinterview.attribution.shapley_incremental` give the same credit on both;
    ``truth`` equals :func:`journey_truth`. It is the cheap way to replicate set-based
    attribution over many fresh markets.

    Raises:
        ValueError, TypeError: as :func:`make_journeys`.
    """
    world, rng, params = _checked_world(
        n_users,
        seed,
        lift,
        selection,
        baseline_logit,
        intent_slope,
        video_to_search,
        max_touches,
    )
    n_users = world.baseline.size
    rng.random(n_users)  # the decision times of make_journeys: keep the stream aligned
    u_convert = rng.random(n_users)
    counts = _touch_counts(world)
    converted = u_convert < _conversion_probability(world, counts)
    mask = ((counts > 0) << np.arange(len(CHANNELS))).sum(axis=1)
    size = 1 << len(CHANNELS)
    total = np.bincount(mask, minlength=size)
    conv = np.bincount(mask, weights=converted, minlength=size).astype(np.int64)
    observed = np.flatnonzero(total[1:]) + 1  # every set but the empty one
    sets = pd.DataFrame(
        {
            "path": [
                [c for j, c in enumerate(CHANNELS) if m >> j & 1] for m in observed
            ],
            "conversions": conv[observed],
            "non_conversions": (total[observed] - conv[observed]).astype(np.int64),
        }
    )
    untouched = float(conv[0] / total[0]) if total[0] else float("nan")
    return JourneySets(sets, untouched, _truth(world, params, counts))


def journeys_table(
    touches: pd.DataFrame,
    users: pd.DataFrame,
    *,
    lookback_days: float | None = None,
    session_gap_minutes: float | None = None,
) -> pd.DataFrame:
    """Turn event-level journeys into the journeys table: one row per distinct path.

    A person's path is her channels in time order (touches in the same second in
    channel-name order). Touches more than ``lookback_days`` before her decision time
    are dropped. With ``session_gap_minutes``, a touch less than that many minutes after
    her previous touch continues the same session and is dropped (a session keeps the
    channel that started it). People with no touch left are not in the table (they are
    "direct" sign-ups that no path can claim).

    Returns:
        Columns ``path`` (list of channel names), ``conversions`` and
        ``non_conversions`` (int64), sorted by total journeys, most common first (ties
        by path).
    """
    check_columns(touches, ["user_id", "timestamp", "channel"], "touches")
    check_columns(users, ["user_id", "end_time", "converted"], "users")
    if users["user_id"].duplicated().any():
        raise ValueError(
            "users has a repeated user_id; it must hold one row per person"
        )
    person = pd.Index(users["user_id"]).get_indexer(touches["user_id"])
    if (person < 0).any():
        raise ValueError(
            f"{int((person < 0).sum())} touches belong to no person in users; every "
            "user_id must be there"
        )
    seconds = (
        touches["timestamp"].to_numpy().astype("datetime64[ns]").astype(np.int64) / 1e9
    )
    end = (
        users["end_time"].to_numpy().astype("datetime64[ns]").astype(np.int64)[person]
        / 1e9
    )
    # Channel codes in name order, so sorting by code breaks same-second ties by channel
    # name.
    codes, names = pd.factorize(touches["channel"], sort=True)
    if (codes < 0).any():
        raise ValueError(
            "touches['channel'] has missing values; every touch needs a channel"
        )
    order = np.lexsort((codes, seconds, person))
    person, seconds, end, codes = (
        person[order],
        seconds[order],
        end[order],
        codes[order],
    )
    keep = np.ones(len(order), dtype=bool)
    if lookback_days is not None:
        lookback_days = check_real(
            lookback_days, "lookback_days", minimum=0.0, strict=True
        )
        keep &= (end - seconds) <= lookback_days * _SECONDS_PER_DAY
        person, seconds, codes = person[keep], seconds[keep], codes[keep]
    if session_gap_minutes is not None:
        gap = check_real(
            session_gap_minutes, "session_gap_minutes", minimum=0.0, strict=True
        )
        close = np.r_[
            False, (person[1:] == person[:-1]) & (np.diff(seconds) < gap * 60)
        ]
        person, codes = person[~close], codes[~close]
    # Vectorised paths: each touch's channel as a fixed-width code; a person's path is a
    # contiguous slice of the code buffer (touches are sorted by person), so distinct
    # paths are distinct byte strings.
    buf = codes.astype(">u2").tobytes()
    starts = (
        np.flatnonzero(np.r_[True, person[1:] != person[:-1]])
        if len(person)
        else np.array([], dtype=int)
    )
    ends = np.r_[starts[1:], len(person)]
    keys = [buf[2 * s : 2 * e] for s, e in zip(starts.tolist(), ends.tolist())]
    converted = users["converted"].to_numpy().astype(np.int64)[person[starts]]
    per_path = pd.DataFrame({"key": keys, "conversions": converted}).groupby(
        "key", sort=False
    )["conversions"]
    table = per_path.agg(["sum", "size"]).reset_index()
    names = np.asarray(names, dtype=object)
    table["path"] = [
        names[np.frombuffer(k, dtype=">u2")].tolist() for k in table["key"]
    ]
    table["path_str"] = [" > ".join(p) for p in table["path"]]
    table["conversions"] = table["sum"].astype(np.int64)
    table["non_conversions"] = (table["size"] - table["sum"]).astype(np.int64)
    table = table.sort_values(
        ["size", "path_str"], ascending=[False, True], kind="stable"
    )
    return table[["path", "conversions", "non_conversions"]].reset_index(drop=True)


# -------------------------------------------------------------------------------- media


def geometric_adstock(spend: np.ndarray, decay: float) -> np.ndarray:
    """Carry-over along the first axis: ``a_t = decay * a_{t-1} + (1 - decay) * x_t``
    (``a_{-1} = 0``).

    The ``(1 - decay)`` keeps the steady state of a constant spend equal to that spend.
    """
    x = np.asarray(spend, dtype=float)
    decay = check_real(decay, "decay", minimum=0.0)
    if decay >= 1.0:
        raise ValueError(f"decay must be in [0, 1); got {decay:g}")
    return signal.lfilter([1.0 - decay], [1.0, -decay], x, axis=0)


def media_response(adstock: np.ndarray, beta: float, kappa: float) -> np.ndarray:
    """Exponential saturation: sign-ups added by an adstocked spend,
    ``beta * (1 - exp(-adstock / kappa))``."""
    kappa = check_real(kappa, "kappa", minimum=0.0, strict=True)
    return beta * -np.expm1(-np.asarray(adstock, dtype=float) / kappa)


def media_truth(
    params: Mapping[str, Mapping[str, float]] | None = None,
) -> pd.DataFrame:
    """:data:`MEDIA_PARAMS` as a frame, with the steady-state sign-ups each channel adds
    at its mean spend (``contribution``, per 100k people per day) and its marginal
    sign-ups per extra dollar there."""
    params = MEDIA_PARAMS if params is None else params  # same layout
    t = pd.DataFrame({c: dict(params[c]) for c in PAID_CHANNELS}).T.loc[
        list(PAID_CHANNELS)
    ]
    t["contribution"] = t["beta"] * -np.expm1(-t["spend"] / t["kappa"])
    t["marginal_per_dollar"] = t["beta"] / t["kappa"] * np.exp(-t["spend"] / t["kappa"])
    return t


def _media_arrays(frame: pd.DataFrame) -> tuple[np.ndarray, list, np.ndarray]:
    check_columns(
        frame,
        ["date", "region", "population"] + [f"spend_{c}" for c in PAID_CHANNELS],
        "frame",
    )
    f = frame.sort_values(["region", "date"], kind="stable")
    regions = list(pd.unique(f["region"]))
    n_days = len(f) // len(regions)
    if n_days * len(regions) != len(f):
        raise ValueError(
            "frame must hold every region on every date (a balanced panel)"
        )
    return f, regions, n_days


def expected_signups(
    frame: pd.DataFrame, params: Mapping[str, Mapping[str, float]] | None = None
) -> pd.Series:
    """The true expected sign-ups of a daily-media frame (as made by
    :func:`make_daily_media`, any spend plan).

    Uses its ``baseline`` column and the spend columns, adstocked per region in date
    order, with ``params`` (default :data:`MEDIA_PARAMS`). Returned in the frame's row
    order.
    """
    check_columns(frame, ["baseline"], "frame")
    params = MEDIA_PARAMS if params is None else params
    f, regions, n_days = _media_arrays(frame)
    pop = f["population"].to_numpy()
    mean = f["baseline"].to_numpy().copy()
    for ch in PAID_CHANNELS:
        p = params[ch]
        x = (f[f"spend_{ch}"].to_numpy() / pop).reshape(len(regions), n_days).T
        mean += (
            pop
            * media_response(
                geometric_adstock(x, p["decay"]), p["beta"], p["kappa"]
            ).T.ravel()
        )
    return pd.Series(mean, index=f.index, name="expected_signups").loc[frame.index]


def make_daily_media(
    n_regions: int = 40,
    n_weeks: int = 104,
    seed: int = 7,
    *,
    launch_weeks: tuple[int, ...] = (30, 42, 54, 66),
    params: Mapping[str, Mapping[str, float]] | None = None,
    base_rate: float = 15.0,
) -> pd.DataFrame:
    """Daily spend by paid channel and region, and the sign-ups the true response
    produces.

    Regions have populations (in units of 100k people) and baseline sign-up rates
    ``base_rate * level_r`` (``level_r`` log-normal around 1); on top, the season adds
    ``+-15%`` of ``base_rate`` over a year and weekends add 10% (additively, the same in
    every region). Each channel's spend is flighted: each region-week is on with
    probability 0.85 at a log-normal level, with daily noise. Brand-search spend follows
    the baseline demand (people search the brand when they would sign up anyway). Online
    video launches on a staggered schedule: the regions are split evenly into
    ``len(launch_weeks) + 1`` cohorts; cohort ``k`` starts video in week
    ``launch_weeks[k]``, the last cohort never does.
    Sign-ups are Poisson with mean
    ``population * (baseline + sum_c beta_c * (1 - exp(-adstock_c / kappa_c)))`` per
    100k people (:func:`expected_signups`).

    Returns:
        One row per region and day: ``date``, ``region`` (``"R01"``...), ``population``,
        ``video_launch_week`` (``-1`` for never), ``baseline`` (the true expected
        sign-ups without media), ``spend_<channel>`` for each of :data:`PAID_CHANNELS`,
        and ``signups``.
    """
    n_regions = check_int(n_regions, "n_regions", minimum=2)
    n_weeks = check_int(n_weeks, "n_weeks", minimum=2)
    check_int(seed, "seed", minimum=0)
    base_rate = check_real(base_rate, "base_rate", minimum=0.0, strict=True)
    for w in launch_weeks:
        check_int(w, "launch_weeks[...]", minimum=0)
        if w >= n_weeks:
            raise ValueError(
                f"every launch week must be below n_weeks={n_weeks}; got {w}"
            )
    params = MEDIA_PARAMS if params is None else params
    rng = np.random.default_rng(seed)
    n_days = 7 * n_weeks
    day = np.arange(n_days)
    pop = np.round(rng.lognormal(np.log(5.0), 0.5, n_regions), 2)
    level = rng.lognormal(0.0, 0.15, n_regions)
    season = 0.15 * np.sin(2 * np.pi * day / 365.25) + np.where(day % 7 >= 5, 0.1, 0.0)
    base = base_rate * (level[None, :] + season[:, None])  # (days, regions), per 100k
    n_cohorts = len(launch_weeks) + 1
    cohort = np.arange(n_regions) % n_cohorts
    launch = np.array(list(launch_weeks) + [-1])[cohort]
    week = day // 7
    spend = {}
    for ch in PAID_CHANNELS:
        on = rng.random((n_weeks, n_regions)) < 0.85
        weekly = np.where(
            on, rng.lognormal(-0.5 * 0.6**2, 0.6, (n_weeks, n_regions)), 0.0
        )
        daily = weekly[week] * rng.lognormal(-0.5 * 0.15**2, 0.15, (n_days, n_regions))
        if ch == "brand_search":
            daily = (
                base
                / base.mean()
                * rng.lognormal(-0.5 * 0.4**2, 0.4, (n_days, n_regions))
            )
        if ch == "video":
            daily = np.where(
                (launch[None, :] >= 0) & (week[:, None] >= launch[None, :]), daily, 0.0
            )
        spend[ch] = params[ch]["spend"] * daily * pop[None, :]
    frame = pd.DataFrame(
        {
            "date": np.tile(_START.astype("datetime64[D]") + day, n_regions),
            "region": np.repeat([f"R{r + 1:02d}" for r in range(n_regions)], n_days),
            "population": np.repeat(pop, n_days),
            "video_launch_week": np.repeat(launch, n_days).astype(np.int64),
            "baseline": (base * pop[None, :]).T.ravel(),
        }
    )
    for ch in PAID_CHANNELS:
        frame[f"spend_{ch}"] = np.round(spend[ch].T.ravel(), 2)
    frame["signups"] = rng.poisson(expected_signups(frame, params).to_numpy()).astype(
        np.int64
    )
    return frame
