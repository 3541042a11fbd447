"""Multi-touch attribution: rule-based models, the Shapley value and Markov-chain
removal effects.

Every model takes a *journeys table*: a DataFrame with one row per distinct path and the
columns

- ``path``: the channels a person touched, in time order (a list or tuple of channel
  names, not empty);
- ``conversions``: how many people with this path signed up (non-negative);
- ``non_conversions``: how many did not (non-negative).

Each model returns a ``pandas.Series`` of attributed conversions per channel (every
channel that appears in a path, sorted by name) that sums to the table's total
conversions. Attribution divides conversions among channels; it does not say what a
channel *caused*. That takes an experiment.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from itertools import combinations
from math import factorial
from typing import Any

import numpy as np
import pandas as pd

from dsinterview._validate import check_choice, check_columns, check_real

RULE_MODELS: tuple[str, ...] = ("first", "last", "linear", "time_decay", "position")


class _Table:
    """A validated journeys table in flat form: every touch with its path's index and
    position."""

    def __init__(self, journeys: Any, name: str = "journeys") -> None:
        if not isinstance(journeys, pd.DataFrame):
            raise TypeError(
                f"{name} must be a pandas DataFrame; got {type(journeys).__name__}"
            )
        check_columns(journeys, ["path", "conversions", "non_conversions"], name)
        if len(journeys) == 0:
            raise ValueError(f"{name} is empty; it needs at least one path (one row)")
        counts = {}
        for col in ("conversions", "non_conversions"):
            try:
                values = np.asarray(journeys[col], dtype=float)
            except (TypeError, ValueError) as exc:
                raise TypeError(
                    f"{name}[{col!r}] must hold numbers (counts): {exc}"
                ) from exc
            if not np.all(np.isfinite(values)):
                raise ValueError(
                    f"{name}[{col!r}] must be finite counts; it holds NaN or "
                    "infinite values"
                )
            if np.any(values < 0):
                bad = int(np.flatnonzero(values < 0)[0])
                raise ValueError(
                    f"{name}[{col!r}] must be non-negative counts; row {bad} has "
                    f"{values[bad]:g}"
                )
            counts[col] = values
        paths = []
        for i, p in enumerate(journeys["path"]):
            if isinstance(p, (str, bytes)) or not isinstance(p, Iterable):
                raise TypeError(
                    f"{name}['path'] row {i} must be a list of channel names; got "
                    f"{type(p).__name__} {p!r}"
                )
            p = list(p)
            if len(p) == 0:
                raise ValueError(
                    f"{name}['path'] row {i} is an empty path; every path needs at "
                    "least one touch"
                )
            paths.append(p)
        flat = [ch for p in paths for ch in p]
        try:  # factorising needs hashable labels and drops NaN (code -1)
            codes, uniques = pd.factorize(pd.Series(flat, dtype=object), sort=True)
            bad_label = bool((codes < 0).any())
        except TypeError:
            bad_label = True
        if bad_label:  # find the first offending label, for the message
            for i, p in enumerate(paths):
                for ch in p:
                    if (
                        not isinstance(ch, Hashable)
                        or isinstance(ch, float)
                        and np.isnan(ch)
                        or ch is None
                        or ch is pd.NA
                    ):
                        raise TypeError(
                            f"{name}['path'] row {i} holds {ch!r}; channel names "
                            "must be hashable labels"
                        )
            raise TypeError(f"{name}['path'] holds labels that cannot be factorised")
        self.conversions = counts["conversions"]
        self.non_conversions = counts["non_conversions"]
        self.total = float(self.conversions.sum())
        self.lengths = np.array([len(p) for p in paths], dtype=np.int64)
        self.channels = pd.Index(list(uniques), name="channel")
        self.codes = codes.astype(np.int64)  # channel of every touch
        self.row = np.repeat(np.arange(len(paths)), self.lengths)  # path of every touch
        starts = np.r_[0, np.cumsum(self.lengths)[:-1]]
        self.position = np.arange(len(flat)) - np.repeat(
            starts, self.lengths
        )  # 0 = first touch
        self.starts = starts

    def credit(self, weights: np.ndarray, name: str) -> pd.Series:
        """Sum ``conversions[path] * weight[touch]`` per channel; weights sum to 1
        within each path."""
        values = np.bincount(
            self.codes,
            weights=weights * self.conversions[self.row],
            minlength=len(self.channels),
        )
        return pd.Series(values, index=self.channels, name=name)


def rule_based(
    journeys: pd.DataFrame, model: str, *, half_life: float = 2.0
) -> pd.Series:
    """Attribute every path's conversions to its touches by a fixed rule.

    Args:
        journeys: a journeys table (see the module docstring).
        model: ``"first"`` (all to the first touch), ``"last"`` (all to the last),
            ``"linear"`` (equal shares), ``"time_decay"`` or ``"position"`` (U-shaped:
            40% first, 40% last, 20% shared by the touches in between; a two-touch path
            splits 50/50, a one-touch path gives it all).
        half_life: for ``"time_decay"`` only. A journeys table has no timestamps, so the
            decay runs over positions counted from the end: the touch ``k`` steps before
            the last gets weight ``2 ** (-k / half_life)`` before the weights are
            normalised to sum to 1 within the path. With ``half_life=2`` the touch two
            steps before the last counts half as much as the last.

    A channel touched several times in a path collects the credit of each of its
    touches.

    Returns:
        Attributed conversions per channel, summing to the total conversions.
    """
    model = check_choice(model, "model", RULE_MODELS)
    half_life = check_real(half_life, "half_life", minimum=0.0, strict=True)
    t = _Table(journeys)
    L = t.lengths[t.row]
    k = t.position
    if model == "first":
        w = (k == 0).astype(float)
    elif model == "last":
        w = (k == L - 1).astype(float)
    elif model == "linear":
        w = 1.0 / L
    elif model == "time_decay":
        raw = 2.0 ** (-(L - 1 - k) / half_life)
        w = raw / np.bincount(t.row, weights=raw)[t.row]
    else:  # position
        ends = (k == 0) | (k == L - 1)
        middle = np.where(L > 2, 0.2 / np.maximum(L - 2, 1), 0.0)
        w = np.where(L == 1, 1.0, np.where(L == 2, 0.5, np.where(ends, 0.4, middle)))
    return t.credit(w, model)


def shapley_values(
    value: Callable[[frozenset], float] | Mapping[frozenset, float],
    players: Iterable[Hashable],
) -> pd.Series:
    """The exact Shapley value of a cooperative game (Shapley 1953).

    ``phi_i = sum over coalitions S without i of``
    ``|S|! (n - |S| - 1)! / n! * (v(S + {i}) - v(S))``: player ``i``'s marginal
    contribution averaged over every order in which the players could join. The values
    sum to ``v(all players) - v(empty)`` (efficiency), equal players get equal values
    (symmetry), a player who adds nothing to any coalition gets zero (null player).

    Cost: ``v`` is evaluated once per coalition, ``2 ** n`` times, so exact values are
    for a handful of players (``n <= 20`` is enforced); for more, average marginal
    contributions over random orderings.

    Args:
        value: the characteristic function, mapping a ``frozenset`` of players to a real
            number: a callable, or a mapping such as a dict that holds every coalition.
        players: distinct, hashable players.

    Returns:
        A Series of Shapley values indexed by player, in the order given.
    """
    if isinstance(value, Mapping):
        table = value

        def value(coalition: frozenset) -> float:
            if coalition not in table:
                raise ValueError(
                    f"value has no entry for the coalition {set(coalition) or '{}'}; "
                    "it needs all 2**n"
                )
            return table[coalition]

    if not callable(value):
        raise TypeError(
            "value must map a frozenset of players to a number (a callable or a "
            f"mapping); got {type(value).__name__}"
        )
    if isinstance(players, (str, bytes)) or not isinstance(players, Iterable):
        raise TypeError(
            "players must be an iterable of player labels; got "
            f"{type(players).__name__}"
        )
    players = list(players)
    if len(players) == 0:
        raise ValueError("players is empty; a game needs at least one player")
    if len(set(players)) != len(players):
        raise ValueError(f"players must be distinct; got {players}")
    n = len(players)
    if n > 20:
        raise ValueError(
            f"exact Shapley values need 2**n evaluations; n={n} players is too many "
            "(at most 20)"
        )
    v: dict[frozenset, float] = {}
    for size in range(n + 1):
        for coalition in combinations(players, size):
            key = frozenset(coalition)
            out = value(key)
            try:
                v[key] = check_real(out, f"value({set(coalition) or '{}'})")
            except TypeError as exc:
                raise TypeError(
                    f"value must return a real number for every coalition: {exc}"
                ) from exc
    weight = [factorial(s) * factorial(n - s - 1) / factorial(n) for s in range(n)]
    phi = {}
    for i in players:
        others = [p for p in players if p != i]
        total = 0.0
        for size in range(n):
            for coalition in combinations(others, size):
                s = frozenset(coalition)
                total += weight[size] * (v[s | {i}] - v[s])
        phi[i] = total
    return pd.Series(phi, name="shapley")


def shapley(journeys: pd.DataFrame) -> pd.Series:
    """Shapley-value attribution over the *sets* of channels in the paths.

    The characteristic function is the conversion rate of a channel set: ``v(S)`` is the
    conversions divided by the journeys (conversions + non-conversions) among paths
    whose set of distinct channels is exactly ``S``; ``v(empty) = 0`` and ``v(S) = 0``
    for a set that no path has. For each set ``S`` with conversions, the Shapley values
    of ``v`` restricted to the subsets of ``S`` (which sum to ``v(S)`` by efficiency)
    split that set's conversions in proportion to them: the conditional-rate
    characteristic function of Dalessandro et al. (2012), played as one game per
    observed channel set rather than one over all channels, so channel ``i`` gets
    ``sum over sets T containing i of conversions(T) * phi_i(T) / v(T)``. Order and
    repeated touches are ignored. Because ``v`` is a conditional rate, not a causal
    effect, a channel that reaches people who would sign up anyway (high ``v`` for sets
    that contain it) still collects credit. A channel can get negative credit if adding
    it to sets lowers their conversion rate.

    Cost: one exact Shapley computation per distinct channel set, each over at most
    ``2 ** |S|`` subsets.

    Returns:
        Attributed conversions per channel, summing to the total conversions.
    """
    t, sets, n_journeys, rate = _channel_sets(journeys)
    n_ch = len(t.channels)
    table = _rate_table(rate, n_ch, 0.0)
    credit = np.zeros(n_ch)
    for mask, conv in sets["conv"].items():
        if conv <= 0:
            continue
        members, phi = _subgame_shapley(table, mask, n_ch)
        credit[members] += conv * phi / table[mask]
    return pd.Series(credit, index=t.channels, name="shapley")


def _rate_table(rate: Mapping[int, float], n_ch: int, default: float) -> np.ndarray:
    """The characteristic function as an array over all ``2 ** n_ch`` channel masks:
    the observed sets' conversion rates, ``default`` for every other coalition."""
    table = np.full(1 << n_ch, float(default))
    table[list(rate)] = list(rate.values())
    return table


def _subgame_shapley(
    table: np.ndarray, mask: int, n_ch: int
) -> tuple[list[int], np.ndarray]:
    """Exact Shapley values of the game ``table`` restricted to the subsets of the
    channel set ``mask``: the members, and their values (the formula of
    :func:`shapley_values`, vectorised over the ``2 ** k`` subsets)."""
    members = [c for c in range(n_ch) if mask >> c & 1]
    k = len(members)
    local = np.arange(1 << k)
    bits = (local[:, None] >> np.arange(k)) & 1  # (2**k, k) membership
    coalition = bits @ (np.int64(1) << np.asarray(members, dtype=np.int64))
    v = table[coalition]
    size = bits.sum(1)
    fact = np.array([factorial(j) for j in range(k + 1)], dtype=float)
    phi = np.empty(k)
    for j in range(k):
        without = bits[:, j] == 0
        s = size[without]
        weight = fact[s] * fact[k - s - 1] / fact[k]
        phi[j] = weight @ (v[local[without] | (1 << j)] - v[without])
    return members, phi


def _channel_sets(journeys: pd.DataFrame):
    """The paths grouped by their set of distinct channels (a bit mask), for the Shapley
    games: the table, conversions and non-conversions per set, journeys per set, and
    each set's conversion rate by mask."""
    t = _Table(journeys)
    n_ch = len(t.channels)
    if n_ch > 20:
        raise ValueError(
            f"exact path Shapley needs 2**n coalitions; {n_ch} channels is too many "
            "(at most 20)"
        )
    masks = np.zeros(len(t.lengths), dtype=np.int64)
    np.bitwise_or.at(masks, t.row, np.left_shift(1, t.codes))
    sets = (
        pd.DataFrame({"mask": masks, "conv": t.conversions, "non": t.non_conversions})
        .groupby("mask")
        .sum()
    )
    n_journeys = (sets["conv"] + sets["non"]).to_numpy()
    rates = np.divide(
        sets["conv"].to_numpy(),
        n_journeys,
        out=np.zeros(len(sets)),
        where=n_journeys > 0,
    )
    return t, sets, n_journeys, dict(zip(sets.index.tolist(), rates.tolist()))


def transition_matrix(journeys: pd.DataFrame) -> pd.DataFrame:
    """The first-order Markov chain of the paths, as transition probabilities.

    States are ``(start)``, every channel, ``(conversion)`` and ``(null)``. Each path
    adds its journeys (conversions + non-conversions) to ``(start) -> first touch`` and
    to each step between consecutive touches, its conversions to
    ``last touch -> (conversion)`` and its non-conversions to ``last touch -> (null)``.
    Rows are normalised to sum to 1 (a row with no weight stays zero); the absorbing
    states keep self-loops.
    """
    t = _Table(journeys)
    return _transitions(t)


def _transitions(t: _Table) -> pd.DataFrame:
    n = len(t.channels)
    start, conv, null = n, n + 1, n + 2
    w = t.conversions + t.non_conversions
    counts = np.zeros((n + 3, n + 3))
    np.add.at(counts, (np.full(len(t.lengths), start), t.codes[t.starts]), w)
    nxt = np.r_[t.codes[1:], -1]
    inner = t.position < (t.lengths[t.row] - 1)
    np.add.at(counts, (t.codes[inner], nxt[inner]), w[t.row[inner]])
    last = t.codes[t.starts + t.lengths - 1]
    np.add.at(counts, (last, np.full(len(last), conv)), t.conversions)
    np.add.at(counts, (last, np.full(len(last), null)), t.non_conversions)
    counts[conv, conv] = counts[null, null] = 1.0
    totals = counts.sum(axis=1, keepdims=True)
    probs = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
    labels = list(t.channels) + ["(start)", "(conversion)", "(null)"]
    return pd.DataFrame(probs, index=labels, columns=labels)


def _conversion_probability(P: np.ndarray, n: int, keep: np.ndarray) -> float:
    """P(reach (conversion) from (start)) when only the channels in ``keep`` pass people
    on.

    A removed channel sends everyone who reaches it to (null): its row and column drop
    out of the chain. Solves ``(I - Q) x = r`` on the kept transient channels.
    """
    Q = P[np.ix_(keep, keep)]
    r = P[keep, n + 1]
    s = P[n, keep]
    x = np.linalg.solve(np.eye(len(keep)) - Q, r)
    return float(s @ x)


def markov(journeys: pd.DataFrame) -> pd.Series:
    """First-order Markov-chain attribution by removal effects (Anderl et al. 2016).

    Fit the chain of :func:`transition_matrix`; ``p`` is the probability to reach
    ``(conversion)`` from ``(start)``. The removal effect of a channel is
    ``1 - p_without / p``, where ``p_without`` is the same probability when the channel
    sends everyone who reaches it to ``(null)``. The conversions are split in proportion
    to the removal effects. With every channel in the chain, ``p`` equals the table's
    overall conversion rate; the removal effects themselves do not sum to 1 (paths
    through several channels count for each of them), hence the normalisation.

    Returns:
        Attributed conversions per channel, summing to the total conversions (zeros if
        there are none).
    """
    t = _Table(journeys)
    if t.total == 0:
        return pd.Series(0.0, index=t.channels, name="markov")
    removal = _removal_effects(t)
    return pd.Series(t.total * removal / removal.sum(), index=t.channels, name="markov")


def _removal_effects(t: _Table) -> np.ndarray:
    n = len(t.channels)
    P = _transitions(t).to_numpy()
    everyone = np.arange(n)
    p = _conversion_probability(P, n, everyone)
    return np.array(
        [
            1.0 - _conversion_probability(P, n, everyone[everyone != c]) / p
            for c in range(n)
        ]
    )


def removal_effects(journeys: pd.DataFrame) -> pd.Series:
    """The Markov removal effect of each channel, ``1 - p_without / p`` (see
    :func:`markov`), not normalised."""
    t = _Table(journeys)
    if t.total == 0:
        raise ValueError(
            "journeys has no conversions; removal effects are undefined when p = 0"
        )
    return pd.Series(_removal_effects(t), index=t.channels, name="removal_effect")


def shapley_incremental(journeys: pd.DataFrame, baseline_rate: float) -> pd.Series:
    """Shapley attribution of the sign-ups *above a baseline*, not of all of them.

    The same game as :func:`shapley`, one per observed channel set ``T``, but with
    ``v(empty) = baseline_rate``, the conversion rate of people with no tracked touch
    (the ``users`` table has them; the journeys table does not). A coalition that no
    path has gets the baseline too (no evidence of any lift). Channel ``i`` receives
    ``sum over sets T containing i of journeys(T) * phi_i(T)``, and the credits sum to
    the conversions on the paths minus what the baseline rate predicts for their
    people: the sign-ups that would have happened anyway are no longer handed to the
    channels. What it cannot remove is selection: a channel aimed at people who were
    about to convert still raises ``v`` of every set it is in.

    Raises:
        ValueError: if ``baseline_rate`` is not in [0, 1], or for a bad journeys table
            or more than 20 channels.
    """
    baseline_rate = check_real(baseline_rate, "baseline_rate", minimum=0.0)
    if baseline_rate > 1.0:
        raise ValueError(
            f"baseline_rate is a conversion rate in [0, 1]; got {baseline_rate:g}"
        )
    t, sets, n_journeys, rate = _channel_sets(journeys)
    n_ch = len(t.channels)
    table = _rate_table(rate, n_ch, baseline_rate)
    credit = np.zeros(n_ch)
    for mask, n in zip(sets.index.tolist(), n_journeys):
        members, phi = _subgame_shapley(table, mask, n_ch)
        credit[members] += n * phi
    return pd.Series(credit, index=t.channels, name="shapley_incremental")
