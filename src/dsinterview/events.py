"""Time between events in a log: pairing starts with ends, sessions, and censored
delays.

- :func:`time_between`: for every start event, the earliest end event of the same key at
  or after it, and the seconds between them (NaN when no end has happened yet). Computed
  by one DuckDB window query, :data:`TIME_BETWEEN_SQL`.
- :func:`sessionize`: a session number per row, a new session after an inactivity gap.
- :func:`kaplan_meier`: the product-limit estimate of a survival curve from durations of
  which some are censored (the start has no end *yet*), with Greenwood standard errors.

Every function takes an event log as a pandas DataFrame with a key column (``by``), a
timestamp column (``ts``, ``datetime64``, with or without a time zone) and, for
:func:`time_between`, an event-type column; rows may be in any order.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from dsinterview._validate import check_columns

__all__ = ["TIME_BETWEEN_SQL", "kaplan_meier", "sessionize", "time_between"]

#: The query behind :func:`time_between`. For each key, a window that looks from every
# row
#: to the end of its partition: ``RANGE`` (not ``ROWS``) so that an end at the same
#: timestamp as the start, a peer in the ordering, is seen whichever of the two the sort
#: puts first.
TIME_BETWEEN_SQL = """
WITH marked AS (
    SELECT
        {by} AS k,
        {ts} AS start_ts,
        {event} = $start AS is_start,
        MIN(CASE WHEN {event} = $end THEN {ts} END) OVER (
            PARTITION BY {by}
            ORDER BY {ts}
            RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING
        ) AS end_ts
    FROM events
    WHERE {event} IN ($start, $end)
)
SELECT
    k AS {by},
    start_ts,
    end_ts,
    (epoch_us(end_ts) - epoch_us(start_ts)) / 1e6 AS seconds
FROM marked
WHERE is_start
ORDER BY {by}, start_ts
"""

_OUTPUT = ("start_ts", "end_ts", "seconds")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _check_log(events: Any, columns: list[str], ts: str) -> None:
    """Refuse what no query can use: not a frame, missing columns, no rows, bad
    times."""
    check_columns(events, columns, "events")
    if len(events) == 0:
        raise ValueError("events is empty; give at least one row")
    if not pd.api.types.is_datetime64_any_dtype(events[ts]):
        raise TypeError(
            f"events[{ts!r}] must be a datetime64 column (naive or with a time zone); "
            f"got {events[ts].dtype}: convert it with pd.to_datetime"
        )
    for col in columns:
        n_missing = int(events[col].isna().sum())
        if n_missing:
            raise ValueError(
                f"events[{col!r}] has {n_missing} missing values; drop or fill them"
            )


def _check_pairing(start: Any, end: Any, by: str) -> None:
    """Refuse event types that are not two different strings, and a key named like an
    output column."""
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, str):
            raise TypeError(
                f"{name} must be an event type (a string); got {type(value).__name__}"
            )
    if start == end:
        raise ValueError(
            f"start and end are both {start!r}; pairing an event with itself gives zero"
        )
    if by in _OUTPUT:
        raise ValueError(f"by must not be named {by!r}: the output has that column")


def time_between(
    events: pd.DataFrame,
    *,
    start: str,
    end: str,
    by: str = "account_id",
    ts: str = "ts",
    event: str = "event",
) -> pd.DataFrame:
    """For every ``start`` row, the earliest ``end`` row of the same ``by`` at or after
    it.

    "At or after" includes an end at the same timestamp as the start. Each start is
    paired independently: two starts before one end share it (deduplicate first if a
    repeated start is a duplicate). The query is :data:`TIME_BETWEEN_SQL`, run by
    DuckDB.

    Args:
        events: the log; any row order.
        start, end: the two event types (values of ``events[event]``), different.
        by: the key column (an account, a profile, a device).
        ts: the timestamp column; a time zone, if any, is kept in the output.
        event: the event-type column.

    Returns:
        One row per start row, sorted by ``by`` and ``start_ts``: ``by``, ``start_ts``,
        ``end_ts`` (missing when no end follows: the start is censored) and ``seconds``
        (float, NaN when censored).

    Raises:
        TypeError: if ``events`` is not a DataFrame, ``ts`` is not a datetime column, or
            ``start``/``end`` are not strings.
        ValueError: if a column is missing or has missing values, ``events`` is empty,
            ``start == end``, ``by`` clashes with an output column, or ``start`` or
            ``end`` never occurs.
    """
    _check_pairing(start, end, by)
    _check_log(events, [by, ts, event], ts)
    for name, value in (("start", start), ("end", end)):
        if not (events[event] == value).any():
            kinds = sorted(map(str, pd.unique(events[event])))[:10]
            raise ValueError(
                f"{name}={value!r} never occurs in events[{event!r}]; it holds {kinds}"
            )
    frame = events[[by, ts, event]]
    tz = getattr(frame[ts].dtype, "tz", None)
    if tz is not None:  # DuckDB sees UTC instants; the result gets the zone back below
        frame = frame.assign(
            **{ts: frame[ts].dt.tz_convert("UTC").dt.tz_localize(None)}
        )
    sql = TIME_BETWEEN_SQL.format(by=_quote(by), ts=_quote(ts), event=_quote(event))
    with duckdb.connect() as con:
        con.register("events", frame)
        out = con.execute(sql, {"start": start, "end": end}).df()
    out.columns = [by, *_OUTPUT]
    if tz is not None:
        for col in ("start_ts", "end_ts"):
            out[col] = out[col].dt.tz_localize("UTC").dt.tz_convert(tz)
    out["seconds"] = out["seconds"].astype(float)
    return out


def _as_gap(gap: Any) -> pd.Timedelta:
    if isinstance(gap, bool) or not isinstance(
        gap, (str, pd.Timedelta, dt.timedelta, np.timedelta64)
    ):
        raise TypeError(
            "gap must be a duration: a string such as '30min', a pandas.Timedelta or a "
            f"datetime.timedelta; got {type(gap).__name__}"
        )
    try:
        value = pd.Timedelta(gap)
    except ValueError as exc:
        raise ValueError(
            f"gap={gap!r} is not a duration pandas can read: {exc}"
        ) from exc
    if pd.isna(value) or value <= pd.Timedelta(0):
        raise ValueError(f"gap must be a positive duration; got {gap!r}")
    return value


def sessionize(
    events: pd.DataFrame,
    *,
    by: str = "account_id",
    ts: str = "ts",
    gap: Any = "30min",
) -> pd.Series:
    """Number the sessions of each ``by``: a new one when the gap since its previous
    event exceeds ``gap``.

    Rows are put in time order within each key (they may arrive in any order); rows at
    the same timestamp are in the same session. Sessions count from 0 for each key.

    Returns:
        An int64 Series named ``session``, aligned with ``events`` (same index and
        order).

    Raises:
        TypeError: if ``events`` is not a DataFrame, ``ts`` is not a datetime column, or
            ``gap`` is not a duration.
        ValueError: if a column is missing or has missing values, ``events`` is empty,
            or ``gap`` is not positive.
    """
    gap = _as_gap(gap)
    _check_log(events, [by, ts], ts)
    t = events[ts]
    if getattr(t.dtype, "tz", None) is not None:
        t = t.dt.tz_convert("UTC").dt.tz_localize(None)
    t = t.to_numpy().astype("datetime64[ns]").view(np.int64)
    key, _ = pd.factorize(events[by], sort=False)
    order = _key_time_order(key.astype(np.int64), t)
    # in sorted order; each temporary is freed as soon as it is used (ten million rows)
    k = key[order]
    del key
    first = np.r_[True, k[1:] != k[:-1]]
    del k
    s = t[order]
    del t
    new = first.copy()
    new[1:] |= np.diff(s) > gap.value
    del s
    count = np.cumsum(new)
    del new
    count -= np.maximum.accumulate(np.where(first, count, 0))
    session = np.empty(len(order), np.int64)
    session[order] = count
    return pd.Series(session, index=events.index, name="session")


def _bits(n: int) -> int:
    return max(int(n), 1).bit_length()


def _key_time_order(key: np.ndarray, t: np.ndarray) -> np.ndarray:
    """A permutation that sorts rows by key, then time.

    Sorting integers is much faster than ``argsort`` (NumPy sorts values with SIMD), so
    when the numbers fit in 63 bits the row index rides in the low bits of the sorted
    values: first by time in its coarsest exact unit (seconds, if every timestamp is a
    whole second), then, stably, by key. Otherwise ``lexsort``.
    """
    n = t.size
    off = t - t.min()
    unit = int(np.gcd.reduce(off)) or 1
    off = off // unit
    idx_bits = _bits(n)
    if _bits(int(off.max())) + idx_bits > 62 or _bits(int(key.max())) + idx_bits > 62:
        return np.lexsort((t, key))
    low = np.int64((1 << idx_bits) - 1)
    off <<= idx_bits
    off |= np.arange(n)
    by_time = np.sort(off)
    del off
    by_time &= low
    pos = key[by_time]
    pos <<= idx_bits
    pos |= np.arange(n)
    pos.sort()
    pos &= low
    return by_time[pos]


def kaplan_meier(durations: Any, observed: Any) -> pd.DataFrame:
    """The Kaplan–Meier (product-limit) estimate of the survival function.

    At each distinct time ``t`` with at least one event,
    ``S(t) = prod_{t_i <= t} (1 - d_i / n_i)`` with ``d_i`` events among the ``n_i``
    still at risk (durations at least ``t_i``; a duration censored at ``t_i`` counts as
    at risk there). The standard error is Greenwood's,
    ``S(t) * sqrt(sum d_i / (n_i (n_i - d_i)))``.

    Args:
        durations: non-negative, finite times (to the event or to censoring).
        observed: True where the event happened, False where the duration is censored.

    Returns:
        A frame indexed by ``time`` (the distinct event times, increasing) with
        ``at_risk``, ``events``, ``survival`` and ``se``.

    Raises:
        TypeError: if ``observed`` is not boolean.
        ValueError: for empty, negative, NaN or infinite durations, lengths that differ,
            or no observed event at all.
    """
    d = np.asarray(durations, dtype=float)
    e = np.asarray(observed)
    if d.ndim != 1 or d.size == 0:
        raise ValueError("durations must be a non-empty 1-D array")
    if e.shape != d.shape:
        raise ValueError(
            f"observed has shape {e.shape} for {d.size} durations; they must match"
        )
    if e.dtype != bool:
        raise TypeError(f"observed must be boolean (True = event); got {e.dtype}")
    if not np.all(np.isfinite(d)) or (d < 0).any():
        raise ValueError("durations must be finite and non-negative")
    if not e.any():
        raise ValueError("no observed event: the survival curve is not estimable")
    times, inverse = np.unique(d, return_inverse=True)
    n_events = np.bincount(inverse, weights=e, minlength=times.size)
    n_leaving = np.bincount(inverse, minlength=times.size)
    at_risk = d.size - np.r_[0, np.cumsum(n_leaving)[:-1]]
    keep = n_events > 0
    times, n_events, at_risk = times[keep], n_events[keep], at_risk[keep]
    surv = np.cumprod(1 - n_events / at_risk)
    # Greenwood's sum is infinite once everyone at risk has had the event (S = 0): the
    # standard error is then 0, as statsmodels reports it
    left = at_risk - n_events
    terms = n_events / (at_risk * np.where(left > 0, left, 1))
    se = np.where(surv > 0, surv * np.sqrt(np.cumsum(terms)), 0.0)
    return pd.DataFrame(
        {
            "at_risk": at_risk.astype(np.int64),
            "events": n_events.astype(np.int64),
            "survival": surv,
            "se": se,
        },
        index=pd.Index(times, name="time"),
    )
