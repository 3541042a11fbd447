"""A month of login and payment events for a streaming service, with planted fraud.

Normal members log in from their home city on their household's devices, sometimes
travel, and pay once a month. Planted, each with its start time (the ground truth):

- account takeover: a new device in another country logs in, then within minutes the
  password is reset and the payment method changed; a fifth of takeovers use a nearby
  exit point (no impossible travel) and skip the payment change, so no single rule sees
  them all;
- credential stuffing: a few waves in which one attacker device tries many accounts,
  mostly failing; the accounts it gets into are taken over;
- card testing: rings of accounts created by fraudsters on shared devices and cards,
  with bursts of small failed payments;
- sharing: a second household with its own devices in another city, which is a
  business-model question, not fraud, and is kept apart in the truth table.

Benign look-alikes are planted too: families whose two accounts share a television (a
shared device, like a ring) and members who travel (a new country, like a takeover).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dsinterview._validate import check_int

__all__ = ["LoginMonth", "make_login_month"]

# Home cities: (country, latitude, longitude).
_CITIES = [
    ("US", 40.7, -74.0),
    ("US", 34.1, -118.2),
    ("BR", -23.5, -46.6),
    ("GB", 51.5, -0.1),
    ("DE", 52.5, 13.4),
    ("FR", 48.9, 2.35),
    ("IN", 19.1, 72.9),
    ("JP", 35.7, 139.7),
    ("KR", 37.6, 127.0),
    ("MX", 19.4, -99.1),
    ("ES", 40.4, -3.7),
    ("AU", -33.9, 151.2),
]
MONTH_SECONDS = 30 * 86_400
COUNTRY_NAMES = sorted({c[0] for c in _CITIES} | {"NL"})
_COUNTRY_CODE = {c: i for i, c in enumerate(COUNTRY_NAMES)}


@dataclass(frozen=True)
class LoginMonth:
    """The month's events and its planted truth.

    Attributes:
        logins: ``account_id, ts (seconds from the month's start), device_id, ip_block,
            country, lat, lon, success`` (one row per login attempt).
        resets: password resets, ``account_id, ts``.
        payment_changes: payment-method changes, ``account_id, ts, card_id``.
        payments: payment attempts, ``account_id, ts, device_id, card_id, amount,
            success``.
        truth: one row per account with something planted: ``account_id, kind``
            (``takeover``, ``stuffing``, ``card_testing``, ``sharing``), ``start_ts``
            and ``fraud`` (False for sharing).
        n_accounts: the number of accounts.
    """

    logins: pd.DataFrame
    resets: pd.DataFrame
    payment_changes: pd.DataFrame
    payments: pd.DataFrame
    truth: pd.DataFrame
    n_accounts: int


def make_login_month(
    n_accounts: int = 100_000,
    *,
    takeover_rate: float = 0.002,
    sharing_rate: float = 0.03,
    n_stuffing_waves: int = 3,
    n_card_rings: int | None = None,
    seed: int | None = 2026,
) -> LoginMonth:
    """Generate one month for ``n_accounts`` accounts (about thirty login attempts
    each).

    ``n_card_rings`` defaults to one ring of 15 to 40 fraudster accounts per twenty
    thousand accounts (at least two).

    Raises:
        TypeError, ValueError: if a count is not a positive integer, or a rate is not in
            [0, 0.2].
    """
    n = check_int(n_accounts, "n_accounts", minimum=100)
    waves = check_int(n_stuffing_waves, "n_stuffing_waves", minimum=0)
    # about one ring per twenty thousand accounts unless told
    rings = max(2, n // 20_000) if n_card_rings is None else n_card_rings
    rings = check_int(rings, "n_card_rings", minimum=0)
    for name, rate in (
        ("takeover_rate", takeover_rate),
        ("sharing_rate", sharing_rate),
    ):
        if not isinstance(rate, (int, float)) or isinstance(rate, bool):
            raise TypeError(f"{name} must be a number; got {type(rate).__name__}")
        if not 0 <= rate <= 0.2:
            raise ValueError(f"{name} must be in [0, 0.2]; got {rate}")
    rng = np.random.default_rng(seed)
    city = rng.integers(0, len(_CITIES), n)
    c_country = np.array([_COUNTRY_CODE[c[0]] for c in _CITIES], dtype=np.int16)
    c_lat = np.array([c[1] for c in _CITIES])
    c_lon = np.array([c[2] for c in _CITIES])
    home_lat = c_lat[city] + rng.normal(0, 0.2, n)
    home_lon = c_lon[city] + rng.normal(0, 0.2, n)
    n_dev = 1 + rng.poisson(1.2, n)
    dev_start = np.concatenate([[0], np.cumsum(n_dev)[:-1]])
    next_device = int(n_dev.sum())
    ip_home = rng.integers(0, 200_000, n)

    # --- normal logins ----------------------------------------------------------------
    per = rng.poisson(rng.gamma(3.0, 10.0, n))
    acct = np.repeat(np.arange(n), per)
    m = acct.size
    ts = rng.uniform(0, MONTH_SECONDS, m)
    device = dev_start[acct] + (rng.random(m) * n_dev[acct]).astype(np.int64)
    lat = home_lat[acct] + rng.normal(0, 0.05, m)
    lon = home_lon[acct] + rng.normal(0, 0.05, m)
    country = c_country[city[acct]]
    ip = ip_home[acct].copy()
    success = rng.random(m) > 0.03

    # travel: a tenth of accounts spend a few days in another city (plausible speeds)
    travellers = rng.random(n) < 0.1
    trip_city = rng.integers(0, len(_CITIES), n)
    trip_start = rng.uniform(0, MONTH_SECONDS - 5 * 86_400, n)
    on_trip = travellers[acct] & (ts > trip_start[acct] + 86_400)
    on_trip &= ts < trip_start[acct] + 4 * 86_400
    lat[on_trip] = c_lat[trip_city[acct[on_trip]]] + rng.normal(0, 0.05, on_trip.sum())
    lon[on_trip] = c_lon[trip_city[acct[on_trip]]] + rng.normal(0, 0.05, on_trip.sum())
    country[on_trip] = c_country[trip_city[acct[on_trip]]]
    ip[on_trip] = rng.integers(200_000, 300_000, on_trip.sum())

    frames = [_frame(acct, ts, device, ip, country, lat, lon, success)]
    truth = []

    # --- sharing: a second household, persistent, with its own devices ----------------
    sharers = np.flatnonzero(rng.random(n) < sharing_rate)
    if sharers.size:
        k = rng.poisson(12, sharers.size) + 4
        a = np.repeat(sharers, k)
        second = rng.integers(0, len(_CITIES), sharers.size)
        dev2 = next_device + np.arange(sharers.size)
        next_device += sharers.size
        t = rng.uniform(0, MONTH_SECONDS, a.size)
        s_city = np.repeat(second, k)
        frames.append(
            _frame(
                a,
                t,
                np.repeat(dev2, k),
                np.repeat(rng.integers(0, 200_000, sharers.size), k),
                c_country[s_city],
                c_lat[s_city] + rng.normal(0, 0.05, a.size),
                c_lon[s_city] + rng.normal(0, 0.05, a.size),
                rng.random(a.size) > 0.03,
            )
        )
        truth.append(
            pd.DataFrame(
                {
                    "account_id": sharers,
                    "kind": "sharing",
                    "start_ts": 0.0,
                    "fraud": False,
                }
            )
        )

    # --- families: two accounts on one television (benign shared device) --------------
    fam = rng.choice(n, size=max(2, (n // 100) * 2), replace=False).reshape(-1, 2)
    tv = next_device + np.arange(fam.shape[0])
    next_device += fam.shape[0]
    k = 5
    a = np.repeat(fam.ravel(), k)
    frames.append(
        _frame(
            a,
            rng.uniform(0, MONTH_SECONDS, a.size),
            np.repeat(np.repeat(tv, 2), k),
            ip_home[a],
            c_country[city[a]],
            home_lat[a],
            home_lon[a],
            np.ones(a.size, bool),
        )
    )

    resets, changes = [], []
    # --- account takeover -------------------------------------------------------------
    victims = rng.choice(n, size=int(round(takeover_rate * n)), replace=False)
    stuffing_victims = []
    # credential stuffing waves: one device and IP block try many accounts
    for w in range(waves):
        t0 = rng.uniform(2 * 86_400, MONTH_SECONDS - 3 * 86_400)
        tried = rng.choice(n, size=max(10, n // 50), replace=False)
        t = t0 + np.sort(rng.uniform(0, 3_600, tried.size))
        ok = rng.random(tried.size) < 0.01
        dev = next_device
        next_device += 1
        frames.append(
            _frame(
                tried,
                t,
                np.full(tried.size, dev),
                np.full(tried.size, 300_000 + w),
                np.full(tried.size, _COUNTRY_CODE["NL"], dtype=np.int16),
                np.full(tried.size, 52.4),
                np.full(tried.size, 4.9),
                ok,
            )
        )
        truth.append(
            pd.DataFrame(
                {"account_id": tried, "kind": "stuffing", "start_ts": t, "fraud": True}
            )
        )
        stuffing_victims.append((tried[ok], t[ok]))
    taken = [(victims, rng.uniform(86_400, MONTH_SECONDS - 86_400, victims.size))]
    taken += stuffing_victims
    for accounts, t0 in taken:
        if accounts.size == 0:
            continue
        stealthy = rng.random(accounts.size) < 0.2
        far = rng.integers(0, len(_CITIES), accounts.size)
        a_lat = np.where(stealthy, home_lat[accounts] + 0.3, c_lat[far])
        a_lon = np.where(stealthy, home_lon[accounts] + 0.3, c_lon[far])
        a_cty = np.where(stealthy, c_country[city[accounts]], c_country[far])
        dev = next_device + np.arange(accounts.size)
        next_device += accounts.size
        k = 3
        a = np.repeat(accounts, k)
        t = np.repeat(t0, k) + np.tile([0.0, 600.0, 7_200.0], accounts.size)
        frames.append(
            _frame(
                a,
                t,
                np.repeat(dev, k),
                rng.integers(300_100, 400_000, a.size),
                np.repeat(a_cty, k),
                np.repeat(a_lat, k),
                np.repeat(a_lon, k),
                np.ones(a.size, bool),
            )
        )
        resets.append(
            pd.DataFrame(
                {"account_id": accounts, "ts": t0 + rng.uniform(60, 900, accounts.size)}
            )
        )
        pay = ~stealthy
        changes.append(
            pd.DataFrame(
                {
                    "account_id": accounts[pay],
                    "ts": t0[pay] + rng.uniform(120, 1_800, pay.sum()),
                    "card_id": 10_000_000 + np.arange(pay.sum()) + 1_000 * len(changes),
                }
            )
        )
    truth.append(
        pd.DataFrame(
            {
                "account_id": taken[0][0],
                "kind": "takeover",
                "start_ts": taken[0][1],
                "fraud": True,
            }
        )
    )

    # --- legitimate payment-method changes and monthly billing ------------------------
    movers = np.flatnonzero(rng.random(n) < 0.02)
    changes.append(
        pd.DataFrame(
            {
                "account_id": movers,
                "ts": rng.uniform(0, MONTH_SECONDS, movers.size),
                "card_id": 20_000_000 + movers,
            }
        )
    )
    bill_ts = rng.uniform(0, MONTH_SECONDS, n)
    payments = [
        pd.DataFrame(
            {
                "account_id": np.arange(n),
                "ts": bill_ts,
                "device_id": dev_start,
                "card_id": np.arange(n),
                "amount": rng.choice([6.99, 15.49, 22.99], n),
                "success": rng.random(n) > 0.02,
            }
        )
    ]
    # --- card testing rings: fraudster accounts on shared devices and cards -----------
    ring_accounts = []
    for r in range(rings):
        size = int(rng.integers(15, 40))
        members = rng.choice(n, size=size, replace=False)
        dev = next_device + rng.integers(0, 3, size)
        next_device += 3
        t0 = rng.uniform(86_400, MONTH_SECONDS - 86_400)
        tries = 8
        a = np.repeat(members, tries)
        t = t0 + rng.uniform(0, 7_200, a.size)
        payments.append(
            pd.DataFrame(
                {
                    "account_id": a,
                    "ts": t,
                    "device_id": np.repeat(dev, tries),
                    "card_id": 30_000_000 + 100 * r + rng.integers(0, 5, a.size),
                    "amount": rng.choice([0.5, 1.0, 1.99], a.size),
                    "success": rng.random(a.size) < 0.1,
                }
            )
        )
        frames.append(
            _frame(
                members,
                np.full(size, t0 - 60.0),
                dev,
                np.full(size, 400_000 + r),
                c_country[city[members]],
                home_lat[members],
                home_lon[members],
                np.ones(size, bool),
            )
        )
        ring_accounts.append(
            pd.DataFrame(
                {
                    "account_id": members,
                    "kind": "card_testing",
                    "start_ts": t0,
                    "fraud": True,
                }
            )
        )
    truth += ring_accounts

    # one concatenation per column and one stable sort by (account, time): the same
    # rows in the same order as concatenating frames and sorting them, without the
    # intermediate frames
    cols = {c: np.concatenate([f[c] for f in frames]) for c in frames[0]}
    order = np.lexsort((cols["ts"], cols["account_id"]))
    logins = pd.DataFrame({c: v[order] for c, v in cols.items()})
    logins["country"] = pd.Categorical.from_codes(logins["country"], COUNTRY_NAMES)
    truth_df = (
        pd.concat(truth, ignore_index=True)
        .sort_values(["account_id", "start_ts"])
        .drop_duplicates(["account_id", "kind"])
        .reset_index(drop=True)
    )
    return LoginMonth(
        logins=logins,
        resets=pd.concat(resets, ignore_index=True)
        if resets
        else _empty(["account_id", "ts"]),
        payment_changes=pd.concat(changes, ignore_index=True),
        payments=pd.concat(payments, ignore_index=True).sort_values(
            "ts", ignore_index=True
        ),
        truth=truth_df,
        n_accounts=n,
    )


def _frame(acct, ts, device, ip, country, lat, lon, success) -> dict:
    # the columns of a block of logins, typed; concatenated into one frame at the end
    return {
        "account_id": np.asarray(acct, dtype=np.int64),
        "ts": np.asarray(ts, dtype=float),
        "device_id": np.asarray(device, dtype=np.int64),
        "ip_block": np.asarray(ip, dtype=np.int64),
        "country": np.asarray(country, dtype=np.int16),
        "lat": np.asarray(lat, dtype=float),
        "lon": np.asarray(lon, dtype=float),
        "success": np.asarray(success, dtype=bool),
    }


def _empty(columns) -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in columns})
