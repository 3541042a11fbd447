"""A simulated streaming-service event log: ten million rows of sign-ups, logins and
plays, with truth.

:func:`make_event_log` draws accounts and their events, vectorised with one seeded
``numpy.random.Generator``, and returns an :class:`EventLog`: the events (in *arrival*
order, the way a warehouse receives them), the accounts (with their planted delays) and
the planted session of every row.

How the log is made (every constant below is ground truth):

1. **Accounts.** ``n_accounts`` sign-ups, uniform over ``signup_days`` from 2025-01-01
   (UTC); a country and its home time zone (:data:`COUNTRIES`, :data:`TIME_ZONES`), a
   sign-up device (:data:`DEVICES`) and one to five profiles.
2. **Time to first play.** With probability ``p_never_play`` the account never plays;
   otherwise the delay from sign-up to its first ``play_start`` is log-normal with a
   median that depends on the sign-up device (:data:`FIRST_PLAY_MEDIAN_HOURS`) and
   log-SD :data:`FIRST_PLAY_SIGMA`.
3. **Cancellation.** Each account cancels a Weibull delay after sign-up
   (:data:`CANCEL`). An account that cancels before its first play never plays; after
   cancelling, no new session starts (a session running at that moment finishes, and the
   ``cancel`` event follows it).
4. **Sessions.** A session is a ``login``, then ``1 + Poisson(1.2)`` plays (a
   ``play_start`` and a ``play_stop``), every gap inside a session under 30 minutes
   (:data:`SESSION`): the login comes 5 s to 5 min before the first play, a play lasts a
   log-normal time capped at 29 minutes, and the next play starts 5 s to 10 min after
   the previous stop, or *at the same second* with probability ``autoplay`` (ties).
   Between sessions the gap is 35 minutes plus a log-normal time (median three days).
   Some accounts have one ``plan_change``, between the login and the first play of one
   of their sessions.
5. **Observation window.** Nothing after ``window_days`` is logged: recent sign-ups have
   not had time to play (censoring), and nobody's cancellation after the window end is
   seen.
6. **Dirt.** A share ``p_duplicate`` of the rows is sent twice (same event time, later
   arrival); a share ``p_offline`` of the mobile and tablet sessions is played offline
   and arrives in one batch 10 minutes to 2 days after it ended. The rows are in arrival
   order, not event order.

Planted session numbers (:attr:`EventLog.session`) come from the blocks the generator
builds (sign-up, sessions, cancellation) and the gaps between them, never from sorting
the events: a block starts a new session when the gap since the previous block exceeds
30 minutes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from dsinterview._validate import check_int, check_real

__all__ = [
    "CANCEL",
    "COUNTRIES",
    "DEVICES",
    "EVENTS",
    "FIRST_PLAY_MEDIAN_HOURS",
    "FIRST_PLAY_SIGMA",
    "SESSION",
    "TIME_ZONES",
    "EventLog",
    "make_event_log",
]

#: The first day of the log (UTC).
START = np.datetime64("2025-01-01T00:00:00", "s")
COUNTRIES: tuple[str, ...] = ("US", "BR", "GB", "DE", "IN", "JP")
COUNTRY_SHARE: tuple[float, ...] = (0.35, 0.15, 0.12, 0.10, 0.18, 0.10)
#: The home time zone of an account of each country.
TIME_ZONES: dict[str, str] = {
    "US": "America/New_York",
    "BR": "America/Sao_Paulo",
    "GB": "Europe/London",
    "DE": "Europe/Berlin",
    "IN": "Asia/Kolkata",
    "JP": "Asia/Tokyo",
}
DEVICES: tuple[str, ...] = ("tv", "mobile", "web", "tablet")
DEVICE_SHARE: tuple[float, ...] = (0.45, 0.35, 0.15, 0.05)
EVENTS: tuple[str, ...] = (
    "signup",
    "login",
    "play_start",
    "play_stop",
    "plan_change",
    "cancel",
)
#: Median hours from sign-up to the first play, by sign-up device (for accounts that
# ever play).
FIRST_PLAY_MEDIAN_HOURS: dict[str, float] = {
    "tv": 2.0,
    "mobile": 8.0,
    "web": 5.0,
    "tablet": 6.0,
}
#: Log-SD of the delay to the first play.
FIRST_PLAY_SIGMA: float = 1.8
#: Weibull delay from sign-up to cancellation: shape and scale (days).
CANCEL: dict[str, float] = {"shape": 0.8, "scale_days": 300.0}
#: The shape of sessions; every gap inside a session is below 30 minutes, every gap
# between sessions
#: above 35.
SESSION: dict[str, float] = {
    "extra_plays_mean": 1.2,  # plays per session: 1 + Poisson(1.2)
    "login_lead_s": (5, 300),  # login comes this long before the first play
    "play_median_min": 12.0,
    "play_sigma": 0.6,
    "play_max_min": 29.0,
    "between_plays_s": (5, 600),
    "autoplay": 0.3,  # the next play starts at the second the previous one stopped
    "gap_floor_min": 35.0,
    "gap_median_hours": 72.0,
    "gap_sigma": 1.0,
    "p_plan_change": 0.2,
}
#: The inactivity timeout the planted sessions are defined with.
SESSION_TIMEOUT_S = 1800


@dataclass(frozen=True)
class EventLog:
    """The simulated log: ``events`` (arrival order), ``accounts``, the planted
    ``session`` of every row (the 30-minute rule, 0 for each account's first session)
    and the generator's ``params``."""

    events: pd.DataFrame
    accounts: pd.DataFrame
    session: np.ndarray
    params: dict[str, Any] = field(default_factory=dict)

    def first_play_survival(self, seconds: Any) -> np.ndarray:
        """The planted probability that an account has not played ``seconds`` after
        signing up.

        It counts what the log can show: an account that never plays, or cancels before
        its first play, never plays; sign-up devices mix in their planted shares.
        """
        t = np.atleast_1d(np.asarray(seconds, dtype=float))
        p_never = self.params["p_never_play"]
        # integrate the density on a fine logarithmic grid (u = e^x, du = u dx)
        x = np.linspace(np.log(1e-3), np.log(max(float(t.max()), 1.0)), 20_001)
        u = np.exp(x)
        g = _first_play_density(u) * u
        cum = np.r_[0.0, np.cumsum((g[1:] + g[:-1]) / 2 * np.diff(x))]
        played = np.interp(np.log(np.maximum(t, 1e-3)), x, cum)
        return np.where(t <= 0, 1.0, 1.0 - (1.0 - p_never) * played)

    def first_play_quantile(self, q: float) -> float:
        """The planted time (seconds) by which a share ``q`` of the accounts has
        played."""
        q = check_real(q, "q", minimum=0.0, strict=True)
        if q >= 1 - self.first_play_survival(365 * 86400.0)[0]:
            raise ValueError(f"fewer than a share {q} of accounts ever play")
        return float(
            optimize.brentq(
                lambda t: 1 - self.first_play_survival(t)[0] - q, 1.0, 365 * 86400.0
            )
        )


def _first_play_density(u: np.ndarray) -> np.ndarray:
    """Density of the first play at ``u`` seconds for an account that would play, times
    the chance that it has not cancelled by then."""
    s = FIRST_PLAY_SIGMA
    f = sum(
        w * stats.lognorm.pdf(u, s, scale=3600.0 * FIRST_PLAY_MEDIAN_HOURS[d])
        for d, w in zip(DEVICES, DEVICE_SHARE)
    )
    scale = CANCEL["scale_days"] * 86400.0
    return f * np.exp(-((u / scale) ** CANCEL["shape"]))


def _group_starts(counts: np.ndarray) -> np.ndarray:
    """Index of the first element of each group in a flat array of groups of
    ``counts``."""
    return np.r_[0, np.cumsum(counts)[:-1]]


def _sessions(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Draw the content of ``n`` sessions: login lead, plays, their durations and gaps
    (seconds)."""
    S = SESSION
    n_plays = 1 + rng.poisson(S["extra_plays_mean"], n)
    lead = rng.integers(*S["login_lead_s"], n, endpoint=True)
    m = int(n_plays.sum())
    dur = np.exp(
        np.log(60 * S["play_median_min"]) + S["play_sigma"] * rng.standard_normal(m)
    )
    dur = np.clip(np.round(dur), 30, 60 * S["play_max_min"]).astype(np.int64)
    before = rng.integers(*S["between_plays_s"], m, endpoint=True)
    before[rng.random(m) < S["autoplay"]] = 0
    first = _group_starts(n_plays)
    before[first] = 0  # the first play of a session starts at the session's anchor
    # offset of each play's start from the session's first play_start
    step = before + np.r_[0, dur[:-1]]
    step[first] = 0
    start_off = np.cumsum(step)
    start_off -= np.repeat(start_off[first], n_plays)
    length = (
        start_off[first + n_plays - 1] + dur[first + n_plays - 1]
    )  # anchor to last stop
    gap = 60 * S["gap_floor_min"] + np.exp(
        np.log(3600 * S["gap_median_hours"]) + S["gap_sigma"] * rng.standard_normal(n)
    )
    return {
        "n_plays": n_plays,
        "lead": lead,
        "length": length,
        "gap": np.round(gap).astype(np.int64),
        "play_off": start_off,
        "play_dur": dur,
    }


def make_event_log(
    n_accounts: int = 130_000,
    *,
    seed: int = 2026,
    signup_days: int = 181,
    window_days: int = 188,
    p_never_play: float = 0.12,
    p_duplicate: float = 0.004,
    p_offline: float = 0.15,
) -> EventLog:
    """Draw a streaming service's event log with planted delays, sessions, censoring and
    dirt.

    With the defaults the log has about ten million rows and takes a few seconds. See
    the module's docstring for how it is made; every module constant and argument is
    ground truth.

    Returns:
        An :class:`EventLog`. ``events`` has the columns ``account_id`` (int32),
        ``profile`` (int8), ``device`` and ``event`` (Categoricals), ``ts`` (the event
        time, UTC, ``datetime64[us]``) and ``arrival_ts`` (when the warehouse received
        it), in arrival order. ``accounts`` has one row per account: ``account_id``,
        ``signup_ts``, ``country``, ``tz``, ``signup_device``, ``profiles``,
        ``first_play_ts`` (NaT if it never happens in the window) and ``cancel_ts``
        (likewise).

    Raises:
        TypeError: if a count or the seed is not an integer, or a share not a number.
        ValueError: if ``n_accounts`` < 1, ``signup_days`` < 1, ``window_days`` <
            ``signup_days``, or a share is outside [0, 1).
    """
    n_accounts = check_int(n_accounts, "n_accounts", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    signup_days = check_int(signup_days, "signup_days", minimum=1)
    window_days = check_int(window_days, "window_days", minimum=signup_days)
    for name, p in [
        ("p_never_play", p_never_play),
        ("p_duplicate", p_duplicate),
        ("p_offline", p_offline),
    ]:
        if check_real(p, name, minimum=0.0) >= 1:
            raise ValueError(f"{name} must be a share in [0, 1); got {p}")
    rng = np.random.default_rng(seed)
    A = n_accounts
    end = window_days * 86400  # seconds since START; nothing at or after it is logged

    # 1-3. accounts, first-play delay, cancellation
    signup = np.sort(rng.integers(0, signup_days * 86400, A))
    country = rng.choice(len(COUNTRIES), A, p=COUNTRY_SHARE)
    sdev = rng.choice(len(DEVICES), A, p=DEVICE_SHARE)
    profiles = (1 + rng.binomial(4, 0.3, A)).astype(np.int8)
    med = 3600 * np.array([FIRST_PLAY_MEDIAN_HOURS[d] for d in DEVICES])[sdev]
    delay = np.maximum(
        np.round(np.exp(np.log(med) + FIRST_PLAY_SIGMA * rng.standard_normal(A))), 1
    )
    never = rng.random(A) < p_never_play
    cancel = signup + np.maximum(
        np.round(CANCEL["scale_days"] * 86400 * rng.weibull(CANCEL["shape"], A)), 60
    ).astype(np.int64)
    first_play = np.where(
        never, np.iinfo(np.int64).max // 2, signup + delay.astype(np.int64)
    )
    stop = np.minimum(cancel, end)  # no session anchored at or after this
    plays = first_play < stop

    # 4. sessions, drawn in rounds until every account's next session would start after
    # `stop`. Session i of an account is anchored at its first play_start; its login
    # comes `lead` before, its last stop `length` after, and the next login `gap` after
    # that.
    cycle = 86400 * 5.0  # roughly the mean time from one session's start to the next
    acc = np.flatnonzero(plays)
    base = first_play[
        acc
    ]  # first round: the first anchor; later rounds: the next login
    first_round = True
    chunks = []
    while acc.size:
        k = 1 + np.ceil(1.2 * (stop[acc] - base) / cycle).astype(np.int64)
        s = _sessions(rng, int(k.sum()))
        owner = np.repeat(acc, k)
        first = _group_starts(k)
        step = s["length"] + s["gap"]
        excl = np.cumsum(step) - step
        excl -= np.repeat(excl[first], k)
        if first_round:  # the first login comes no earlier than the sign-up itself
            s["lead"][first] = np.minimum(s["lead"][first], base - signup[acc])
        incl_lead = np.cumsum(s["lead"])
        incl_lead -= np.repeat(incl_lead[first] - s["lead"][first], k)
        anc = np.repeat(base, k) + excl + incl_lead
        if first_round:
            anc -= np.repeat(s["lead"][first], k)
        keep = anc < stop[owner]
        chunks.append((owner, anc, s, keep))
        last = first + k - 1
        nxt = anc[last] + s["length"][last] + s["gap"][last]  # the next login
        more = keep[last] & (nxt < stop[acc])
        acc, base, first_round = acc[more], nxt[more], False
    sess_acc = np.concatenate([o[kp] for o, _, _, kp in chunks])
    sess_anchor = np.concatenate([a[kp] for _, a, _, kp in chunks])
    sess_lead = np.concatenate([s["lead"][kp] for _, _, s, kp in chunks])
    sess_len = np.concatenate([s["length"][kp] for _, _, s, kp in chunks])
    n_pl = np.concatenate([s["n_plays"][kp] for _, _, s, kp in chunks])
    kp_play = [np.repeat(kp, s["n_plays"]) for _, _, s, kp in chunks]
    play_off = np.concatenate(
        [s["play_off"][m] for (_, _, s, _), m in zip(chunks, kp_play)]
    )
    play_dur = np.concatenate(
        [s["play_dur"][m] for (_, _, s, _), m in zip(chunks, kp_play)]
    )
    del chunks, kp_play  # the drawn sessions past the window: no longer needed
    n_sess = sess_acc.size
    sess_login = sess_anchor - sess_lead
    sess_end = sess_anchor + sess_len
    # play-level arrays in 32 bits: seconds since START fit, and there are millions
    play_sess = np.repeat(np.arange(n_sess, dtype=np.int32), n_pl)
    p_start = (sess_anchor[play_sess] + play_off).astype(np.int32)
    p_stop = p_start + play_dur.astype(np.int32)
    del play_off, play_dur
    by_time = np.lexsort(
        (sess_anchor, sess_acc)
    )  # sessions in account, then time order
    n_per = np.bincount(sess_acc, minlength=A)
    first_of = _group_starts(n_per)

    # session device and profile; offline sessions arrive late in one batch
    sig = sdev[sess_acc]
    other = rng.choice(len(DEVICES), n_sess, p=DEVICE_SHARE)
    sess_dev = np.where(rng.random(n_sess) < 0.6, sig, other)
    sess_prof = np.floor(rng.random(n_sess) * profiles[sess_acc]).astype(np.int8)
    offline = np.isin(sess_dev, [1, 3]) & (rng.random(n_sess) < p_offline)
    batch_at = (
        sess_anchor + sess_len + rng.integers(600, 2 * 86400, n_sess, endpoint=True)
    )

    # cancellation events: after the last session that started before it, and inside the
    # window
    has_sess = np.flatnonzero(n_per > 0)
    prev_end = signup.copy()
    prev_end[has_sess] = sess_end[by_time[first_of[has_sess] + n_per[has_sess] - 1]]
    cancel_ts = np.maximum(cancel, prev_end + rng.integers(1, 60, A, endpoint=True))
    cancel_seen = cancel_ts < end

    # plan changes: between the login and the first play of one session of some accounts
    pc_acc = has_sess[rng.random(has_sess.size) < SESSION["p_plan_change"]]
    pick = np.floor(rng.random(pc_acc.size) * n_per[pc_acc]).astype(np.int64)
    pc_sess = by_time[first_of[pc_acc] + pick]
    pc_ts = sess_login[pc_sess] + np.floor(
        rng.random(pc_acc.size) * sess_lead[pc_sess]
    ).astype(np.int64)

    # 5-6. assemble the events. Planted sessions, from the blocks (sign-up, sessions,
    # cancellation): a block opens a new session when the gap since the previous block
    # exceeds the timeout. Every gap between two sessions exceeds it by construction, so
    # only the sign-up's gap to the first session and the last block's gap to the
    # cancellation need checking.
    assert 60 * SESSION["gap_floor_min"] > SESSION_TIMEOUT_S
    rank = np.empty(n_sess, np.int64)
    rank[by_time] = np.arange(n_sess) - np.repeat(first_of, n_per)
    first_new = np.zeros(A, np.int64)
    first_sess = by_time[first_of[has_sess]]
    first_new[has_sess] = sess_login[first_sess] - signup[has_sess] > SESSION_TIMEOUT_S
    sess_block = (rank + first_new[sess_acc]).astype(np.int32)
    last_block = np.zeros(A, np.int64)
    last_block[has_sess] = first_new[has_sess] + n_per[has_sess] - 1
    cancel_block = last_block + (cancel_ts - prev_end > SESSION_TIMEOUT_S)
    cancel_acc = np.flatnonzero(cancel_seen)
    n_cancel = cancel_acc.size
    pa = (sess_acc[play_sess], sess_dev[play_sess], sess_prof[play_sess])
    pb = sess_block[play_sess]
    # each part: account, ts, event, device, profile, planted session, arrival batch
    parts = [
        (
            np.arange(A),
            signup,
            0,
            sdev,
            np.zeros(A, np.int8),
            np.zeros(A, np.int32),
            None,
        ),
        (sess_acc, sess_login, 1, sess_dev, sess_prof, sess_block, np.arange(n_sess)),
        (pa[0], p_start, 2, pa[1], pa[2], pb, play_sess),
        (pa[0], p_stop, 3, pa[1], pa[2], pb, play_sess),
        (
            pc_acc,
            pc_ts,
            4,
            sess_dev[pc_sess],
            sess_prof[pc_sess],
            sess_block[pc_sess],
            pc_sess,
        ),
        (
            cancel_acc,
            cancel_ts[cancel_seen],
            5,
            sdev[cancel_seen],
            np.zeros(n_cancel, np.int8),
            cancel_block[cancel_seen],
            None,
        ),
    ]
    dtypes = dict(acc=np.int32, ts=np.int32, ev=np.int8, dev=np.int8, prof=np.int8)
    dtypes.update(sess=np.int32, arr=np.int32)  # seconds since START fit in 32 bits
    seen_parts = [part[1] < end for part in parts]
    total = int(sum(m.sum() for m in seen_parts))
    c = {k: np.empty(total, dt) for k, dt in dtypes.items()}
    at = 0
    for (a, ts, code, dev, prof, sess, batch), seen in zip(parts, seen_parts):
        lag = rng.integers(0, 3, a.size, endpoint=True)
        if batch is not None:
            arr = np.where(offline[batch], np.maximum(batch_at[batch], ts), ts + lag)
        else:
            arr = ts + lag
        m = int(seen.sum())
        for key, v in zip(dtypes, (a, ts, None, dev, prof, sess, arr)):
            c[key][at : at + m] = code if key == "ev" else v[seen]
        at += m
    del parts, seen_parts, pa, pb, p_start, p_stop, play_sess
    # duplicates: the same event sent again a few seconds later
    dup = np.flatnonzero(rng.random(total) < p_duplicate)
    resend = c["arr"][dup] + rng.integers(1, 30, dup.size, endpoint=True)
    for k in c:
        c[k] = np.r_[c[k], c[k][dup]]
    c["arr"][total:] = resend
    # rows in arrival order, sorted as integers with the row index in the low bits (a
    # unique key, so the order is the same everywhere)
    n_rows = c["arr"].size
    idx_bits = max(n_rows, 1).bit_length()
    order = np.sort(c["arr"].astype(np.int64) << idx_bits | np.arange(n_rows))
    order &= (1 << idx_bits) - 1
    for k in c:
        c[k] = c[k][order]
    del order
    start_us = START.astype("datetime64[us]").astype(np.int64)

    def to_ts(sec: np.ndarray) -> np.ndarray:
        return (sec.astype(np.int64) * 1_000_000 + start_us).view("datetime64[us]")

    events = pd.DataFrame(
        {
            "account_id": c["acc"],
            "profile": c["prof"],
            "device": pd.Categorical.from_codes(c["dev"], DEVICES),
            "event": pd.Categorical.from_codes(c["ev"], EVENTS),
            "ts": to_ts(c["ts"]),
            "arrival_ts": to_ts(c["arr"]),
        }
    )
    fp_seen = plays & (first_play < end)
    accounts = pd.DataFrame(
        {
            "account_id": np.arange(A, dtype=np.int32),
            "signup_ts": to_ts(signup),
            "country": pd.Categorical.from_codes(country, COUNTRIES),
            "tz": pd.Categorical(np.array([TIME_ZONES[k] for k in COUNTRIES])[country]),
            "signup_device": pd.Categorical.from_codes(sdev, DEVICES),
            "profiles": profiles,
            "first_play_ts": pd.Series(to_ts(np.where(fp_seen, first_play, 0))).where(
                fp_seen
            ),
            "cancel_ts": pd.Series(to_ts(np.where(cancel_seen, cancel_ts, 0))).where(
                cancel_seen
            ),
        }
    )
    params = dict(
        n_accounts=A,
        seed=seed,
        signup_days=signup_days,
        window_days=window_days,
        p_never_play=p_never_play,
        p_duplicate=p_duplicate,
        p_offline=p_offline,
        window_end=pd.Timestamp(START) + pd.Timedelta(days=window_days),
    )
    return EventLog(events, accounts, c["sess"], params)
