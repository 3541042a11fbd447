"""One simulated market seen two ways, and the conditions under which its measurements
break.

:mod:`dsinterview.data.journeys` has a journey-level view (people, touches, sign-ups)
and a daily media view (spend and sign-ups by region and day). The functions here tie
the two together and plant the settings in which a media-mix model or a
difference-in-differences estimate goes wrong, so that a chapter can show the method
failing before it shows the repair:

- :func:`media_params_from_journeys`: media-view parameters whose spend mix and
  incremental contributions are those of a journey world, so that both views describe
  one market.
- :func:`stagger_video_effects`: a staggered video launch whose effect differs by launch
  wave and builds up over the weeks after the launch (the setting in which a static
  two-way fixed-effects estimate is biased).
- :func:`brand_spend_follows_demand`: brand-search spend that tracks a region-by-day
  demand shock the analyst cannot see (the paid-search bias of media-mix models).
- :func:`national_series`: the regional panel summed into the one national daily series
  most MMMs get.
- :func:`geo_holdout`: a factorial geo experiment on the panel, whose estimates
  calibrate the MMM.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import signal

from dsinterview._validate import check_columns, check_int, check_real
from dsinterview.data.journeys import (
    MEDIA_PARAMS,
    PAID_CHANNELS,
    expected_signups,
)

__all__ = [
    "brand_spend_follows_demand",
    "geo_holdout",
    "media_params_from_journeys",
    "national_series",
    "stagger_video_effects",
]


def media_params_from_journeys(
    truth: pd.DataFrame,
    params: Mapping[str, Mapping[str, float]] | None = None,
) -> dict[str, dict[str, float]]:
    """Media-view parameters that describe the same market as a journey world.

    The daily media view keeps its own scale (its budget per 100k people per day and its
    total media contribution, from ``params``), but takes from the journey world
    everything that decides a budget:

    - each paid channel's mean ``spend`` is the budget split in proportion to the
      journey world's spend;
    - each channel's contribution at that spend is the total media contribution split in
      proportion to the journey world's incremental sign-ups (``beta`` is set so that it
      is);
    - ``kappa`` is scaled with the spend, so each channel sits at the same point of its
      saturation curve as in ``params``; ``decay`` is kept.

    So the channels' shares of spend, of incremental sign-ups, and their relative cost
    per incremental sign-up are the same in both views.

    Args:
        truth: :func:`dsinterview.data.journeys.journey_truth` (columns ``spend`` and
            ``incremental``, indexed by channel, with every paid channel).
        params: the media parameters to rescale (default :data:`MEDIA_PARAMS`).

    Returns:
        A dict with :data:`MEDIA_PARAMS`'s layout.

    Raises:
        TypeError: if ``truth`` is not a DataFrame.
        ValueError: if a column or paid channel is missing, or a paid channel's spend or
            incremental sign-ups are not positive (a media curve cannot have a negative
            or zero effect at its spend).
    """
    if not isinstance(truth, pd.DataFrame):
        raise TypeError(f"truth must be a pandas DataFrame; got {type(truth).__name__}")
    check_columns(truth, ["spend", "incremental"], "truth")
    missing = [c for c in PAID_CHANNELS if c not in truth.index]
    if missing:
        raise ValueError(
            f"truth must have a row for every paid channel; missing {missing}"
        )
    params = MEDIA_PARAMS if params is None else params
    paid = list(PAID_CHANNELS)
    spend_j = truth.loc[paid, "spend"].astype(float)
    inc_j = truth.loc[paid, "incremental"].astype(float)
    for name, col in [("spend", spend_j), ("incremental", inc_j)]:
        bad = col[~(col > 0)]
        if len(bad):
            raise ValueError(
                f"every paid channel needs a positive {name} in truth; "
                f"got {bad.round(3).to_dict()}"
            )
    old = pd.DataFrame({c: dict(params[c]) for c in paid}).T
    saturation = -np.expm1(-old["spend"] / old["kappa"])
    total_contribution = float((old["beta"] * saturation).sum())
    spend = old["spend"].sum() * spend_j / spend_j.sum()
    contribution = total_contribution * inc_j / inc_j.sum()
    return {
        c: dict(
            spend=float(spend[c]),
            decay=float(old.loc[c, "decay"]),
            beta=float(contribution[c] / saturation[c]),
            kappa=float(old.loc[c, "kappa"] * spend[c] / old.loc[c, "spend"]),
        )
        for c in paid
    }


def _panel(frame: pd.DataFrame, column: str) -> tuple[pd.DataFrame, int, int]:
    check_columns(frame, ["date", "region", "population", column], "frame")
    f = frame.sort_values(["region", "date"], kind="stable")
    n_regions = f["region"].nunique()
    n_days = len(f) // n_regions
    if n_days * n_regions != len(f):
        raise ValueError(
            "frame must hold every region on every date (a balanced panel)"
        )
    return f, n_regions, n_days


def brand_spend_follows_demand(
    frame: pd.DataFrame,
    *,
    shock_sd: float = 0.08,
    rho: float = 0.9,
    seed: int = 1,
    params: Mapping[str, Mapping[str, float]] | None = None,
) -> pd.DataFrame:
    """The daily media panel with a demand shock that brand-search spend follows.

    Each region gets a multiplicative demand shock on its baseline, an AR(1) over days
    with autocorrelation ``rho`` and standard deviation ``shock_sd`` (a local hit title,
    a regional promotion: demand the analyst does not observe). Brand-search spend is
    rescaled to follow the shocked baseline (people search the brand when they would
    sign up anyway; bids follow the queries), keeping its mean, and sign-ups are
    redrawn; ``brand_queries`` (brand-search query counts, which follow the same demand)
    is added, the signal that a paid-search correction controls for. The media effects
    are unchanged, so :func:`expected_signups` with the same ``params`` is still the
    truth; a model that reads the spend-demand correlation as an effect is biased.

    Raises:
        ValueError: for a frame that is not a balanced panel of
            :func:`make_daily_media`'s columns, a negative ``shock_sd`` or ``rho``
            outside [0, 1).
        TypeError: for a non-integer seed.
    """
    shock_sd = check_real(shock_sd, "shock_sd", minimum=0.0)
    rho = check_real(rho, "rho", minimum=0.0)
    if rho >= 1.0:
        raise ValueError(f"rho must be in [0, 1); got {rho:g}")
    check_int(seed, "seed", minimum=0)
    f, n_regions, n_days = _panel(frame, "baseline")
    check_columns(f, ["spend_brand_search", "signups"], "frame")
    rng = np.random.default_rng(seed)
    pop = f["population"].to_numpy().reshape(n_regions, n_days)
    base = f["baseline"].to_numpy().reshape(n_regions, n_days)
    e = signal.lfilter(
        [1.0], [1.0, -rho], rng.normal(0.0, 1.0, (n_regions, n_days)), axis=1
    )
    e = e / e.std() * shock_sd if shock_sd > 0 else np.zeros_like(e)
    base_new = base * (1.0 + e)
    brand = f["spend_brand_search"].to_numpy().reshape(n_regions, n_days) / pop
    per_capita = base_new / pop
    brand_new = brand.mean() * per_capita / per_capita.mean()
    brand_new = brand_new * rng.lognormal(-0.5 * 0.4**2, 0.4, brand_new.shape)
    out = f.copy()
    out["baseline"] = base_new.ravel()
    out["spend_brand_search"] = np.round((brand_new * pop).ravel(), 2)
    mean = expected_signups(out, params).to_numpy()
    out["signups"] = rng.poisson(mean).astype(np.int64)
    # what the search team sees: brand queries, about 20 per expected baseline sign-up
    out["brand_queries"] = rng.poisson(20.0 * base_new.ravel()).astype(np.int64)
    return out.loc[frame.index]


def national_series(frame: pd.DataFrame) -> pd.DataFrame:
    """The regional panel summed into one national daily series, per 100k people.

    Returns one row per date with ``signups`` and each ``spend_<channel>`` divided by
    the national population (in 100k), the data most media-mix models are fitted to.

    Raises:
        ValueError: for a frame without the columns of :func:`make_daily_media` or not
            balanced.
    """
    f, _, _ = _panel(frame, "signups")
    cols = ["signups"] + [f"spend_{c}" for c in PAID_CHANNELS]
    check_columns(f, cols, "frame")
    g = f.groupby("date")
    total = g[cols].sum()
    return total.div(g["population"].sum(), axis=0).reset_index()


def stagger_video_effects(
    frame: pd.DataFrame,
    wave_scale: Sequence[float],
    *,
    build_weeks: int = 0,
    seed: int = 3,
    params: Mapping[str, Mapping[str, float]] | None = None,
) -> pd.DataFrame:
    """The daily media panel with a video effect that differs by launch wave and builds
    up.

    The true video effect of :func:`make_daily_media` (expected sign-ups with video
    minus without) is multiplied, in region-days of launch wave ``k`` (waves in order of
    launch week), by ``wave_scale[k] * min(1, (weeks since launch + 1) / build_weeks)``
    (word of mouth building up over ``build_weeks``; 0 for no build-up), and sign-ups
    are redrawn. The column ``video_effect`` holds the planted effect, the truth to
    grade an estimate against.

    Raises:
        ValueError: for a frame without ``video_launch_week``, a ``wave_scale`` whose
            length is not the number of launch waves or with negative entries, or a
            negative ``build_weeks``.
    """
    f, _, _ = _panel(frame, "video_launch_week")
    waves = sorted(w for w in f["video_launch_week"].unique() if w >= 0)
    scale = np.asarray(wave_scale, dtype=float)
    if scale.ndim != 1 or len(scale) != len(waves):
        raise ValueError(
            f"wave_scale needs one entry per launch wave ({len(waves)}); "
            f"got {len(scale)}"
        )
    if not np.isfinite(scale).all() or (scale < 0).any():
        raise ValueError("wave_scale must be finite and non-negative")
    build_weeks = check_int(build_weeks, "build_weeks", minimum=0)
    check_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    with_video = expected_signups(f, params).to_numpy()
    without = expected_signups(f.assign(spend_video=0.0), params).to_numpy()
    launch = f["video_launch_week"].to_numpy()
    week = ((f["date"] - f["date"].min()).dt.days // 7).to_numpy()
    factor = np.zeros(len(f))
    for k, w in enumerate(waves):
        on = launch == w
        since = week[on] - w
        ramp = 1.0 if build_weeks == 0 else np.clip((since + 1) / build_weeks, 0.0, 1.0)
        factor[on] = scale[k] * np.where(since >= 0, ramp, 0.0)
    effect = factor * (with_video - without)
    out = f.copy()
    out["video_effect"] = effect
    out["signups"] = rng.poisson(without + effect).astype(np.int64)
    return out.loc[frame.index]


def geo_holdout(
    frame: pd.DataFrame,
    channels: Sequence[str],
    start_week: int,
    n_weeks: int = 8,
    *,
    seed: int = 11,
    params: Mapping[str, Mapping[str, float]] | None = None,
) -> pd.DataFrame:
    """A factorial geo experiment run on the daily media panel.

    For each channel in ``channels``, an independent random half of the regions switches
    the channel off (spend zero) for ``n_weeks`` weeks from ``start_week``; every other
    region-day keeps its spend. The response is additive across channels, so each
    channel's holdout is a randomised experiment of its own and the others only add
    noise. Sign-ups of the region-days whose expected value changed (the window and the
    carry-over after it) are redrawn from a separate stream; all other rows are
    unchanged. Adds a boolean column ``geo_off_<channel>`` (the region is in that
    channel's holdout group, whole period) and ``geo_window`` (the day is in the test
    window).

    Raises:
        ValueError: for an unknown or repeated channel, or a window outside the panel.
        TypeError: for non-integer weeks or seed.
    """
    channels = list(channels)
    bad = [c for c in channels if c not in PAID_CHANNELS]
    if bad or not channels or len(set(channels)) != len(channels):
        raise ValueError(
            f"channels must be distinct paid channels {list(PAID_CHANNELS)}; "
            f"got {channels}"
        )
    start_week = check_int(start_week, "start_week", minimum=0)
    n_weeks = check_int(n_weeks, "n_weeks", minimum=1)
    check_int(seed, "seed", minimum=0)
    f, n_regions, n_days = _panel(frame, "signups")
    week = ((f["date"] - f["date"].min()).dt.days // 7).to_numpy()
    if (start_week + n_weeks) * 7 > n_days:
        raise ValueError(
            f"the window (weeks {start_week} to {start_week + n_weeks - 1}) must end "
            f"within the panel's {n_days // 7} weeks"
        )
    rng = np.random.default_rng(seed)
    regions = pd.unique(f["region"])
    window = (week >= start_week) & (week < start_week + n_weeks)
    out = f.copy()
    out["geo_window"] = window
    for c in channels:
        off = regions[rng.permutation(n_regions)[: n_regions // 2]]
        in_group = f["region"].isin(off).to_numpy()
        out[f"geo_off_{c}"] = in_group
        out.loc[in_group & window, f"spend_{c}"] = 0.0
    before = expected_signups(f, params).to_numpy()
    after = expected_signups(out, params).to_numpy()
    changed = ~np.isclose(before, after, rtol=1e-12, atol=0.0)
    redraw = rng.poisson(after[changed]).astype(np.int64)
    out.loc[changed, "signups"] = redraw
    return out.loc[frame.index]
