"""A simulated subscription service in many markets, its price response planted.

The truth is one number per market and engagement segment: the **semi-elasticity of
churn** ``beta`` (log points of monthly churn per USD of monthly price; the elasticity
at price ``p`` is ``beta * p``). Every estimate of the price chapter is graded against
it. Four views of the same world, each from one seeded ``numpy.random.Generator``:

- :func:`make_subscription_markets`: the markets and their planted parameters.
- :func:`make_price_panel`: market x month x segment churn counts with the price
  members paid, what the warehouse sees.
- :func:`make_price_test`: a randomised price test on new members in a few markets.
- :func:`make_cancellation_survey`: what cancelling members *say* their reason was.

How the data are made:

1. **Markets.** A market has an income index ``z ~ N(0, 1)``; richer markets are
   charged more, ``p0 = price_mean + price_per_z * z + N(0, 0.5)`` USD (the standard
   plan), *and* churn less, ``log h0 = log(base_churn) + churn_per_z * z + N(0, 0.1)``:
   the confounding that makes a cross-market comparison say "higher prices, less
   churn". A share ``light_share ~ U(0.3, 0.6)`` of members are light viewers, whose
   baseline churn is ``light_churn`` times and heavy viewers' ``heavy_churn`` times the
   market's. ``beta = beta_light`` or ``beta_heavy`` times a market factor
   ``U(1 - market_spread, 1 + market_spread)``.
2. **Staggered price increases.** The markets are split into ``len(waves) + 1`` equal
   groups at random: wave ``w`` raises the list price by ``increase_usd[w]`` in month
   ``waves[w]``, the last group never does. Members are grandfathered: the share paying
   the new price is ``min(1, (k + 1) / grandfather_months)`` in the ``k``-th month
   after the increase, so the effect builds up, and it differs by wave.
3. **A tax instrument.** A share ``vat_share`` of the markets introduces a digital
   services tax of ``U(0.1, 0.2)`` of the price in a month drawn uniformly in
   ``[3, n_months - 3)``, passed through to members' bills in full times
   ``vat_pass_through``, at once.
4. **Demand shocks and promotions.** Each market-month has a demand shock ``u``
   (AR(1), coefficient ``shock_rho``, stationary sd ``shock_sd``) that raises churn; the
   local team answers a bad month with retention offers worth ``promo_usd * max(u, 0)``
   USD off the bill. So the price members pay is low exactly when churn is high: the
   confounding that biases a regression of churn on price even with market and month
   fixed effects.
5. **Churn.** ``log h = log h0_segment + season_t + beta * (price - p0) + u``, and
   ``churners ~ Binomial(members, h)`` per market, month and segment (members are held
   constant: sign-ups replace cancellations).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from dsinterview._validate import check_columns, check_int, check_real

__all__ = [
    "PRICE_PARAMS",
    "SEGMENTS",
    "make_cancellation_survey",
    "make_price_panel",
    "make_price_test",
    "make_subscription_markets",
    "price_test_truth",
]

SEGMENTS = ("heavy", "light")

#: The planted world of :func:`make_subscription_markets` and :func:`make_price_panel`.
PRICE_PARAMS: dict[str, Any] = {
    "n_markets": 60,
    "n_months": 30,
    "waves": (6, 10, 14, 18),
    "increase_usd": (3.0, 2.25, 1.5, 0.75),
    "grandfather_months": 8,
    "price_mean": 11.0,
    "price_per_z": 2.5,
    "base_churn": 0.03,
    "churn_per_z": -0.35,
    "light_churn": 1.6,
    "heavy_churn": 0.6,
    "beta_heavy": 0.03,
    "beta_light": 0.11,
    "market_spread": 0.25,
    "members_median": 150_000,
    "n_test_markets": 3,
    "vat_share": 0.4,
    "vat_pass_through": 1.0,
    "shock_rho": 0.6,
    "shock_sd": 0.08,
    "promo_usd": 25.0,
    "season_amplitude": 0.05,
}

#: Stated cancellation reasons and their probabilities for a member who left for a
#: reason other than the price (a member who left because of it says "too expensive"
#: with probability ``SURVEY_SAYS_PRICE``).
SURVEY_OTHER_REASONS: dict[str, float] = {
    "too expensive": 0.30,
    "not enough to watch": 0.35,
    "watching elsewhere": 0.15,
    "technical problems": 0.05,
    "other": 0.15,
}
SURVEY_SAYS_PRICE = 0.85


def _params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    if params is None:
        return dict(PRICE_PARAMS)
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a mapping; got {type(params).__name__}")
    unknown = sorted(set(params) - set(PRICE_PARAMS))
    if unknown:
        raise ValueError(
            f"unknown parameter(s) {unknown}; known: {sorted(PRICE_PARAMS)}"
        )
    p = {**PRICE_PARAMS, **params}
    check_int(p["n_markets"], "n_markets", minimum=2 * (len(p["waves"]) + 1))
    check_int(p["n_months"], "n_months", minimum=max(p["waves"]) + 2)
    check_int(p["grandfather_months"], "grandfather_months", minimum=1)
    if len(p["increase_usd"]) != len(p["waves"]):
        raise ValueError("increase_usd needs one increase per wave")
    if not 0 <= p["vat_share"] <= 1 or not 0 <= p["vat_pass_through"] <= 1:
        raise ValueError("vat_share and vat_pass_through must be in [0, 1]")
    if not 0 <= p["shock_rho"] < 1:
        raise ValueError("shock_rho must be in [0, 1)")
    for name in ("beta_heavy", "beta_light", "base_churn", "shock_sd", "promo_usd"):
        check_real(p[name], name, minimum=0.0)
    return p


def make_subscription_markets(
    seed: int = 0, params: Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """The markets and their planted parameters (step 1-3 of the module docstring).

    Returns:
        One row per market: ``market``, ``income_z``, ``p0`` (USD per month),
        ``members``, ``light_share``, ``log_h0``, ``beta_heavy``, ``beta_light``,
        ``wave`` (0-based, ``-1`` never), ``increase_month`` (``-1`` never),
        ``increase_usd``, ``vat_month`` (``-1`` never), ``vat_rate`` and
        ``test_market`` (the few never-raised markets that run the randomised test).

    Raises:
        TypeError, ValueError: for a seed that is not an integer or bad ``params``.
    """
    seed = check_int(seed, "seed", minimum=0)
    p = _params(params)
    rng = np.random.default_rng(seed)
    M, T = p["n_markets"], p["n_months"]
    z = rng.normal(size=M)
    p0 = np.clip(p["price_mean"] + p["price_per_z"] * z + rng.normal(0, 0.5, M), 4, 25)
    log_h0 = np.log(p["base_churn"]) + p["churn_per_z"] * z + rng.normal(0, 0.1, M)
    factor = rng.uniform(1 - p["market_spread"], 1 + p["market_spread"], M)
    n_groups = len(p["waves"]) + 1
    wave = rng.permutation(np.arange(M) % n_groups)
    wave = np.where(wave == n_groups - 1, -1, wave)
    waves = np.asarray(p["waves"])
    increase = np.asarray(p["increase_usd"], dtype=float)
    vat = rng.random(M) < p["vat_share"]
    vat_month = np.where(vat, rng.integers(3, T - 3, M), -1)
    never = np.flatnonzero(wave == -1)
    test = np.zeros(M, dtype=bool)
    test[rng.choice(never, min(p["n_test_markets"], never.size), replace=False)] = True
    return pd.DataFrame(
        {
            "market": [f"M{m:02d}" for m in range(M)],
            "income_z": z,
            "p0": p0,
            "members": np.round(
                p["members_median"] * np.exp(rng.normal(0, 0.6, M))
            ).astype(int),
            "light_share": rng.uniform(0.3, 0.6, M),
            "log_h0": log_h0,
            "beta_heavy": p["beta_heavy"] * factor,
            "beta_light": p["beta_light"] * factor,
            "wave": wave,
            "increase_month": np.where(wave >= 0, waves[np.maximum(wave, 0)], -1),
            "increase_usd": np.where(wave >= 0, increase[np.maximum(wave, 0)], 0.0),
            "vat_month": vat_month,
            "vat_rate": np.where(vat, rng.uniform(0.1, 0.2, M), 0.0),
            "test_market": test,
        }
    )


_MARKET_COLUMNS = [
    "market",
    "p0",
    "members",
    "light_share",
    "log_h0",
    "beta_heavy",
    "beta_light",
    "increase_month",
    "increase_usd",
    "vat_month",
    "vat_rate",
]


def make_price_panel(
    markets: pd.DataFrame, seed: int = 0, params: Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """Monthly churn by market and segment (steps 2-5 of the module docstring).

    Args:
        markets: :func:`make_subscription_markets`.
        seed: the seed of the shocks and of the churn draws.
        params: the same ``params`` the markets were made with.

    Returns:
        One row per market (in the order of ``markets``), month and segment
        (heavy, light): ``market`` and ``segment`` (categorical), ``month``,
        ``members``, ``churners``, ``price`` (mean USD paid per member),
        ``list_price`` (the list price members are billed, grandfathering included,
        before tax and promotions), ``vat_usd`` (the tax on the bill), ``promo_usd``
        and the truth: ``true_churn`` (the churn rate), ``true_churn_no_increase``
        (the churn rate had the scheduled increase not happened) and ``beta``.

    Raises:
        TypeError, ValueError: for a ``markets`` frame without its columns, a bad seed
            or bad ``params``.
    """
    check_columns(markets, _MARKET_COLUMNS, "markets")
    seed = check_int(seed, "seed", minimum=0)
    p = _params(params)
    rng = np.random.default_rng(seed)
    M, T = len(markets), p["n_months"]
    t = np.arange(T)[:, None]
    start = markets["increase_month"].to_numpy()[None, :]
    ramp = np.where(
        (start >= 0) & (t >= start),
        np.minimum(1.0, (t - start + 1) / p["grandfather_months"]),
        0.0,
    )
    p0 = markets["p0"].to_numpy()[None, :]
    list_price = p0 + markets["increase_usd"].to_numpy()[None, :] * ramp
    vm = markets["vat_month"].to_numpy()[None, :]
    taxed = (vm >= 0) & (t >= vm)
    rate = markets["vat_rate"].to_numpy()[None, :] * p["vat_pass_through"]
    vat = np.where(taxed, rate * list_price, 0.0)
    rho, sd = p["shock_rho"], p["shock_sd"]
    u = np.zeros((T, M))
    u[0] = rng.normal(0, sd, M)
    for k in range(1, T):
        u[k] = rho * u[k - 1] + rng.normal(0, sd * np.sqrt(1 - rho**2), M)
    promo = p["promo_usd"] * np.maximum(u, 0.0)
    price = list_price + vat - promo
    price_no = p0 + np.where(taxed, rate * p0, 0.0) - promo  # without the increase
    season = p["season_amplitude"] * np.sin(2 * np.pi * t / 12)
    cols: dict[str, list[np.ndarray]] = {}
    for seg, mult, share in (
        ("heavy", p["heavy_churn"], 1 - markets["light_share"].to_numpy()),
        ("light", p["light_churn"], markets["light_share"].to_numpy()),
    ):
        beta = markets[f"beta_{seg}"].to_numpy()[None, :]
        base = markets["log_h0"].to_numpy()[None, :] + np.log(mult) + season + u
        h = np.minimum(np.exp(base + beta * (price - p0)), 0.99)
        h_no = np.minimum(np.exp(base + beta * (price_no - p0)), 0.99)
        n = np.round(markets["members"].to_numpy() * share).astype(int)
        n = np.broadcast_to(n[None, :], (T, M))
        for name, a in (
            ("members", n),
            ("churners", rng.binomial(n, h)),
            ("price", price),
            ("list_price", list_price),
            ("vat_usd", vat),
            ("promo_usd", promo),
            ("true_churn", h),
            ("true_churn_no_increase", h_no),
            ("beta", np.broadcast_to(beta, (T, M))),
        ):
            cols.setdefault(name, []).append(a.T)  # (markets, months)
    # rows in the order market (as in ``markets``), month, segment
    out = {
        "market": pd.Categorical.from_codes(
            np.repeat(np.arange(M), T * 2), markets["market"].to_numpy()
        ),
        "month": np.tile(np.repeat(np.arange(T), 2), M),
        "segment": pd.Categorical.from_codes(np.tile([0, 1], M * T), SEGMENTS),
    }
    for name, (heavy, light) in cols.items():
        out[name] = np.stack([heavy, light], axis=-1).ravel()
    return pd.DataFrame(out)


def make_price_test(
    markets: pd.DataFrame,
    seed: int = 0,
    *,
    n_per_arm: int = 20_000,
    delta_usd: float = 2.0,
    horizon: int = 6,
    params: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """A randomised price test on new members in the markets flagged ``test_market``.

    In each test market ``2 * n_per_arm`` new members are randomised half and half to
    the current price ``p0`` (``arm = 0``) or ``p0 + delta_usd`` (``arm = 1``) and
    followed for ``horizon`` months. A member's monthly churn hazard is the market's
    baseline for their segment times ``exp(beta * delta_usd * arm)``, constant over the
    test, so the month they cancel is geometric.

    Returns:
        One row per member: ``market``, ``segment`` (both categorical), ``arm``,
        ``price``, ``churned`` (cancelled within the horizon), ``months`` (months
        subscribed within the horizon, the cancelling month included) and the truth
        ``hazard_0`` and ``hazard_1``, the member's monthly hazard under each arm.

    Raises:
        TypeError, ValueError: for ``markets`` without its columns or no test market,
            a bad seed, a non-positive ``n_per_arm``, ``delta_usd`` or ``horizon``.
    """
    check_columns(markets, _MARKET_COLUMNS + ["test_market"], "markets")
    seed = check_int(seed, "seed", minimum=0)
    n_per_arm = check_int(n_per_arm, "n_per_arm", minimum=1)
    delta_usd = check_real(delta_usd, "delta_usd", minimum=0.0, strict=True)
    horizon = check_int(horizon, "horizon", minimum=1)
    p = _params(params)
    test = markets[markets["test_market"].astype(bool)]
    if test.empty:
        raise ValueError("no market is flagged test_market")
    rng = np.random.default_rng(seed)
    n = 2 * n_per_arm
    arm = np.concatenate(
        [rng.permutation(np.repeat([0, 1], n_per_arm)) for _ in range(len(test))]
    )
    m = test.loc[test.index.repeat(n)].reset_index(drop=True)
    light = rng.random(arm.size) < m["light_share"].to_numpy()
    mult = np.where(light, p["light_churn"], p["heavy_churn"])
    beta = np.where(light, m["beta_light"], m["beta_heavy"])
    h0 = np.minimum(np.exp(m["log_h0"].to_numpy()) * mult, 0.99)
    h1 = np.minimum(h0 * np.exp(beta * delta_usd), 0.99)
    month = rng.geometric(np.where(arm == 1, h1, h0))
    return pd.DataFrame(
        {
            "market": pd.Categorical(m["market"].to_numpy(), categories=test["market"]),
            "segment": pd.Categorical.from_codes(light.astype(int), SEGMENTS),
            "arm": arm,
            "price": m["p0"].to_numpy() + delta_usd * arm,
            "churned": month <= horizon,
            "months": np.minimum(month, horizon),
            "hazard_0": h0,
            "hazard_1": h1,
        }
    )


def price_test_truth(test: pd.DataFrame, delta_usd: float, horizon: int = 6) -> float:
    """The planted semi-elasticity the test's rate ratio estimates, exactly.

    The estimator is ``log(r1 / r0) / delta_usd`` with ``r_a`` the arm's cancellations
    per member-month. Its target: the same ratio of *expected* cancellations over
    expected member-months, both arms' hazards applied to every member of ``test``
    (a member with hazard ``h`` cancels within ``H`` months with probability
    ``1 - (1 - h)^H`` and stays ``(1 - (1 - h)^H) / h`` months on average).

    Raises:
        TypeError, ValueError: for ``test`` without ``hazard_0`` / ``hazard_1``, or a
            non-positive ``delta_usd`` or ``horizon``.
    """
    check_columns(test, ["hazard_0", "hazard_1"], "test")
    delta_usd = check_real(delta_usd, "delta_usd", minimum=0.0, strict=True)
    horizon = check_int(horizon, "horizon", minimum=1)
    rates = []
    for col in ("hazard_0", "hazard_1"):
        h = test[col].to_numpy()
        gone = 1 - (1 - h) ** horizon
        rates.append(gone.sum() / (gone / h).sum())
    return float(np.log(rates[1] / rates[0]) / delta_usd)


def make_cancellation_survey(
    panel: pd.DataFrame,
    markets: pd.DataFrame,
    seed: int = 0,
    *,
    n: int = 5_000,
    months: int = 6,
) -> pd.DataFrame:
    """An exit survey of ``n`` members who cancelled in the last ``months`` months.

    Respondents are drawn in proportion to the cancellations of each market, month and
    segment. A respondent left *because of the price increase* with probability
    ``1 - true_churn_no_increase / true_churn`` of their cell (they would have stayed
    at the old price); such a member says "too expensive" with probability
    ``SURVEY_SAYS_PRICE`` (else another reason), and every other member picks a reason
    from :data:`SURVEY_OTHER_REASONS`, which includes "too expensive": it is the
    easiest thing to say.

    Returns:
        One row per respondent: ``market``, ``month``, ``segment``, ``raised`` (the
        market raised its price), ``stated`` and the truth ``left_over_increase``.

    Raises:
        TypeError, ValueError: for frames without their columns, a bad seed, or ``n``
            or ``months`` below 1.
    """
    check_columns(
        panel,
        [
            "market",
            "month",
            "segment",
            "churners",
            "true_churn",
            "true_churn_no_increase",
        ],
        "panel",
    )
    check_columns(markets, ["market", "increase_month"], "markets")
    seed = check_int(seed, "seed", minimum=0)
    n = check_int(n, "n", minimum=1)
    months = check_int(months, "months", minimum=1)
    rng = np.random.default_rng(seed)
    cells = panel[panel["month"] > panel["month"].max() - months].reset_index(drop=True)
    if cells["churners"].sum() == 0:
        raise ValueError("no cancellations in the surveyed months")
    pick = rng.choice(len(cells), n, p=cells["churners"] / cells["churners"].sum())
    c = cells.iloc[pick].reset_index(drop=True)
    caused = rng.random(n) < 1 - c["true_churn_no_increase"] / c["true_churn"]
    reasons = list(SURVEY_OTHER_REASONS)
    probs = np.array(list(SURVEY_OTHER_REASONS.values()))
    other = rng.choice(len(reasons), n, p=probs / probs.sum())
    not_price = [r for r in reasons if r != "too expensive"]
    q = np.array([SURVEY_OTHER_REASONS[r] for r in not_price])
    alt = rng.choice(len(not_price), n, p=q / q.sum())
    says_price = rng.random(n) < SURVEY_SAYS_PRICE
    stated = np.where(
        caused,
        np.where(says_price, "too expensive", np.asarray(not_price)[alt]),
        np.asarray(reasons)[other],
    )
    raised = c["market"].map(markets.set_index("market")["increase_month"] >= 0)
    return pd.DataFrame(
        {
            "market": c["market"],
            "month": c["month"],
            "segment": c["segment"],
            "raised": raised.astype(bool),
            "stated": stated,
            "left_over_increase": caused,
        }
    )
