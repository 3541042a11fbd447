"""Fraud signals and how a fraud team scores them.

- :func:`haversine_km` and :func:`impossible_travel`: the speed a login implies since
  the same account's previous one.
- :func:`linked_accounts`: accounts joined, transitively, by a shared device or card.
- :func:`precision_at_k` and :func:`entity_precision_at_k`: precision at the number of
  cases analysts can review, per row and per account.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from dsinterview._validate import (
    as_scores_labels,
    check_columns,
    check_int,
    check_real,
)

__all__ = [
    "entity_precision_at_k",
    "haversine_km",
    "impossible_travel",
    "linked_accounts",
    "precision_at_k",
]

EARTH_RADIUS_KM = 6371.0088  # the mean Earth radius (IUGG)


def _check_lat(lat: np.ndarray, name: str) -> None:
    if np.any(np.abs(lat) > 90):
        raise ValueError(f"{name} must be latitudes in [-90, 90]")


def haversine_km(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> np.ndarray:
    """Great-circle distance in kilometres between points given in degrees (vectorised;
    arrays broadcast).

    Raises:
        TypeError: if an argument is not numeric.
        ValueError: if a value is NaN or infinite, or a latitude is outside [-90, 90].
    """
    arrays = []
    for value, name in ((lat1, "lat1"), (lon1, "lon1"), (lat2, "lat2"), (lon2, "lon2")):
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name} must be numeric: {exc}") from exc
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must be finite")
        arrays.append(arr)
    la1, lo1, la2, lo2 = arrays
    _check_lat(la1, "lat1")
    _check_lat(la2, "lat2")
    p1, p2 = np.radians(la1), np.radians(la2)
    dp, dl = p2 - p1, np.radians(lo2 - lo1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def impossible_travel(
    logins: pd.DataFrame,
    *,
    max_kmh: float = 900.0,
    by: str = "account_id",
    ts: str = "ts",
    lat: str = "lat",
    lon: str = "lon",
) -> pd.Series:
    """Flag each login whose implied speed since the same account's previous login (by
    time) exceeds ``max_kmh``. ``ts`` is in seconds (numbers) or a datetime column.

    The first login of an account is never flagged; two logins at the same time in
    different places are flagged (infinite speed). Returns a boolean Series aligned with
    ``logins``' index.

    Raises:
        TypeError: if ``logins`` is not a DataFrame.
        ValueError: if a column is missing, a latitude is outside [-90, 90], a value is
            NaN, or ``max_kmh`` is not positive.
    """
    if not isinstance(logins, pd.DataFrame):
        raise TypeError(f"logins must be a DataFrame; got {type(logins).__name__}")
    check_columns(logins, [by, ts, lat, lon], "logins")
    max_kmh = check_real(max_kmh, "max_kmh", minimum=0.0, strict=True)
    t = logins[ts]
    seconds = (
        (t - pd.Timestamp(0, tz=getattr(t.dt, "tz", None))).dt.total_seconds()
        if pd.api.types.is_datetime64_any_dtype(t)
        else t.astype(float)
    )
    if seconds.isna().any() or logins[[lat, lon]].isna().any().any():
        raise ValueError("logins has NaN timestamps or coordinates")
    frame = pd.DataFrame(
        {
            "by": logins[by].to_numpy(),
            "t": seconds.to_numpy(),
            "lat": logins[lat].to_numpy(float),
            "lon": logins[lon].to_numpy(float),
        },
        index=logins.index,
    )
    _check_lat(frame["lat"].to_numpy(), lat)
    frame = frame.sort_values(["by", "t"], kind="stable")
    same = frame["by"].eq(frame["by"].shift())
    dist = haversine_km(
        frame["lat"].shift().fillna(0.0),
        frame["lon"].shift().fillna(0.0),
        frame["lat"],
        frame["lon"],
    )
    hours = (frame["t"] - frame["t"].shift()).to_numpy() / 3600
    with np.errstate(divide="ignore", invalid="ignore"):
        speed = np.where(hours > 0, dist / hours, np.where(dist > 1.0, np.inf, 0.0))
    flagged = pd.Series(same.to_numpy() & (speed > max_kmh), index=frame.index)
    return flagged.reindex(logins.index).rename("impossible_travel")


def linked_accounts(
    edges: pd.DataFrame, *, account: str = "account_id", key: str = "device_id"
) -> pd.Series:
    """A component id per account: two accounts are linked when they share any ``key``
    value (a device, a card), transitively. Component ids are 0, 1, 2, ... in order of
    each component's smallest account. Returns a Series indexed by account.

    Raises:
        TypeError: if ``edges`` is not a DataFrame.
        ValueError: if a column is missing, has NaN, or ``edges`` is empty.
    """
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    if not isinstance(edges, pd.DataFrame):
        raise TypeError(f"edges must be a DataFrame; got {type(edges).__name__}")
    check_columns(edges, [account, key], "edges")
    if edges.empty:
        raise ValueError("edges is empty")
    if edges[[account, key]].isna().any().any():
        raise ValueError(f"edges has NaN in {account!r} or {key!r}")
    a_codes, accounts = pd.factorize(edges[account], sort=True)
    k_codes, _ = pd.factorize(edges[key])
    n_a = accounts.size
    # bipartite graph: accounts 0..n_a-1, keys n_a..; components restricted to accounts
    rows = a_codes
    cols = n_a + k_codes
    size = n_a + int(k_codes.max()) + 1
    g = sparse.coo_matrix((np.ones(rows.size), (rows, cols)), shape=(size, size))
    _, labels = connected_components(g, directed=False)
    acc_labels = labels[:n_a]
    # renumber in order of first appearance: accounts are sorted, so by smallest account
    ids = pd.factorize(acc_labels)[0]
    return pd.Series(ids, index=pd.Index(accounts, name=account), name="component")


def _top_k(s: np.ndarray, k: int) -> np.ndarray:
    # the k highest scores; ties broken by position, so the answer is deterministic
    return np.lexsort((np.arange(s.size), -s))[:k]


def precision_at_k(scores: Any, labels: Any, k: int) -> float:
    """The share of positives (``labels == 1``) among the ``k`` highest-scored rows.

    Raises:
        ValueError: if lengths differ, scores have NaN, labels are not 0/1, or ``k`` is
            not in 1..len(scores).
        TypeError: if ``k`` is not an integer.
    """
    s, y = as_scores_labels(scores, labels)
    k = check_int(k, "k", minimum=1)
    if k > s.size:
        raise ValueError(f"k = {k} exceeds the {s.size} rows scored")
    return float(y[_top_k(s, k)].mean())


def entity_precision_at_k(entities: Any, scores: Any, labels: Any, k: int) -> float:
    """Precision at ``k`` counted by entity (an account counts once however many of its
    rows are flagged): an entity's score is the maximum of its rows' scores and its
    label the maximum of its rows' labels.

    Raises:
        ValueError: as :func:`precision_at_k`, if ``entities`` differs in length, or
            ``k`` exceeds the number of entities.
    """
    s, y = as_scores_labels(scores, labels)
    ent = np.asarray(entities)
    if ent.shape != s.shape:
        raise ValueError(
            f"entities has {ent.size} entries but scores has {s.size}; they must match"
        )
    frame = pd.DataFrame({"e": ent, "s": s, "y": y}).groupby("e").max()
    k = check_int(k, "k", minimum=1)
    if k > len(frame):
        raise ValueError(f"k = {k} exceeds the {len(frame)} entities scored")
    return float(frame["y"].to_numpy()[_top_k(frame["s"].to_numpy(), k)].mean())
